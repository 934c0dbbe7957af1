#pragma once
// What scan planning produces and the table reader consumes: the live data files of one
// snapshot, each with the delete files that apply to it. Paths are kept exactly as the
// manifests write them (they may be s3a:// URIs or relative); mapping them to local files
// is the reader's job (file_io), and position deletes match on these unmapped strings.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/value.h"
#include "iceberg/manifest.h"

namespace icesync::iceberg {

// One live manifest entry, with the inherited values resolved (table spec, "Sequence Number
// Inheritance": a null data sequence number / snapshot id takes the manifest list entry's
// sequence_number / added_snapshot_id) and with what the reader needs from its spec.
struct ScanFile {
  DataFile file;
  int64_t data_sequence_number = 0;
  int64_t snapshot_id = 0;
  int spec_id = 0;
  bool spec_unpartitioned = true;  // the file's spec has no fields but void ones
  // Source field id -> value, for the identity fields of the file's spec: a schema field a
  // data file lacks reads as this value (table spec, "Column Projection").
  std::vector<std::pair<int, Value>> identity_values;

  FileContent content() const { return file.content; }
  const std::string& path() const { return file.file_path; }
};

struct FileScanTask {
  ScanFile data;
  std::vector<ScanFile> deletes;  // position deletes first, then equality deletes
};

}  // namespace icesync::iceberg
