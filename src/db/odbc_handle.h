#pragma once
// RAII ownership of ODBC handles and the translation of ODBC diagnostics into Status.
#include <sql.h>
#include <sqlext.h>

#include <string>

#include "core/status.h"

namespace icesync::db {

// Owns one ODBC handle (environment, connection or statement) and frees it on destruction.
class OdbcHandle {
 public:
  OdbcHandle() = default;
  OdbcHandle(SQLSMALLINT type, SQLHANDLE handle) : type_(type), handle_(handle) {}
  ~OdbcHandle() { Reset(); }
  OdbcHandle(OdbcHandle&& o) noexcept : type_(o.type_), handle_(o.handle_) { o.handle_ = SQL_NULL_HANDLE; }
  OdbcHandle& operator=(OdbcHandle&& o) noexcept {
    if (this != &o) {
      Reset();
      type_ = o.type_;
      handle_ = o.handle_;
      o.handle_ = SQL_NULL_HANDLE;
    }
    return *this;
  }
  OdbcHandle(const OdbcHandle&) = delete;
  OdbcHandle& operator=(const OdbcHandle&) = delete;

  // Allocates a handle of `type` under `parent` (SQL_NULL_HANDLE for an environment).
  static Result<OdbcHandle> Allocate(SQLSMALLINT type, SQLHANDLE parent);

  SQLHANDLE get() const { return handle_; }
  SQLSMALLINT type() const { return type_; }
  void Reset();

 private:
  SQLSMALLINT type_ = SQL_HANDLE_STMT;
  SQLHANDLE handle_ = SQL_NULL_HANDLE;
};

struct OdbcDiagnostic {
  std::string sqlstate;  // e.g. "08001"
  SQLINTEGER native_error = 0;
  std::string message;
};

// The first diagnostic record of a handle (empty sqlstate when there is none).
OdbcDiagnostic FirstDiagnostic(SQLSMALLINT type, SQLHANDLE handle);

// What to check for a SQLSTATE class ("check the host and port ..."), empty when no hint fits.
std::string HintForSqlState(const std::string& sqlstate);

// A Status for a failed ODBC call: "<what>: [SQLSTATE] driver message (hint)". `password` is
// scrubbed from the driver's text, which sometimes echoes the connection string.
Status OdbcError(SQLSMALLINT type, SQLHANDLE handle, const std::string& what,
                 const std::string& password = "");

// Returns OK when `rc` succeeded, else OdbcError(...).
inline Status CheckOdbc(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const std::string& what,
                        const std::string& password = "") {
  return SQL_SUCCEEDED(rc) ? Status::OK() : OdbcError(type, handle, what, password);
}

}  // namespace icesync::db
