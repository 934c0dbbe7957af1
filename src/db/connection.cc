#include "db/connection.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#ifndef TDSODBC_BCP
#define TDSODBC_BCP 1  // src/CMakeLists.txt defines it; kept for standalone builds
#endif
#include <odbcss.h>

namespace icesync::db {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The Driver= value of a connection string ("" when it uses a DSN).
std::string DriverOf(const std::string& odbc) {
  auto attrs = ParseOdbcAttributes(odbc);
  if (!attrs.ok()) return "";
  for (const auto& [k, v] : *attrs) {
    if (Lower(k) == "driver") return v;
  }
  return "";
}

bool IsTdsDriver(const std::string& driver) {
  std::string d = Lower(driver);
  return d.find("tds") != std::string::npos || d.find("sql server") != std::string::npos;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url_or_odbc, const ConnectOptions& options) {
  std::unique_ptr<Connection> c(new Connection());
  ASSIGN_OR_RETURN(c->conn_str_, ResolveConnectionString(url_or_odbc));
  const std::string& redacted = c->conn_str_.redacted;
  std::string driver = DriverOf(c->conn_str_.odbc);
  if (!driver.empty() && driver[0] == '/' && !std::filesystem::exists(driver)) {
    return InvalidArgument(
        "unknown ODBC driver: the library {} does not exist; install the driver "
        "(scripts/install-deps.sh) or fix Driver= in the connection string",
        driver);
  }

  ASSIGN_OR_RETURN(c->env_, OdbcHandle::Allocate(SQL_HANDLE_ENV, SQL_NULL_HANDLE));
  RETURN_IF_ERROR(CheckOdbc(SQLSetEnvAttr(c->env_.get(), SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0),
                            SQL_HANDLE_ENV, c->env_.get(), "setting ODBC version 3"));
  ASSIGN_OR_RETURN(c->dbc_, OdbcHandle::Allocate(SQL_HANDLE_DBC, c->env_.get()));
  SQLHDBC dbc = c->dbc_.get();
  SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT,
                    reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(options.connect_timeout_seconds)), 0);
  SQLSetConnectAttr(dbc, SQL_ATTR_CONNECTION_TIMEOUT,
                    reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(options.connect_timeout_seconds)), 0);
  if (options.enable_bulk_copy && IsTdsDriver(driver)) {
    // Must precede the connect; a driver without BCP refuses it and we load with arrays.
    c->bulk_copy_enabled_ = SQL_SUCCEEDED(
        SQLSetConnectAttr(dbc, SQL_COPT_SS_BCP, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_BCP_ON)), SQL_IS_INTEGER));
  }

  SQLRETURN rc = SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(c->conn_str_.odbc.c_str())),
                                  SQL_NTS, nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  if (!SQL_SUCCEEDED(rc)) {
    return OdbcError(SQL_HANDLE_DBC, dbc, "cannot connect with " + redacted, c->conn_str_.password);
  }
  c->connected_ = true;

  SQLCHAR name[256] = {0};
  SQLSMALLINT len = 0;
  RETURN_IF_ERROR(CheckOdbc(SQLGetInfo(dbc, SQL_DBMS_NAME, name, sizeof(name), &len), SQL_HANDLE_DBC, dbc,
                            "reading the DBMS name of " + redacted, c->conn_str_.password));
  c->dbms_name_ = reinterpret_cast<char*>(name);
  ASSIGN_OR_RETURN(c->dialect_, DialectForDbms(c->dbms_name_));
  for (const std::string& sql : c->dialect_->SessionSetup()) RETURN_IF_ERROR(c->Execute(sql));
  return c;
}

Connection::~Connection() {
  if (connected_) {
    if (in_transaction_) (void)EndTransaction(SQL_ROLLBACK);
    SQLDisconnect(dbc_.get());
  }
}

Result<OdbcHandle> Connection::NewStatement() const { return OdbcHandle::Allocate(SQL_HANDLE_STMT, dbc_.get()); }

// The statement of Execute, QueryText and ExecuteCount, whose results are small and read whole.
// On SQLite it gets a static cursor, which sqliteodbc runs to completion when it executes: in
// step mode (StepAPI=1) the driver runs a statement it takes for a query (one starting with
// SELECT, PRAGMA, WITH or EXPLAIN, so also WITH ... INSERT) only as far as its rows are fetched,
// and Execute fetches none. Such statements also leave a streaming extract on the same
// connection alone: the driver steps one statement at a time and buffers the others.
Result<OdbcHandle> Connection::NewBufferedStatement() const {
  ASSIGN_OR_RETURN(OdbcHandle stmt, NewStatement());
  if (dialect_ && dialect_->kind() == DialectKind::kSqlite &&
      !SQL_SUCCEEDED(SQLSetStmtAttr(stmt.get(), SQL_ATTR_CURSOR_TYPE, reinterpret_cast<SQLPOINTER>(SQL_CURSOR_STATIC), 0))) {
    return StatementError(stmt, "setting a static cursor");
  }
  return stmt;
}

Status Connection::StatementError(const OdbcHandle& stmt, const std::string& what) const {
  return OdbcError(SQL_HANDLE_STMT, stmt.get(), what, conn_str_.password);
}

Status Connection::ConnectionError(const std::string& what) const {
  return OdbcError(SQL_HANDLE_DBC, dbc_.get(), what, conn_str_.password);
}

