#include "load/importer.h"

#include <chrono>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/table_reader.h"
#include "load/direct_copy.h"
#include "load/import_state.h"
#include "load/merge/merge.h"
#include "load/net_change.h"
#include "load/staging.h"
#include "load/target_table.h"
#include "core/crash_point.h"

namespace icesync::load {

namespace {

// Staging column holding the commit time of the snapshot that carried a row (scd2, deletes).
constexpr const char* kChangedAt = "icesync_changed_at";

std::shared_ptr<const Schema> WithChangedAt(std::vector<Field> fields) {
  int next = 0;
  for (const Field& f : fields) next = std::max(next, f.id);
  fields.push_back(Field{next + 1, kChangedAt, DataType::TimestampTz(), false});
  return std::make_shared<const Schema>(std::move(fields));
}

// The schema rows of snapshot `to` are read with (as the scan planner picks it).
const Schema* ReadSchema(const iceberg::TableMetadata& m, const iceberg::Snapshot* to) {
  if (to && to->schema_id) {
    if (const Schema* s = m.SchemaById(*to->schema_id)) return s;
  }
  return m.CurrentSchema();
}

Status CheckKeys(const db::Connection& conn, const db::TableName& stage, const std::vector<std::string>& keys,
                 const std::string& from, int64_t snapshot_id) {
  const db::Dialect& d = conn.dialect();
  ASSIGN_OR_RETURN(int64_t nulls, conn.QueryInt64(d.CountNullKeys(stage, keys)));
  if (nulls > 0) {
    return InvalidArgument("{} rows of {} (snapshot {}) have a NULL in key column(s) {}; pass --key with columns "
                           "that identify every row", nulls, from, snapshot_id, fmt::join(keys, ", "));
  }
  ASSIGN_OR_RETURN(int64_t dups, conn.QueryInt64(d.CountDuplicateKeys(stage, keys)));
  if (dups > 0) {
    return InvalidArgument("the key ({}) is not unique in {} (snapshot {}): {} key values occur more than once; "
                           "pass --key with columns that identify every row, or use --strategy append",
                           fmt::join(keys, ", "), from, snapshot_id, dups);
  }
  return Status::OK();
}

Result<MergeCounts> Merge(Strategy strategy, const MergeInput& in) {
  switch (strategy) {
    case Strategy::kAppend: return AppendMerge(in);
    case Strategy::kUpsert: return UpsertMerge(in);
    case Strategy::kReplace: return ReplaceMerge(in);
    case Strategy::kScd2: return Scd2Merge(in);
  }
  return Internal("unknown strategy");
}

class ImportJob {
 public:
  explicit ImportJob(const ImportOptions& options) : options_(options) {}
  Result<ImportResult> Run();

 private:
  // Reads the rows of the change's tasks (scd2: with the commit time of their snapshot).
  Status ReadRows(const iceberg::Table& table, const NetChange& change, const std::shared_ptr<const Schema>& staged,
                  const std::function<Status(const RecordBatch&)>& sink);
  Status StageRows(const iceberg::Table& table, const NetChange& change);
  Status StageDeletedKeys(const iceberg::Table& table, const NetChange& change);
  Status Apply(const iceberg::Table& table, const NetChange& change);
  Status CheckNoKeyTwice(int64_t snapshot_id);

