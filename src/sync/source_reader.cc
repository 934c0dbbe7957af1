#include "sync/source_reader.h"

#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "db/connection_string.h"
#include "db/pg_copy_extractor.h"

namespace icesync::sync {

namespace {

// SQL Server's snapshot isolation level (msodbcsql.h SQL_TXN_SS_SNAPSHOT; FreeTDS accepts it).
constexpr SQLULEN kSqlServerSnapshot = 0x00000020L;

bool TrySetIsolation(const db::Connection& conn, SQLULEN level) {
  SQLRETURN rc = SQLSetConnectAttr(conn.dbc(), SQL_ATTR_TXN_ISOLATION, reinterpret_cast<SQLPOINTER>(level), 0);
  return SQL_SUCCEEDED(rc);
}

// Picks the isolation for a consistent read and names it for the summary.
std::string ChooseIsolation(const db::Connection& conn) {
  switch (conn.dialect().kind()) {
    case db::DialectKind::kSqlServer:
      if (TrySetIsolation(conn, kSqlServerSnapshot)) return "snapshot";
      if (TrySetIsolation(conn, SQL_TXN_REPEATABLE_READ)) return "repeatable-read";
      break;
    case db::DialectKind::kPostgres:
      if (TrySetIsolation(conn, SQL_TXN_REPEATABLE_READ)) return "repeatable-read (snapshot)";
      break;
    case db::DialectKind::kSqlite:
      // One read transaction sees one database state (SQLite transactions are serializable).
      return "serializable (sqlite read transaction)";
  }
  return "read-committed (driver default; the view may not be consistent)";
}

// sqliteodbc creates a database file that does not exist; a source must exist, so a mistyped
// path is reported instead of being read as an empty database left behind.
Status CheckSqliteFileExists(const std::string& connection) {
  ASSIGN_OR_RETURN(db::ConnectionString cs, db::ResolveConnectionString(connection));
  ASSIGN_OR_RETURN(std::vector<db::OdbcAttribute> attrs, db::ParseOdbcAttributes(cs.odbc));
  std::string driver, database;
  for (const auto& [key, value] : attrs) {
    std::string k = key;
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
    if (k == "driver") driver = value;
    if (k == "database") database = value;
  }
  if (driver.find("sqlite") == std::string::npos || database.empty() || database == ":memory:" ||
      database.rfind("file:", 0) == 0) {
    return Status::OK();  // not SQLite, or an in-memory/URI database the driver resolves
  }
  std::error_code ec;
  if (!std::filesystem::exists(database, ec)) {
    return NotFound("source database {} does not exist; check the path in --source "
                    "(sqlite:///absolute/path.db, or sqlite://relative/path.db from the current directory)",
                    std::filesystem::absolute(database, ec).string());
  }
  return Status::OK();
}

// A query's result columns get their types exactly as a table's do: through a temporary view
// (private to this session, dropped when it ends) that the catalog describes with the type
// names, precisions and nullability of the columns it selects. A computed column without a
// precise type (a SQLite expression, a PostgreSQL numeric without (p,s)) then fails with the
// same message as such a table column, naming it. Needs the right to create temporary views
// (PostgreSQL grants TEMP to everyone by default).
constexpr const char* kQueryView = "icesync_query";

std::string CreateQueryViewSql(std::string query) {
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.pop_back();
  }
  return "CREATE TEMPORARY VIEW \"" + std::string(kQueryView) + "\" AS " + query;
}

Result<db::TableName> CreateQueryView(const db::Connection& conn, const std::string& query) {
  const std::string name = kQueryView;
  switch (conn.dialect().kind()) {
    case db::DialectKind::kSqlite:
      RETURN_IF_ERROR(conn.Execute(CreateQueryViewSql(query)));
      return db::TableName{"temp", name};
    case db::DialectKind::kPostgres: {
      RETURN_IF_ERROR(conn.Execute(CreateQueryViewSql(query)));
      ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                       conn.QueryText("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()"));
      if (rows.empty() || rows[0].empty() || !rows[0][0]) {
        return DatabaseError("PostgreSQL did not report the session's temporary schema for the --query view");
      }
      return db::TableName{*rows[0][0], name};
    }
    case db::DialectKind::kSqlServer:
      break;
  }
  return Unsupported("--query is not supported on {} yet: create a view with the query and export it with --table",
                     conn.dialect().name());
}

}  // namespace

