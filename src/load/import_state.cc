#include "load/import_state.h"

#include <chrono>
#include <cstdlib>

#include "db/odbc_codec.h"

namespace icesync::load {

db::TableName StateTableFor(const db::TableName& target) { return db::TableName{target.schema, kStateTableName}; }

Status EnsureStateTable(db::Connection& conn, const db::TableName& state) {
  const db::CatalogQuery q = conn.dialect().ColumnsQuery(state);
  ASSIGN_OR_RETURN(std::vector<db::TextRow> columns, conn.QueryText(q.sql, q.params));
  if (!columns.empty()) return Status::OK();
  Status st = conn.Execute(conn.dialect().CreateImportState(state));
  if (st.ok()) return st;
  // Another import may have created it meanwhile.
  ASSIGN_OR_RETURN(columns, conn.QueryText(q.sql, q.params));
  if (!columns.empty()) return Status::OK();
  return st.WithContext("creating the import state table " + state.ToString());
}

Result<std::optional<ImportState>> ReadImportState(const db::Connection& conn, const db::TableName& state,
                                                   const db::TableName& target) {
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                   conn.QueryText(conn.dialect().SelectImportState(state), {target.ToString()}));
  if (rows.empty()) return std::optional<ImportState>();
  const db::TextRow& r = rows[0];
  if (r.size() < 5 || !r[2] || !r[3]) {
    return Corrupt("{} holds an incomplete row for {}; delete that row to import from scratch", state.ToString(),
                   target.ToString());
  }
  ImportState s;
  s.table_uuid = r[0].value_or("");
  s.table_location = r[1].value_or("");
  s.snapshot_id = std::strtoll(r[2]->c_str(), nullptr, 10);
  s.sequence_number = std::strtoll(r[3]->c_str(), nullptr, 10);
  s.strategy = r[4].value_or("");
  return std::optional<ImportState>(std::move(s));
}

std::vector<std::string> ImportStateParams(const db::TableName& target, const ImportState& row,
                                           int64_t snapshot_time_ms) {
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return {target.ToString(), row.table_uuid, row.table_location, std::to_string(row.snapshot_id),
          std::to_string(row.sequence_number), db::TimestampText(snapshot_time_ms * 1000, true), row.strategy,
          db::TimestampText(now_us, true)};
}

Status ImportStateMoved(const db::TableName& target, int64_t planned_snapshot, int64_t now) {
  auto name = [](int64_t id) { return id < 0 ? std::string("nothing") : "snapshot " + std::to_string(id); };
  return Conflict(
      "another import into {} committed while this one ran (the target held {} when this import was "
      "planned, now {}); nothing was applied: run the import again to apply what is still missing",
      target.ToString(), name(planned_snapshot), name(now));
}

Status ClaimImportTarget(const db::Connection& conn, const db::TableName& state, const db::TableName& target,
                         int64_t planned_snapshot) {
  const db::Dialect& d = conn.dialect();
  const std::string lock = d.LockImportTarget(state);
  // A SELECT (PostgreSQL's advisory lock) runs when its row is fetched.
  if (lock.starts_with("SELECT")) {
    RETURN_IF_ERROR(conn.QueryText(lock, {target.ToString()}).status());
  } else {
    RETURN_IF_ERROR(conn.ExecuteCount(lock, {target.ToString()}).status());
  }
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, conn.QueryText(d.SelectImportSnapshot(state), {target.ToString()}));
  const int64_t now = rows.empty() || !rows[0][0] ? -1 : std::strtoll(rows[0][0]->c_str(), nullptr, 10);
  if (now != planned_snapshot) return ImportStateMoved(target, planned_snapshot, now);
  return Status::OK();
}

Status WriteImportState(const db::Connection& conn, const db::TableName& state, const db::TableName& target,
                        const ImportState& row, int64_t snapshot_time_ms) {
  const db::Dialect& d = conn.dialect();
  RETURN_IF_ERROR(conn.ExecuteCount(d.DeleteImportState(state), {target.ToString()}));
  ASSIGN_OR_RETURN(int64_t inserted,
                   conn.ExecuteCount(d.InsertImportState(state), ImportStateParams(target, row, snapshot_time_ms)));
  if (inserted != 1) return DatabaseError("writing the import state of {} into {} stored {} rows", target.ToString(),
                                          state.ToString(), inserted);
  return Status::OK();
}

}  // namespace icesync::load