  const ImportOptions& options_;
  ImportResult result_;
  std::unique_ptr<db::Connection> conn_;
  TargetTable target_;
  db::TableName state_table_;
  int64_t planned_snapshot_ = -1;  // the snapshot icesync_state held when the import was planned
  std::unique_ptr<StagingTable> rows_;
  std::unique_ptr<StagingTable> deleted_;
};

Status ImportJob::ReadRows(const iceberg::Table& table, const NetChange& change,
                           const std::shared_ptr<const Schema>& staged,
                           const std::function<Status(const RecordBatch&)>& sink) {
  const bool scd2 = options_.strategy == Strategy::kScd2;
  iceberg::TableReader reader(table, change.scan, change.allow_moved_paths);
  for (const iceberg::FileScanTask& task : change.row_tasks) {
    const int64_t at_us = AddedAtMs(table, task.data, change.to->timestamp_ms) * 1000;
    ASSIGN_OR_RETURN(bool more, reader.ReadTask(task, [&](const RecordBatch& batch) -> Result<bool> {
      if (!scd2) {
        RETURN_IF_ERROR(sink(batch));
        return true;
      }
      RecordBatch out(staged);
      for (size_t c = 0; c < batch.num_columns(); ++c) out.column(c) = batch.column(c);
      ColumnVector& changed = out.column(batch.num_columns());
      changed.Reserve(batch.num_rows());
      for (int64_t r = 0; r < batch.num_rows(); ++r) changed.Append<int64_t>(at_us);
      RETURN_IF_ERROR(sink(out));
      return true;
    }));
    (void)more;
  }
  return Status::OK();
}

Status ImportJob::StageRows(const iceberg::Table& table, const NetChange& change) {
  const bool scd2 = options_.strategy == Strategy::kScd2;
  auto read_schema = std::make_shared<const Schema>(change.scan.schema.fields());
  std::shared_ptr<const Schema> staged = scd2 ? WithChangedAt(change.scan.schema.fields()) : read_schema;
  ASSIGN_OR_RETURN(rows_, StagingTable::Create(*conn_, target_.name, "rows", staged));
  RETURN_IF_ERROR(rows_->Begin());
  RETURN_IF_ERROR(ReadRows(table, change, staged, [&](const RecordBatch& batch) -> Status {
    result_.rows_read += batch.num_rows();
    RETURN_IF_ERROR(rows_->Append(batch));
    CrashPoint("import-staging");  // a batch staged, more to come (when there is more)
    return Status::OK();
  }));
  ASSIGN_OR_RETURN(int64_t stored, rows_->Finish());
  if (stored != result_.rows_read) {
    return DatabaseError("staged {} rows of the {} read from {}; nothing was applied", stored, result_.rows_read,
                         options_.from);
  }
  result_.load_method = rows_->method();
  return Status::OK();
}

Status ImportJob::StageDeletedKeys(const iceberg::Table& table, const NetChange& change) {
  if (change.position_deletes.empty() && change.equality_deletes.empty()) return Status::OK();
  std::shared_ptr<const Schema> schema = WithChangedAt(target_.key_fields);
  ASSIGN_OR_RETURN(deleted_, StagingTable::Create(*conn_, target_.name, "deleted", schema));
  RETURN_IF_ERROR(deleted_->Begin());
  RETURN_IF_ERROR(ReadDeletedKeys(table, change, target_.key_fields, schema, options_.batch_rows,
                                  [&](const RecordBatch& batch) -> Status {
                                    result_.keys_deleted_read += batch.num_rows();
                                    return deleted_->Append(batch);
                                  }));
  ASSIGN_OR_RETURN(int64_t stored, deleted_->Finish());
  if (stored != result_.keys_deleted_read) {
    return DatabaseError("staged {} deleted keys of the {} read; nothing was applied", stored,
                         result_.keys_deleted_read);
  }
  return Status::OK();
}

// Incremental: a new row whose key the target holds, while no delete since removed that key,
// means the snapshot holds the key twice (a writer appended instead of updating).
Status ImportJob::CheckNoKeyTwice(int64_t snapshot_id) {
  const db::Dialect& d = conn_->dialect();
  std::vector<std::string> keys;
  for (const Field& f : target_.key_fields) keys.push_back(f.name);
  const db::TableName* deleted = deleted_ ? &deleted_->name() : nullptr;
  const std::string current = options_.strategy == Strategy::kScd2
                                  ? "t." + d.QuoteIdentifier(kIsCurrent) + " = " + d.BooleanLiteral(true)
                                  : "";
  ASSIGN_OR_RETURN(int64_t twice,
                   conn_->QueryInt64(d.CountKeysStillLive(target_.name, rows_->name(), deleted, keys, current)));
  if (twice > 0) {
    return InvalidArgument("the key ({}) is not unique in {} (snapshot {}): {} new rows have a key that an earlier "
                           "row still holds; pass --key with columns that identify every row, or use --strategy "
                           "append", fmt::join(keys, ", "), options_.from, snapshot_id, twice);
  }
  return Status::OK();
}

Status ImportJob::Apply(const iceberg::Table& table, const NetChange& change) {
  MergeInput in;
  in.conn = conn_.get();
  in.target = target_.name;
  in.rows = rows_->name();
  if (deleted_) in.deleted = deleted_->name();
  in.columns = target_.columns;
  for (const Field& f : target_.key_fields) in.keys.push_back(f.name);
  in.full_read = change.full_read;
  in.snapshot_time_us = change.to->timestamp_ms * 1000;
  in.scd = {kValidFrom, kValidTo, kIsCurrent, kChangedAt};

  RETURN_IF_ERROR(conn_->Begin());
  auto body = [&]() -> Status {
    RETURN_IF_ERROR(ClaimImportTarget(*conn_, state_table_, target_.name, planned_snapshot_));
    ASSIGN_OR_RETURN(MergeCounts counts, Merge(options_.strategy, in));
    result_.inserted = counts.inserted;
    result_.updated = counts.updated;
    result_.deleted = counts.deleted;
    ImportState state{table.metadata.table_uuid, table.metadata.location, change.to->snapshot_id,
                      change.to->sequence_number, StrategyName(options_.strategy)};
    RETURN_IF_ERROR(WriteImportState(*conn_, state_table_, target_.name, state, change.to->timestamp_ms));
    CrashPoint("import-applied");
    return conn_->Commit();
  };
  Status st = body();
  if (!st.ok() && conn_->in_transaction()) (void)conn_->Rollback();
  return st.WithContext(st.ok() ? "" : "applying the change to " + target_.name.ToString() + " (rolled back)");
}

Result<ImportResult> ImportJob::Run() {
  const auto start = std::chrono::steady_clock::now();
  result_.strategy = StrategyName(options_.strategy);
  result_.target_table = options_.table;
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::LoadTableArgument(options_.warehouse, options_.from, options_.catalog.get()));
  iceberg::ScanOptions select;
  select.snapshot_id = options_.snapshot_id;
  ASSIGN_OR_RETURN(const iceberg::Snapshot* to, iceberg::SelectSnapshot(table.metadata, select));
  const Schema* schema = ReadSchema(table.metadata, to);
  if (schema == nullptr) return Corrupt("{} has no schema", options_.from);

