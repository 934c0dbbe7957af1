#pragma once
// What scan planning produces and the table reader consumes: the live data files of one
// snapshot, each with the delete files that apply to it. Paths are kept exactly as the
// manifests write them (they may be s3a:// URIs or relative); mapping them to local files
// is the reader's job (file_io), and position deletes match on these unmapped strings.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace icesync::iceberg {

enum class ContentKind : uint8_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

// One live manifest entry, with the inherited values already resolved (table spec,
// "Sequence Number Inheritance": a null sequence number / snapshot id takes the manifest
// list's).
struct ScanFile {
  std::string file_path;  // as written in the manifest
  std::string file_format = "PARQUET";
  ContentKind content = ContentKind::kData;
  int spec_id = 0;
  bool spec_unpartitioned = true;  // the file's partition spec has no (non-void) fields
  std::vector<Value> partition;    // one value per field of the file's spec, in spec order
  int64_t record_count = 0;
  int64_t data_sequence_number = 0;
  int64_t snapshot_id = 0;
  std::vector<int> equality_ids;   // equality deletes only
  // Column statistics by field id (decoded bounds), for pruning; may be empty.
  std::map<int, Value> lower_bounds;
  std::map<int, Value> upper_bounds;
  std::map<int, int64_t> null_value_counts;
  std::map<int, int64_t> value_counts;
  // Source field id -> value, for the identity fields of the file's spec: a schema field a
  // data file lacks reads as this value (table spec, "Column Projection").
  std::vector<std::pair<int, Value>> identity_values;
};

struct FileScanTask {
  ScanFile data;
  std::vector<ScanFile> deletes;  // position deletes first, then equality deletes
};

}  // namespace icesync::iceberg
