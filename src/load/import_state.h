#pragma once
// The icesync_state table in the target database: per target table, the Iceberg snapshot it
// holds. It is created on first use and rewritten in the same transaction as the merge, so
// the target and its state always agree: a crash leaves both at the old snapshot or both at
// the new one, and the next run applies exactly what is missing.
#include <optional>
#include <string>

#include "db/connection.h"
#include "iceberg/snapshot.h"
#include "load/import_options.h"

namespace icesync::load {

inline constexpr const char* kStateTableName = "icesync_state";

struct ImportState {
  std::string table_uuid;
  std::string table_location;
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  std::string strategy;
};

// icesync_state in the target table's schema.
db::TableName StateTableFor(const db::TableName& target);

// Creates the state table when missing (autocommit, before any transaction).
Status EnsureStateTable(db::Connection& conn, const db::TableName& state);
// The state row of `target` (its ToString() form), if any.
Result<std::optional<ImportState>> ReadImportState(const db::Connection& conn, const db::TableName& state,
                                                   const db::TableName& target);
// The parameters of Dialect::InsertImportState for `row`, in order.
std::vector<std::string> ImportStateParams(const db::TableName& target, const ImportState& row,
                                           int64_t snapshot_time_ms);
// The first step of the transaction that applies an import: waits for any other import of
// `target` to finish (Dialect::LockImportTarget), then checks that the state still holds
// `planned_snapshot` (-1: no row), the snapshot the import was planned from. Another import
// that committed meanwhile is a Conflict: this one applies nothing, and a re-run plans from
// the new state, so no change is ever applied twice.
Status ClaimImportTarget(const db::Connection& conn, const db::TableName& state, const db::TableName& target,
                         int64_t planned_snapshot);
// The Conflict for a state that moved from `planned_snapshot` to `now` (-1: no row).
Status ImportStateMoved(const db::TableName& target, int64_t planned_snapshot, int64_t now);

// Replaces the state row of `target`; runs inside the caller's transaction.
Status WriteImportState(const db::Connection& conn, const db::TableName& state, const db::TableName& target,
                        const ImportState& row, int64_t snapshot_time_ms);

}  // namespace icesync::load