SourceReader::~SourceReader() {
  if (conn_ && conn_->in_transaction()) (void)conn_->Rollback();
}

Result<std::unique_ptr<SourceReader>> SourceReader::Open(const std::string& connection, const std::string& table,
                                                         const std::string& query, const SourceReadOptions& options) {
  std::unique_ptr<SourceReader> r(new SourceReader());
  RETURN_IF_ERROR(CheckSqliteFileExists(connection));
  ASSIGN_OR_RETURN(r->conn_, db::Connect(connection));
  r->isolation_ = ChooseIsolation(*r->conn_);
  RETURN_IF_ERROR(r->conn_->Begin(db::TransactionMode::kReadOnly));
  if (options.pg_copy && r->conn_->dialect().kind() == db::DialectKind::kPostgres &&
      db::LibpqConninfo(r->conn_->connection_string(), 15).ok()) {
    // The first statement of the transaction: psqlODBC wraps later ones in savepoints, and a
    // snapshot cannot be exported from a subtransaction.
    ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, r->conn_->QueryText("SELECT pg_export_snapshot()"));
    if (rows.empty() || rows[0].empty() || !rows[0][0]) {
      return DatabaseError("PostgreSQL returned no snapshot id from pg_export_snapshot()");
    }
    r->pg_snapshot_ = *rows[0][0];
  }
  if (query.empty()) {
    ASSIGN_OR_RETURN(r->table_, db::DiscoverTable(*r->conn_, table));
    return r;
  }
  r->from_query_ = true;
  r->query_view_sql_ = CreateQueryViewSql(query);
  Result<db::TableName> view = CreateQueryView(*r->conn_, query);
  if (!view.ok()) return view.status().WithContext("--query");
  Result<db::SourceTable> discovered = db::DiscoverTable(*r->conn_, *view);
  if (!discovered.ok()) return discovered.status().WithContext("--query result");
  r->table_ = std::move(discovered).value();
  return r;
}

Result<int64_t> SourceReader::CountRows(const std::string& where) {
  std::string sql = conn_->dialect().CountRows(table_.name);
  if (!where.empty()) sql += " WHERE " + where;
  return conn_->QueryInt64(sql);
}

Result<std::unique_ptr<db::BatchReader>> SourceReader::Extract(const std::string& where, int64_t batch_rows) {
  db::ExtractOptions o;
  o.batch_rows = batch_rows;
  o.where = where;
  return Extract(o);
}

Result<std::unique_ptr<db::BatchReader>> SourceReader::Extract(const db::ExtractOptions& options) {
  return ExtractTable(table_, options);
}

Result<std::unique_ptr<db::BatchReader>> SourceReader::ExtractColumns(const std::vector<std::string>& columns,
                                                                      const db::ExtractOptions& options) {
  ASSIGN_OR_RETURN(db::SourceTable narrowed, db::SelectColumns(table_, columns));
  return ExtractTable(narrowed, options);
}

Result<std::unique_ptr<db::BatchReader>> SourceReader::ExtractTable(const db::SourceTable& source_table,
                                                                    const db::ExtractOptions& options) {
  if (pg_snapshot_.empty() || !options.from.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<db::Extractor> odbc, db::Extractor::Open(*conn_, source_table, options));
    return std::unique_ptr<db::BatchReader>(std::move(odbc));
  }
  const std::string context = "opening the PostgreSQL COPY session for table " + table_.name.ToString() +
                              " (--no-pg-copy reads through ODBC only)";
  Result<std::unique_ptr<db::PgSession>> session = db::PgSession::Open(conn_->connection_string());
  if (!session.ok()) return session.status().WithContext(context);
  db::SourceTable table = source_table;
  if (from_query_) {
    // The ODBC session's temporary view is invisible to other sessions: this one gets its own,
    // created before its read-only transaction (which could not create it).
    Status st = (*session)->Execute(query_view_sql_);
    if (!st.ok()) return st.WithContext(context);
    table.name = db::TableName{"pg_temp", kQueryView};
  }
  ASSIGN_OR_RETURN(std::unique_ptr<db::PgCopyExtractor> copy,
                   db::PgCopyExtractor::Open(std::move(session).value(), pg_snapshot_, table, options));
  return std::unique_ptr<db::BatchReader>(std::move(copy));
}

Status SourceReader::Finish() {
  if (conn_ && conn_->in_transaction()) return conn_->Rollback();
  return Status::OK();
}

}  // namespace icesync::sync
