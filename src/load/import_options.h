#pragma once
// What `icesync import` is asked to do and what it reports.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "iceberg/catalog.h"

namespace icesync::load {

enum class Strategy { kAppend, kUpsert, kReplace, kScd2 };
const char* StrategyName(Strategy s);
Result<Strategy> ParseStrategy(const std::string& text);

struct ImportOptions {
  std::string warehouse;
  // The catalog `from` is registered in; null: the filesystem catalog at `warehouse`.
  std::shared_ptr<iceberg::Catalog> catalog;
  std::string from;    // Iceberg table: ns.table (or a table directory)
  std::string target;  // connection URL or ODBC string
  std::string table;   // [schema.]table in the target
  Strategy strategy = Strategy::kAppend;
  std::vector<std::string> key;  // empty: identifier fields, else the target's primary key
  bool create = false;
  std::optional<int64_t> snapshot_id;
  int64_t batch_rows = 65536;
  bool allow_moved_paths = false;  // a table copied from elsewhere (see iceberg/table_file_mapper.h)
};

struct ImportResult {
  std::string status;  // "ok" | "unchanged"
  std::string target_table;
  std::string strategy;
  std::optional<int64_t> from_snapshot_id;  // the snapshot the target held before (none: never imported)
  std::optional<int64_t> snapshot_id;       // the snapshot it holds now (none: the table has no snapshot)
  bool full_read = false;
  std::string read_reason;  // why a full read, or "incremental"
  int64_t rows_read = 0;
  int64_t keys_deleted_read = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  bool created = false;
  std::string load_method;
  double seconds = 0;
  double plan_seconds = 0;   // target checks, state, planning the change
  double stage_seconds = 0;  // reading Iceberg and loading the staging tables (or the direct COPY)
  double apply_seconds = 0;  // the merge transaction
};

}  // namespace icesync::load
