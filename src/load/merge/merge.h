#pragma once
// The merge strategies: set-based statements from the staging tables into the target, run
// inside the caller's transaction (which also rewrites the import state), one file each.
// No MERGE statement (not every SQL Server-compatible engine has it, and it has known
// concurrency bugs); the SQL text comes from the dialect.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace icesync::load {

struct MergeInput {
  const db::Connection* conn = nullptr;
  db::TableName target;
  db::TableName rows;                    // staged rows: the data columns (+ changed_at for scd2)
  std::optional<db::TableName> deleted;  // staged deleted keys (+ changed_at), re-added keys removed
  std::vector<std::string> columns;      // data columns
  std::vector<std::string> keys;
  bool full_read = false;  // the staged rows are the whole snapshot: keys not staged are gone
  int64_t snapshot_time_us = 0;  // commit time of the snapshot imported
  db::Dialect::Scd2Columns scd;
};

struct MergeCounts {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
};

// append: INSERT … SELECT from the staged rows (deleted keys are not applied).
Result<MergeCounts> AppendMerge(const MergeInput& in);
// upsert: DELETE deleted keys (full read: keys not staged), UPDATE … FROM, INSERT … WHERE NOT EXISTS.
Result<MergeCounts> UpsertMerge(const MergeInput& in);
// replace: DELETE every row, INSERT … SELECT; readers see the old rows until COMMIT.
Result<MergeCounts> ReplaceMerge(const MergeInput& in);
// scd2: close versions of deleted and changed keys, insert current versions.
Result<MergeCounts> Scd2Merge(const MergeInput& in);

}  // namespace icesync::load
