#include "db/odbc_handle.h"

#include "db/connection_string.h"

namespace icesync::db {

Result<OdbcHandle> OdbcHandle::Allocate(SQLSMALLINT type, SQLHANDLE parent) {
  SQLHANDLE h = SQL_NULL_HANDLE;
  SQLRETURN rc = SQLAllocHandle(type, parent, &h);
  if (!SQL_SUCCEEDED(rc)) {
    if (parent != SQL_NULL_HANDLE) {
      SQLSMALLINT parent_type = type == SQL_HANDLE_STMT ? SQL_HANDLE_DBC : SQL_HANDLE_ENV;
      return OdbcError(parent_type, parent, "allocating an ODBC handle");
    }
    return DatabaseError("cannot allocate an ODBC environment: is unixODBC (libodbc) installed?");
  }
  return OdbcHandle(type, h);
}

void OdbcHandle::Reset() {
  if (handle_ != SQL_NULL_HANDLE) {
    SQLFreeHandle(type_, handle_);
    handle_ = SQL_NULL_HANDLE;
  }
}

OdbcDiagnostic FirstDiagnostic(SQLSMALLINT type, SQLHANDLE handle) {
  OdbcDiagnostic d;
  if (handle == SQL_NULL_HANDLE) return d;
  SQLCHAR state[6] = {0};
  SQLCHAR text[2048] = {0};
  SQLSMALLINT len = 0;
  // Skip the driver manager's informational records (01xxx) when a real error follows.
  for (SQLSMALLINT rec = 1;; ++rec) {
    SQLINTEGER native = 0;
    SQLRETURN rc = SQLGetDiagRec(type, handle, rec, state, &native, text, sizeof(text), &len);
    if (!SQL_SUCCEEDED(rc)) break;
    std::string s(reinterpret_cast<char*>(state));
    if (d.sqlstate.empty() || (d.sqlstate.rfind("01", 0) == 0 && s.rfind("01", 0) != 0)) {
      d.sqlstate = s;
      d.native_error = native;
      d.message = reinterpret_cast<char*>(text);
    }
    if (s.rfind("01", 0) != 0) break;
  }
  return d;
}

std::string HintForSqlState(const std::string& s) {
  if (s == "IM002" || s == "IM003" || s == "01000")
    return "check the Driver= name or path: is the ODBC driver installed (scripts/install-deps.sh)?";
  if (s == "HYT00" || s == "HYT01")
    return "the server did not answer in time: check the host, port and firewall";
  if (s == "08001" || s == "08S01")
    return "check the host and port, that the server is running and accepts TCP connections";
  if (s == "28000" || s == "28P01")
    return "check the user name and password (PWD_ENV / $ICESYNC_PASSWORD)";
  if (s == "42S02" || s == "42P01")
    return "check the table name, its schema and that the user may see it";
  if (s == "42S22" || s == "42703") return "check the column name";
  if (s == "42000" || s == "42501") return "check the SQL syntax and the user's permissions";
  if (s == "40001") return "a deadlock or serialization failure: retry";
  if (s.rfind("23", 0) == 0) return "a constraint was violated: check keys and NOT NULL columns";
  if (s.rfind("22", 0) == 0) return "a value did not fit its column type";
  if (s.rfind("08", 0) == 0) return "the connection failed or was lost: check the server";
  return "";
}

Status OdbcError(SQLSMALLINT type, SQLHANDLE handle, const std::string& what, const std::string& password) {
  OdbcDiagnostic d = FirstDiagnostic(type, handle);
  if (d.sqlstate.empty()) return DatabaseError("{}: the ODBC driver reported an error without diagnostics", what);
  std::string msg = ScrubPassword(d.message, password);
  // Drivers report a refused login under 08001/08004 like an unreachable server; the text
  // tells them apart.
  bool login_failed = msg.find("authentication failed") != std::string::npos ||
                      msg.find("Login failed") != std::string::npos ||
                      msg.find("no password supplied") != std::string::npos;
  std::string hint = login_failed ? HintForSqlState("28000") : HintForSqlState(d.sqlstate);
  ErrorCode code = ErrorCode::kDatabase;
  if (d.sqlstate == "42S02" || d.sqlstate == "42P01" || d.sqlstate == "42S22" || d.sqlstate == "42703") {
    code = ErrorCode::kNotFound;
  }
  return Status(code, fmt::format("{}: [{}] {}{}", what, d.sqlstate, msg, hint.empty() ? "" : " (" + hint + ")"));
}

}  // namespace icesync::db