  ASSIGN_OR_RETURN(conn_, db::Connect(options_.target));
  ASSIGN_OR_RETURN(target_, PrepareTarget(*conn_, *schema, options_));
  result_.created = target_.created;
  const bool keyed = options_.strategy == Strategy::kUpsert || options_.strategy == Strategy::kScd2;
  if (keyed && target_.key_fields.empty()) {
    return InvalidArgument("no key for --strategy {}: {} has no identifier fields and {} no primary key; pass --key "
                           "COL[,COL...]", result_.strategy, options_.from, target_.name.ToString());
  }
  state_table_ = StateTableFor(target_.name);
  RETURN_IF_ERROR(EnsureStateTable(*conn_, state_table_));
  RETURN_IF_ERROR(DropStaleStagingTables(*conn_, target_.name));
  ASSIGN_OR_RETURN(std::optional<ImportState> state, ReadImportState(*conn_, state_table_, target_.name));
  planned_snapshot_ = state ? state->snapshot_id : -1;

  std::optional<FromSnapshot> from;
  if (state && state->table_uuid == table.metadata.table_uuid && !target_.created) {
    from = FromSnapshot{state->snapshot_id, state->sequence_number};
    result_.from_snapshot_id = state->snapshot_id;
  }
  if (to == nullptr) {
    result_.status = "unchanged";
    result_.read_reason = "the Iceberg table has no snapshot";
    return result_;
  }
  result_.snapshot_id = to->snapshot_id;
  if (from && from->snapshot_id == to->snapshot_id) {
    result_.status = "unchanged";
    result_.read_reason = "the target already holds this snapshot";
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result_;
  }
  // replace always reads the whole snapshot; append needs no deleted keys.
  std::vector<int> key_ids;
  if (keyed) {
    for (const Field& f : target_.key_fields) key_ids.push_back(f.id);
  }
  ASSIGN_OR_RETURN(NetChange change, PlanNetChange(table, options_.strategy == Strategy::kReplace ? std::nullopt : from,
                                                   to->snapshot_id, key_ids, options_.allow_moved_paths));
  if (options_.strategy == Strategy::kAppend && from && change.full_read) {
    return InvalidArgument("cannot tell which rows of {} are new since snapshot {}: {}; import it with --strategy "
                           "replace (or upsert) instead", options_.from, from->snapshot_id, change.reason);
  }
  result_.full_read = change.full_read;
  result_.read_reason = change.reason;

  auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  result_.plan_seconds = since(start);
  const auto stage_start = std::chrono::steady_clock::now();
  // PostgreSQL, a full read into an empty target or a replace: COPY straight into the target.
  DirectCopyInput direct{conn_.get(),   &table,       &change,          &target_,
                         state_table_,   options_.strategy, options_.from, planned_snapshot_};
  ASSIGN_OR_RETURN(std::optional<MergeCounts> copied,
                   TryDirectCopy(direct,
                                 [&](const std::function<Status(const RecordBatch&)>& sink) {
                                   return ReadRows(table, change, nullptr, sink);
                                 },
                                 &result_.rows_read, &result_.load_method));
  if (copied) {
    result_.stage_seconds = since(stage_start);
    result_.inserted = copied->inserted;
    result_.deleted = copied->deleted;
    result_.status = "ok";
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result_;
  }

  RETURN_IF_ERROR(StageRows(table, change));
  std::vector<std::string> keys;
  for (const Field& f : target_.key_fields) keys.push_back(f.name);
  if (keyed) {
    RETURN_IF_ERROR(CheckKeys(*conn_, rows_->name(), keys, options_.from, to->snapshot_id));
    RETURN_IF_ERROR(StageDeletedKeys(table, change));
    if (!change.full_read) RETURN_IF_ERROR(CheckNoKeyTwice(to->snapshot_id));
    if (deleted_) {
      // Keys deleted and re-added between the snapshots are updates, not deletes.
      RETURN_IF_ERROR(
          conn_->ExecuteCount(conn_->dialect().DeleteFromStaging(deleted_->name(), rows_->name(), keys)));
    }
  }
  CrashPoint("import-staged");
  result_.stage_seconds = since(stage_start);
  const auto apply_start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(Apply(table, change));
  result_.apply_seconds = since(apply_start);
  if (rows_) RETURN_IF_ERROR(rows_->Drop());
  if (deleted_) RETURN_IF_ERROR(deleted_->Drop());
  result_.status = "ok";
  result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result_;
}

}  // namespace

Result<ImportResult> Import(const ImportOptions& options) {
  if (options.from.empty()) return InvalidArgument("--from is required (the Iceberg table, ns.table)");
  if (options.target.empty()) return InvalidArgument("--target is required");
  if (options.table.empty()) return InvalidArgument("--table is required");
  ImportJob job(options);
  return job.Run();
}

}  // namespace icesync::load
