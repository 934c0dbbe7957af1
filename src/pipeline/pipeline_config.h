#pragma once
// sync.yaml: a pipeline of tables, each synced from a source database into the warehouse and
// optionally imported into a target database.
//
//   warehouse: ./lake                       # relative paths: from the file's directory; or s3://bucket/prefix
//   catalog: sql:sqlite:///cat.db           # optional, as --catalog takes it (default: filesystem)
//   connections:
//     src: ${SHOP_DB}                       # ${NAME} expands from the environment (secrets
//     dst: sqlite:///var/lib/target.db      # stay out of the file); any CONN icesync takes
//   defaults: {detect: full, mode: mirror}  # any per-table sync key
//   tables:
//     - name: customers                     # unique
//       source: {connection: src, table: Sales.Customers}
//       iceberg: shop.customers
//       detect: timestamp:ModifiedDate      # full | timestamp:COL | id:COL | rowversion:COL | change-tracking
//       key: [CustomerID]                   # optional (default: the source's primary key)
//       partition_by: bucket(16, CustomerID)
//       import: {connection: dst, table: dbo.Customers, strategy: upsert, create: true}
//       maintain: {compact_min_files: 10, expire_older_than: 7d, retain_last: 5}
//
// Per-table sync keys: detect, key, mode, lag, detect_deletes, on_null_cursor,
// on_schema_change, partition_by, target_file_size. Errors name the file, the line, the key
// and the fix; unknown keys are errors (a typo must not silently change what runs).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "load/import_options.h"
#include "sync/incremental_sync.h"

namespace icesync::pipeline {

// The optional per-table `maintain:` block, run after the table's sync (and import) so that a
// scheduled pipeline keeps its tables healthy (sync/maintain/maintain.h):
//   maintain: {compact_min_files: 10, expire_older_than: 7d, retain_last: 5, remove_orphans_older_than: 1d}
struct MaintainConfig {
  std::optional<int> compact_min_files;           // compact partitions with this many small files
  std::optional<int64_t> expire_older_than_micros;
  int retain_last = 1;
  std::optional<int64_t> remove_orphans_older_than_micros;
};

struct TableConfig {
  std::string name;
  int line = 0;                  // where the entry starts (1-based), for messages
  std::string source_connection;  // the connection's name in the file (never its string)
  sync::SyncOptions sync;        // resolved: source string, warehouse, target, detection...
  std::optional<load::ImportOptions> import;
  std::string import_connection;  // the import connection's name
  std::optional<MaintainConfig> maintain;
};

struct PipelineConfig {
  std::string path;
  std::string warehouse;  // absolute (or an s3:// prefix)
  std::string catalog;    // the catalog: value (as --catalog takes it); "" = the filesystem catalog
  std::vector<TableConfig> tables;
};

// Reads an environment variable (std::getenv by default; tests pass their own).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Parses and validates the file. InvalidArgument messages read
// "sync.yaml:12: tables[1] (orders): unknown key 'detetc'; expected one of ...".
Result<PipelineConfig> LoadPipelineConfig(const std::string& path, const EnvLookup& env = {});

}  // namespace icesync::pipeline
