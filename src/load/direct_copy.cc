#include "load/direct_copy.h"

#include "db/bulk_loader.h"
#include "db/pg_session.h"
#include "core/crash_point.h"

namespace icesync::load {

std::string DollarParameters(const std::string& sql) {
  std::string out;
  char quote = 0;
  int n = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote re-enters at once: same result
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

namespace {

// Whether the target's primary key is exactly the key (then it enforces NOT NULL and unique).
Result<bool> PrimaryKeyIsKey(const db::Connection& conn, const TargetTable& target) {
  const db::CatalogQuery q = conn.dialect().PrimaryKeyQuery(target.name);
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, conn.QueryText(q.sql, q.params));
  if (rows.size() != target.key_fields.size()) return false;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].empty() || !rows[i][0] || *rows[i][0] != target.key_fields[i].name) return false;
  }
  return true;
}

// The body of the transaction on `session`; nullopt when the direct path does not apply.
Result<std::optional<MergeCounts>> CopyInTransaction(const DirectCopyInput& in, db::PgSession& session,
                                                     const RowReader& read_rows, int64_t* rows_read,
                                                     std::string* method) {
  const db::Dialect& d = in.conn->dialect();
  const std::string target = d.QualifiedName(in.target->name);
  RETURN_IF_ERROR(session.Execute("LOCK TABLE " + target + " IN SHARE ROW EXCLUSIVE MODE"));
  MergeCounts counts;
  if (in.strategy == Strategy::kReplace) {
    ASSIGN_OR_RETURN(counts.deleted, session.QueryInt64(d.DeleteWhere(in.target->name, "")));
  } else {
    ASSIGN_OR_RETURN(int64_t any, session.QueryInt64("SELECT COUNT(*) FROM (SELECT 1 FROM " + target + " LIMIT 1) AS x"));
    if (any != 0) return std::optional<MergeCounts>();
  }
  auto schema = std::make_shared<const Schema>(in.change->scan.schema.fields());
  ASSIGN_OR_RETURN(std::unique_ptr<db::BulkLoader> loader,
                   db::OpenPgCopyLoaderOnSession(*in.conn, session, in.target->name, schema));
  if (!loader) return std::optional<MergeCounts>();
  *method = loader->method();
  Status loaded = read_rows([&](const RecordBatch& batch) -> Status {
    *rows_read += batch.num_rows();
    RETURN_IF_ERROR(loader->Append(batch));
    CrashPoint("import-staging");  // mid-COPY: the rows so far are in the open transaction
    return Status::OK();
  });
  if (loaded.ok()) loaded = loader->Finish().status();
  if (!loaded.ok() && in.strategy == Strategy::kUpsert &&
      (loaded.message().find("[23505]") != std::string::npos || loaded.message().find("[23502]") != std::string::npos)) {
    // The target's primary key refused a NULL or repeated key value.
    return InvalidArgument("a key value of {} is NULL or not unique in the snapshot ({}); pass --key with columns "
                           "that identify every row", in.from, loaded.message());
  }
  RETURN_IF_ERROR(loaded);
  loader.reset();
  ASSIGN_OR_RETURN(int64_t stored, session.QueryInt64(d.CountRows(in.target->name)));
  if (stored != *rows_read) {
    return DatabaseError("{} holds {} rows after COPYing the {} read from {}; nothing was applied",
                         in.target->name.ToString(), stored, *rows_read, in.from);
  }
  if (in.strategy == Strategy::kUpsert) {
    ASSIGN_OR_RETURN(bool enforced, PrimaryKeyIsKey(*in.conn, *in.target));
    if (!enforced) {
      std::vector<std::string> keys;
      for (const Field& f : in.target->key_fields) keys.push_back(f.name);
      ASSIGN_OR_RETURN(int64_t nulls, session.QueryInt64(d.CountNullKeys(in.target->name, keys)));
      ASSIGN_OR_RETURN(int64_t dups, session.QueryInt64(d.CountDuplicateKeys(in.target->name, keys)));
      if (nulls > 0 || dups > 0) {
        return InvalidArgument("the key ({}) of {} is not unique or NULL in {} rows ({} NULL); pass --key with "
                               "columns that identify every row", fmt::join(keys, ", "), in.from, dups + nulls, nulls);
      }
    }
  }
  counts.inserted = *rows_read;
  CrashPoint("import-staged");
  const iceberg::Snapshot& to = *in.change->to;
  const ImportState state{in.table->metadata.table_uuid, in.table->metadata.location, to.snapshot_id,
                          to.sequence_number, StrategyName(in.strategy)};
  RETURN_IF_ERROR(session.ExecuteParams(DollarParameters(d.DeleteImportState(in.state_table)),
                                        {in.target->name.ToString()}));
  RETURN_IF_ERROR(session.ExecuteParams(DollarParameters(d.InsertImportState(in.state_table)),
                                        ImportStateParams(in.target->name, state, to.timestamp_ms)));
  CrashPoint("import-applied");
  return std::optional<MergeCounts>(counts);
}

// ClaimImportTarget on the COPY session: another import of the target waits here until this
// transaction ends, and one that committed meanwhile makes this one a Conflict.
Result<std::optional<MergeCounts>> ClaimTarget(const DirectCopyInput& in, db::PgSession& session) {
  const db::Dialect& d = in.conn->dialect();
  const std::string target = in.target->name.ToString();
  RETURN_IF_ERROR(session.ExecuteParams(DollarParameters(d.LockImportTarget(in.state_table)), {target}));
  ASSIGN_OR_RETURN(int64_t now, session.QueryInt64(DollarParameters(d.SelectImportSnapshot(in.state_table)), {target}));
  if (now != in.planned_snapshot) return ImportStateMoved(in.target->name, in.planned_snapshot, now);
  return std::optional<MergeCounts>();
}

}  // namespace

Result<std::optional<MergeCounts>> TryDirectCopy(const DirectCopyInput& in, const RowReader& read_rows,
                                                 int64_t* rows_read, std::string* method) {
  const bool applies = in.conn->dialect().kind() == db::DialectKind::kPostgres && in.change->full_read &&
                       in.change->to != nullptr && in.strategy != Strategy::kScd2 &&
                       db::LibpqConninfo(in.conn->connection_string(), 15).ok();
  if (!applies) return std::optional<MergeCounts>();
  ASSIGN_OR_RETURN(std::unique_ptr<db::PgSession> session, db::PgSession::Open(in.conn->connection_string()));
  RETURN_IF_ERROR(session->Execute("BEGIN"));
  Result<std::optional<MergeCounts>> done = ClaimTarget(in, *session);
  if (done.ok()) done = CopyInTransaction(in, *session, read_rows, rows_read, method);
  if (!done.ok() || !*done) {
    (void)session->Execute("ROLLBACK");
    if (!done.ok()) return done.status().WithContext("importing into " + in.target->name.ToString() + " (rolled back)");
    *rows_read = 0;
    return done;
  }
  RETURN_IF_ERROR(session->Execute("COMMIT"));
  return done;
}

}  // namespace icesync::load
