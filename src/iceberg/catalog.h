#pragma once
// Table identifiers and loaded tables, independent of how a catalog stores them.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/table_file_mapper.h"
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
  std::string table_dir;      // the root (holds metadata/ and data/): a local directory or an s3:// prefix
  std::string metadata_path;  // the metadata file this version was read from
  // N of metadata/vN.metadata.json, or of NNNNN-<uuid>.metadata.json; -1 otherwise.
  int version = -1;
  TableMetadata metadata;

  // Maps the metadata's file URIs to local paths (see table_file_mapper.h).
  TableFileMapper FileMapper(bool allow_moved_paths) const {
    return TableFileMapper(metadata.location, table_dir, allow_moved_paths);
  }
};

struct CommitOptions {
  int max_attempts = 64;
  int initial_backoff_ms = 2;
  int max_backoff_ms = 250;
};

// Builds the next metadata from the newest committed version. Called once per attempt with a
// freshly loaded base; must be safe to call again (no side effects it cannot repeat) and
// should return Conflict when the base no longer allows the change (the commit then stops).
using MetadataUpdate = std::function<Result<TableMetadata>(const Table& base)>;

// Where tables are registered and how a new version becomes current. Every catalog keeps the
// same contract, so sync, import and maintain never ask which one they have:
//   - CommitTable is atomic and optimistic: the update is built from the version current at
//     the attempt, and the catalog makes the result current only if that version is still
//     current (filesystem: no-overwrite link of vN+1; SQL: UPDATE ... WHERE metadata_location
//     = the base's; REST: the server checks the commit's requirements). A lost race re-runs
//     the update on the new version, up to CommitOptions::max_attempts, then Conflict.
//   - A table's files live under its location (a local directory or an s3:// prefix) and are
//     read and written through io::FileIO; the catalog only names the current metadata file.
// Implementations: iceberg/filesystem_catalog (a warehouse directory, the default),
// catalog/sql_catalog (the JDBC schema Java Iceberg and PyIceberg share), catalog/rest_catalog
// (the Iceberg REST protocol).
class Catalog {
 public:
  virtual ~Catalog() = default;
  // For messages: "filesystem catalog /wh", "SQL catalog 'prod' (sqlite:///cat.db)". No secrets.
  virtual std::string Describe() const = 0;
  // Where a table created as `id` keeps its files: <warehouse>/<ns...>/<name> by default.
  virtual Result<std::string> DefaultLocation(const TableIdentifier& id) const = 0;

  virtual Result<Table> LoadTable(const TableIdentifier& id) const = 0;
  virtual Result<bool> TableExists(const TableIdentifier& id) const = 0;
  // Tables directly in a namespace, sorted by name.
  virtual Result<std::vector<TableIdentifier>> ListTables(const std::vector<std::string>& ns) const = 0;
  // Registers a new table whose first metadata (maybe with a snapshot already, so a table and
  // its first data appear in one step) is `metadata`; metadata.location must be set (usually
  // DefaultLocation). AlreadyExists when `id` exists.
  virtual Result<Table> CreateTable(const TableIdentifier& id, TableMetadata metadata) = 0;
  // See the contract above. Returns the newly committed version.
  virtual Result<Table> CommitTable(const TableIdentifier& id, const MetadataUpdate& update,
                                    const CommitOptions& options = {}) = 0;
  // Unregisters the table; with purge its files are deleted too.
  virtual Status DropTable(const TableIdentifier& id, bool purge = false) = 0;
};

}  // namespace icesync::iceberg
