#include "sync/source_reader.h"

#include <sql.h>
#include <sqlext.h>

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

}  // namespace

SourceReader::~SourceReader() {
  if (conn_ && conn_->in_transaction()) (void)conn_->Rollback();
}

Result<std::unique_ptr<SourceReader>> SourceReader::Open(const std::string& connection, const std::string& table) {
  std::unique_ptr<SourceReader> r(new SourceReader());
  ASSIGN_OR_RETURN(r->conn_, db::Connect(connection));
  r->isolation_ = ChooseIsolation(*r->conn_);
  RETURN_IF_ERROR(r->conn_->Begin());
  ASSIGN_OR_RETURN(r->table_, db::DiscoverTable(*r->conn_, table));
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
