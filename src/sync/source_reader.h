#pragma once
// The source side of a job: one connection holding one consistent read of a table.
//
// Consistency: before the read transaction starts the connection asks the driver for the
// strongest isolation that gives a stable view without blocking writers where the DBMS offers
// it: SQL Server SNAPSHOT (when the database allows it), PostgreSQL REPEATABLE READ (a
// snapshot), SQLite's read transaction (serializable; begun in SQL so that sqliteodbc streams,
// see db::TransactionMode). What was obtained is recorded (`isolation()`) and goes into the
// snapshot summary.
//
// Rows: on PostgreSQL they travel through COPY on a companion libpq session
// (db::PgCopyExtractor) that reads the snapshot of this reader's transaction: the transaction
// exports it (pg_export_snapshot(), its first statement) and every COPY session imports it, so
// the catalog queries, the key bounds and all the rows come from one state of the database.
// Elsewhere, when the connection string names no server libpq can reach (a DSN), or with
// SourceReadOptions::pg_copy off (diagnosis, tests), rows come through ODBC (db::Extractor).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "db/connection.h"
#include "db/batch_reader.h"
#include "db/extractor.h"
#include "db/table_schema.h"

namespace icesync::sync {

struct SourceReadOptions {
  bool pg_copy = true;  // PostgreSQL: read rows through COPY (false: through ODBC)
};

class SourceReader {
 public:
  // Connects, starts the read transaction and discovers `table`, or with a non-empty `query`
  // the columns of that SELECT's result (see CreateQueryView in source_reader.cc).
  static Result<std::unique_ptr<SourceReader>> Open(const std::string& connection, const std::string& table,
                                                    const std::string& query = "",
                                                    const SourceReadOptions& options = {});
  ~SourceReader();

  // The table read; with a query, the temporary view over it.
  const db::SourceTable& table() const { return table_; }
  bool from_query() const { return from_query_; }
  const std::shared_ptr<const Schema>& schema() const { return table_.schema; }
  const std::string& isolation() const { return isolation_; }
  const std::string& redacted_source() const { return conn_->redacted(); }
  const char* dialect_name() const { return conn_->dialect().name(); }
  // The connection holding the read transaction (parallel readers share its snapshot).
  const db::Connection& connection() const { return *conn_; }

  // Rows matching `where` (COUNT(*); a full scan on some servers, so only for progress ETAs).
  Result<int64_t> CountRows(const std::string& where);
  // How Extract reads rows: "postgresql-copy" or "odbc" (db::BatchReader::method()).
  const char* extract_method() const { return pg_snapshot_.empty() ? "odbc" : "postgresql-copy"; }
  // Whether Extract may be called once per key range, each reader on its own session but all
  // on this reader's snapshot (true on the COPY path).
  bool shares_snapshot() const { return !pg_snapshot_.empty(); }
  // Starts streaming the rows matching `where` (empty: all).
  Result<std::unique_ptr<db::BatchReader>> Extract(const std::string& where, int64_t batch_rows);
  Result<std::unique_ptr<db::BatchReader>> Extract(const db::ExtractOptions& options);
  // The same for only `columns` of the table (e.g. its key, to find deleted rows).
  Result<std::unique_ptr<db::BatchReader>> ExtractColumns(const std::vector<std::string>& columns,
                                                          const db::ExtractOptions& options);
  // The same for a variant of the table: narrowed (SelectColumns), or with extra columns that
  // a derived FROM clause (options.from) supplies.
  Result<std::unique_ptr<db::BatchReader>> ExtractTable(const db::SourceTable& table, const db::ExtractOptions& options);
  // Ends the read transaction (read-only: rolled back).
  Status Finish();

 private:
  SourceReader() = default;
  std::unique_ptr<db::Connection> conn_;
  db::SourceTable table_;
  std::string isolation_;
  bool from_query_ = false;
  std::string query_view_sql_;  // with a query: the CREATE TEMPORARY VIEW for COPY sessions too
  std::string pg_snapshot_;     // the exported snapshot COPY sessions read; empty: ODBC extraction
};

}  // namespace icesync::sync