Status Connection::Execute(const std::string& sql) const {
  ASSIGN_OR_RETURN(OdbcHandle stmt, NewBufferedStatement());
  SQLRETURN rc = SQLExecDirect(stmt.get(), reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
  if (rc == SQL_NO_DATA || SQL_SUCCEEDED(rc)) return Status::OK();
  return StatementError(stmt, "running " + sql);
}

// Binds `params` as text (SQL_VARCHAR) and runs `sql` on `stmt`; `lengths` must outlive the
// execution (the driver reads the indicators when it runs).
Status Connection::ExecuteBound(const OdbcHandle& stmt, const std::string& sql, const std::vector<std::string>& params,
                                std::vector<SQLLEN>& lengths) const {
  lengths.assign(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    lengths[i] = static_cast<SQLLEN>(params[i].size());
    SQLRETURN rc = SQLBindParameter(stmt.get(), static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
                                    std::max<SQLULEN>(params[i].size(), 1), 0,
                                    const_cast<char*>(params[i].data()), lengths[i], &lengths[i]);
    if (!SQL_SUCCEEDED(rc)) return StatementError(stmt, "binding a parameter of " + sql);
  }
  SQLRETURN rc = SQLExecDirect(stmt.get(), reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) return StatementError(stmt, "running " + sql);
  return Status::OK();
}

Result<int64_t> Connection::ExecuteCount(const std::string& sql, const std::vector<std::string>& params) const {
  ASSIGN_OR_RETURN(OdbcHandle stmt, NewBufferedStatement());
  std::vector<SQLLEN> lengths;
  RETURN_IF_ERROR(ExecuteBound(stmt, sql, params, lengths));
  SQLLEN count = 0;
  if (!SQL_SUCCEEDED(SQLRowCount(stmt.get(), &count))) return StatementError(stmt, "counting the rows of " + sql);
  return count < 0 ? 0 : static_cast<int64_t>(count);
}

Result<std::vector<TextRow>> Connection::QueryText(const std::string& sql, const std::vector<std::string>& params) const {
  ASSIGN_OR_RETURN(OdbcHandle stmt, NewBufferedStatement());
  std::vector<SQLLEN> lengths;
  RETURN_IF_ERROR(ExecuteBound(stmt, sql, params, lengths));
  SQLRETURN rc;
  SQLSMALLINT ncols = 0;
  SQLNumResultCols(stmt.get(), &ncols);
  std::vector<TextRow> rows;
  char buf[4096];
  while (true) {
    rc = SQLFetch(stmt.get());
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) return StatementError(stmt, "reading the result of " + sql);
    TextRow row(ncols);
    for (SQLSMALLINT c = 0; c < ncols; ++c) {
      std::string value;
      bool is_null = false;
      while (true) {
        SQLLEN ind = 0;
        rc = SQLGetData(stmt.get(), static_cast<SQLUSMALLINT>(c + 1), SQL_C_CHAR, buf, sizeof(buf), &ind);
        if (rc == SQL_NO_DATA) break;
        if (!SQL_SUCCEEDED(rc)) return StatementError(stmt, "reading the result of " + sql);
        if (ind == SQL_NULL_DATA) {
          is_null = true;
          break;
        }
        size_t got = (ind == SQL_NO_TOTAL || ind >= static_cast<SQLLEN>(sizeof(buf))) ? sizeof(buf) - 1 : static_cast<size_t>(ind);
        value.append(buf, got);
        if (rc == SQL_SUCCESS) break;  // SQL_SUCCESS_WITH_INFO means truncated: more to come
      }
      if (!is_null) row[c] = std::move(value);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<int64_t> Connection::QueryInt64(const std::string& sql) const {
  ASSIGN_OR_RETURN(std::vector<TextRow> rows, QueryText(sql));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return DatabaseError("{} returned no value", sql);
  return static_cast<int64_t>(std::strtoll(rows[0][0]->c_str(), nullptr, 10));
}

Status Connection::Begin(TransactionMode mode) {
  if (in_transaction_) return Internal("Begin() inside a transaction");
  if (mode == TransactionMode::kReadOnly && dialect_->kind() == DialectKind::kSqlite) {
    RETURN_IF_ERROR(Execute("BEGIN"));
    in_transaction_ = sql_transaction_ = true;
    // The first read starts SQLite's read transaction: from here until Rollback() the
    // connection sees this state of the database (WAL: this snapshot; rollback journal: the
    // shared lock keeps writers from committing).
    return QueryInt64("SELECT count(*) FROM sqlite_master").status();
  }
  RETURN_IF_ERROR(CheckOdbc(SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0),
                            SQL_HANDLE_DBC, dbc_.get(), "starting a transaction", conn_str_.password));
  in_transaction_ = true;
  return Status::OK();
}

Status Connection::EndTransaction(SQLSMALLINT completion) {
  if (!in_transaction_) return Internal("Commit/Rollback without Begin()");
  in_transaction_ = false;
  if (sql_transaction_) {
    sql_transaction_ = false;
    return Execute(completion == SQL_COMMIT ? "COMMIT" : "ROLLBACK");
  }
  Status st = CheckOdbc(SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), completion), SQL_HANDLE_DBC, dbc_.get(),
                        completion == SQL_COMMIT ? "committing" : "rolling back", conn_str_.password);
  SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_ON), 0);
  return st;
}

Status Connection::Commit() { return EndTransaction(SQL_COMMIT); }
Status Connection::Rollback() { return EndTransaction(SQL_ROLLBACK); }

}  // namespace icesync::db
