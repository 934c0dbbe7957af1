#pragma once
// Table identifiers and loaded tables, independent of how a catalog stores them.
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/file_io.h"
#include "iceberg/table_metadata.h"

namespace icesync::iceberg {

// "ns.table", "a.b.table" (nested namespaces). The last dotted part is the table name.
struct TableIdentifier {
  std::vector<std::string> ns;
  std::string name;

  // InvalidArgument for empty parts or a missing namespace.
  static Result<TableIdentifier> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const TableIdentifier& o) const = default;
};

// One loaded version of a table.
struct Table {
  std::string table_dir;      // local root (holds metadata/ and data/)
  std::string metadata_path;  // the metadata file this version was read from
  // N of metadata/vN.metadata.json, or of NNNNN-<uuid>.metadata.json; -1 otherwise.
  int version = -1;
  TableMetadata metadata;

  // Maps the metadata's file URIs to local paths (see file_io.h).
  TableFileMapper FileMapper(bool allow_moved_paths) const {
    return TableFileMapper(metadata.location, table_dir, allow_moved_paths);
  }
};

}  // namespace icesync::iceberg
