// PostgreSQL loads outside a transaction: one COPY target (cols) FROM STDIN (FORMAT binary) on a
// companion libpq session (pg_session.h). COPY is PostgreSQL's fastest way in (no statement per
// chunk, no array literals to parse: the server reads each value's binary form), and one COPY is
// one atomic statement, so a load on a connection in autocommit stays all-or-nothing.
//
// Used only where it is equivalent to the unnest loader (bulk_loader.h): the caller's connection
// is not in a transaction (another session cannot join it), the target is not a temporary
// table (invisible to other sessions), and every target column has the binary type the batch's
// core type is sent as (integer for int, numeric for decimal, ...: binary COPY does not convert).
#include "db/bulk_loader.h"
#include "db/pg_binary.h"
#include "db/pg_session.h"
#include "db/postgres_dialect.h"

namespace icesync::db {
namespace {

using pgbinary::Wire;

constexpr size_t kSendBytes = 1 << 20;  // bytes buffered before each PQputCopyData

class PgCopyLoader final : public BulkLoader {
 public:
  PgCopyLoader(Connection& conn, const TableName& target, std::shared_ptr<const Schema> schema, const LoadOptions& o,
               std::unique_ptr<PgSession> session)
      : BulkLoader(conn, target, std::move(schema), o, "postgresql copy binary"),
        owned_(std::move(session)),
        session_(owned_.get()) {}
  // On the caller's session (and transaction).
  PgCopyLoader(Connection& conn, const TableName& target, std::shared_ptr<const Schema> schema, const LoadOptions& o,
               PgSession& session)
      : BulkLoader(conn, target, std::move(schema), o, "postgresql copy binary, in the import's transaction"),
        session_(&session) {}

  ~PgCopyLoader() override {
    // Abandoned mid-load: ending the COPY with an error message makes the server discard it.
    if (copying_) {
      PQputCopyEnd(session_->pg(), "icesync: load abandoned");
      (void)session_->FinishCopy("abandoning " + sql_);  // the expected error: discarded
    }
  }

  Status Start() {
    const PostgresDialect d;
    std::string cols;
    for (size_t i = 0; i < schema_->num_fields(); ++i) {
      if (i > 0) cols += ", ";
      cols += d.QuoteIdentifier(schema_->field(i).name);
      wires_.push_back(pgbinary::WireFor(schema_->field(i).type));
    }
    sql_ = "COPY " + d.QualifiedName(target_) + " (" + cols + ") FROM STDIN (FORMAT binary)";
    RETURN_IF_ERROR(session_->StartCopy(sql_));
    copying_ = true;
    buf_.append(pgbinary::kSignature, sizeof(pgbinary::kSignature));
    pgbinary::PutBe32(0, &buf_);  // flags
    pgbinary::PutBe32(0, &buf_);  // no header extension
    return Status::OK();
  }

  Status Append(const RecordBatch& batch) override {
    RETURN_IF_ERROR(CheckBatch(batch));
    const size_t ncols = wires_.size();
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      pgbinary::PutBe16(static_cast<uint16_t>(ncols), &buf_);
      for (size_t c = 0; c < ncols; ++c) AppendField(c, batch.column(c), row);
      if (buf_.size() >= kSendBytes) RETURN_IF_ERROR(Send());
    }
    rows_sent_ += batch.num_rows();
    return Status::OK();
  }

 protected:
  Status Flush() override {
    if (!copying_) return Status::OK();
    pgbinary::PutBe16(static_cast<uint16_t>(-1), &buf_);  // trailer
    RETURN_IF_ERROR(Send());
    copying_ = false;
    if (PQputCopyEnd(session_->pg(), nullptr) != 1) return session_->Error(nullptr, "ending " + sql_);
    return session_->FinishCopy("loading into " + target_.ToString() + " with " + sql_);
  }

