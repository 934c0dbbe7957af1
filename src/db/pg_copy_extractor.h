#pragma once
// Streaming reads of a PostgreSQL table through COPY (SELECT ...) TO STDOUT (FORMAT binary)
// on a companion libpq session (pg_session.h), decoded straight into ColumnVectors.
//
// Why: psqlODBC reads through a cursor, so the server waits while the client converts a
// block and the other way round; COPY streams rows while we decode them, and the binary
// format needs no number or date parsing (bench/RESULTS.md has the figures).
//
// Consistency: the session reads in a REPEATABLE READ READ ONLY transaction on a snapshot
// that the caller's ODBC transaction exported (pg_export_snapshot()), so it sees exactly
// what that transaction sees. Values are those db::Extractor produces for every mapped type
// (tests/db/pg_copy_test.cc): types whose binary form we do not decode (json, jsonb, xml,
// citext) are selected as ::text. Bound values (where_params, key ranges) travel as
// transaction-local settings (pg_parameters.h). Memory: one batch; libpq hands over one row at
// a time (its buffer is freed after the row is decoded; no allocation of ours per row).
#include <memory>
#include <string>
#include <vector>

#include "db/batch_reader.h"
#include "db/extractor.h"
#include "db/pg_binary.h"
#include "db/pg_session.h"
#include "db/table_schema.h"

namespace icesync::db {

class PgCopyExtractor final : public BatchReader {
 public:
  // Begins the read transaction on `session` (on `snapshot_id` when not empty, else on a
  // snapshot of its own) and starts the COPY. The extractor owns the session: dropping it
  // mid-stream closes the connection, which ends the COPY on the server.
  static Result<std::unique_ptr<PgCopyExtractor>> Open(std::unique_ptr<PgSession> session,
                                                       const std::string& snapshot_id, const SourceTable& table,
                                                       ExtractOptions options = {});
  ~PgCopyExtractor() override;

  const std::shared_ptr<const Schema>& schema() const override { return table_.schema; }
  // The SELECT inside the COPY (what the ODBC extractor would run, minus its ::text casts).
  const std::string& sql() const override { return sql_; }
  const char* method() const override { return "postgresql-copy"; }
  Result<bool> Next(RecordBatch* batch) override;

 private:
  PgCopyExtractor(std::unique_ptr<PgSession> session, SourceTable table, ExtractOptions options);
  Status Start(const std::string& snapshot_id);
  Status ReadHeader(const char** p, const char* end);
  Status DecodeRow(const char* p, const char* end, RecordBatch* batch);
  Status Finish();  // after the last row: the COPY's final status, then the transaction ends
  Status ColumnError(size_t column, const std::string& what) const;
  Status InfinityError(size_t column) const;

  std::unique_ptr<PgSession> session_;
  SourceTable table_;
  ExtractOptions options_;
  std::string sql_;
  std::string copy_sql_;  // COPY (sql_) TO STDOUT (FORMAT binary)
  std::vector<pgbinary::Wire> wires_;     // per column, in schema order
  std::vector<OdbcCodec> text_codecs_;    // per column; used by kText columns only
  bool header_read_ = false;
  bool done_ = false;
};

}  // namespace icesync::db
