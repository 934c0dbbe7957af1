#include "sync/source_reader.h"

#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "db/connection_string.h"

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
Result<db::TableName> CreateQueryView(const db::Connection& conn, std::string query) {
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.pop_back();
  }
  const std::string name = "icesync_query";
  switch (conn.dialect().kind()) {
    case db::DialectKind::kSqlite:
      RETURN_IF_ERROR(conn.Execute("CREATE TEMP VIEW \"" + name + "\" AS " + query));
      return db::TableName{"temp", name};
    case db::DialectKind::kPostgres: {
      RETURN_IF_ERROR(conn.Execute("CREATE TEMPORARY VIEW \"" + name + "\" AS " + query));
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
                                                         const std::string& query) {
  std::unique_ptr<SourceReader> r(new SourceReader());
  RETURN_IF_ERROR(CheckSqliteFileExists(connection));
  ASSIGN_OR_RETURN(r->conn_, db::Connect(connection));
  r->isolation_ = ChooseIsolation(*r->conn_);
  RETURN_IF_ERROR(r->conn_->Begin());
  if (query.empty()) {
    ASSIGN_OR_RETURN(r->table_, db::DiscoverTable(*r->conn_, table));
    return r;
  }
  r->from_query_ = true;
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

Result<std::unique_ptr<db::Extractor>> SourceReader::Extract(const std::string& where, int64_t batch_rows) {
  db::ExtractOptions o;
  o.batch_rows = batch_rows;
  o.where = where;
  return db::Extractor::Open(*conn_, table_, o);
}

Status SourceReader::Finish() {
  if (conn_ && conn_->in_transaction()) return conn_->Rollback();
  return Status::OK();
}

}  // namespace icesync::sync