 private:
  void AppendField(size_t c, const ColumnVector& col, int64_t row) {
    if (col.IsNull(row)) {
      pgbinary::PutBe32(static_cast<uint32_t>(-1), &buf_);
      return;
    }
    switch (wires_[c]) {
      case Wire::kBool:
        pgbinary::PutBe32(1, &buf_);
        buf_.push_back(col.Value<uint8_t>(row) ? 1 : 0);
        return;
      case Wire::kInt4: case Wire::kFloat4:  // the same 4 bytes, big-endian
        pgbinary::PutBe32(4, &buf_);
        pgbinary::PutBe32(col.Value<uint32_t>(row), &buf_);
        return;
      case Wire::kInt8: case Wire::kFloat8: case Wire::kTime:
        pgbinary::PutBe32(8, &buf_);
        pgbinary::PutBe64(col.Value<uint64_t>(row), &buf_);
        return;
      case Wire::kNumeric: pgbinary::AppendNumeric(col.Value<Int128>(row), col.type().scale(), &buf_); return;
      case Wire::kDate:
        pgbinary::PutBe32(4, &buf_);
        pgbinary::PutBe32(static_cast<uint32_t>(col.Value<int32_t>(row) - pgbinary::kEpochDays), &buf_);
        return;
      case Wire::kTimestamp:
        pgbinary::PutBe32(8, &buf_);
        pgbinary::PutBe64(static_cast<uint64_t>(col.Value<int64_t>(row) - pgbinary::kEpochMicros), &buf_);
        return;
      default: {  // string, bytea, uuid: the bytes
        std::string_view b = col.GetBytes(row);
        pgbinary::PutBe32(static_cast<uint32_t>(b.size()), &buf_);
        buf_.append(b);
        return;
      }
    }
  }

  Status Send() {
    if (buf_.empty()) return Status::OK();
    if (PQputCopyData(session_->pg(), buf_.data(), static_cast<int>(buf_.size())) != 1) {
      return session_->Error(nullptr, "sending rows to " + target_.ToString() + " with " + sql_);
    }
    buf_.clear();
    return Status::OK();
  }

  std::unique_ptr<PgSession> owned_;  // the loader's own session (autocommit loads)
  PgSession* session_;
  std::string sql_;
  std::vector<Wire> wires_;
  std::string buf_;  // encoded rows not yet handed to libpq
  bool copying_ = false;
};

// Whether every schema field has a target column of the binary type it is sent as, and the
// target is not a temporary table (of the caller's session, invisible to the companion).
Result<bool> CopyCanLoad(const Connection& conn, const TableName& target, const Schema& schema) {
  const Dialect& d = conn.dialect();
  ASSIGN_OR_RETURN(std::vector<TextRow> persistence,
                   conn.QueryText("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(?)",
                                  {d.QualifiedName(target)}));
  if (persistence.empty() || persistence[0].empty() || !persistence[0][0] || *persistence[0][0] == "t") return false;
  CatalogQuery q = d.ColumnsQuery(target);
  ASSIGN_OR_RETURN(std::vector<TextRow> columns, conn.QueryText(q.sql, q.params));
  for (const Field& f : schema.fields()) {
    const Wire want = pgbinary::WireFor(f.type);
    bool found = false;
    for (const TextRow& c : columns) {
      if (c.size() > 1 && c[0] && c[1] && *c[0] == f.name) found = want != Wire::kText && pgbinary::WireOf(*c[1]) == want;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<BulkLoader>> OpenPgCopyLoader(Connection& conn, const TableName& target,
                                                     std::shared_ptr<const Schema> schema, const LoadOptions& options) {
  if (conn.in_transaction() || !LibpqConninfo(conn.connection_string(), 15).ok()) return std::unique_ptr<BulkLoader>();
  ASSIGN_OR_RETURN(bool can_load, CopyCanLoad(conn, target, *schema));
  if (!can_load) return std::unique_ptr<BulkLoader>();
  const std::string context = "loading into " + target.ToString() + " through PostgreSQL COPY";
  Result<std::unique_ptr<PgSession>> session = PgSession::Open(conn.connection_string());
  if (!session.ok()) return session.status().WithContext(context);
  auto loader = std::make_unique<PgCopyLoader>(conn, target, std::move(schema), options, std::move(session).value());
  RETURN_IF_ERROR(loader->Start().WithContext(context));
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

Result<std::unique_ptr<BulkLoader>> OpenPgCopyLoaderOnSession(Connection& conn, PgSession& session,
                                                              const TableName& target,
                                                              std::shared_ptr<const Schema> schema) {
  ASSIGN_OR_RETURN(bool can_load, CopyCanLoad(conn, target, *schema));
  if (!can_load) return std::unique_ptr<BulkLoader>();
  LoadOptions options;
  options.verify_row_count = false;  // uncommitted on the session: the caller counts there
  auto loader = std::make_unique<PgCopyLoader>(conn, target, std::move(schema), options, session);
  RETURN_IF_ERROR(loader->Start().WithContext("loading into " + target.ToString() + " through PostgreSQL COPY"));
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace icesync::db
