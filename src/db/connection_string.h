#pragma once
// Connection strings: what the user types (an ODBC connection string as SQL Server users
// write it, or a short URL) turned into the ODBC connection string handed to the driver
// manager, plus a redacted form that is the only one allowed into messages and logs.
//
//   sqlite:///abs/path/file.db           SQLite through sqliteodbc (relative: sqlite://rel.db)
//   postgresql://user@host:port/db       PostgreSQL through psqlODBC
//   mssql://user@host:port/db            SQL Server through FreeTDS (TDS 7.4, UTF-8)
//   Driver={...};Server=...;UID=...      passed through (attributes kept in order)
//
// Passwords never have to be typed on the command line: `PWD_ENV=NAME` (ODBC string) or
// `?password_env=NAME` (URL) reads the password from environment variable NAME, and when no
// password is given at all, $ICESYNC_PASSWORD is used if it is set.
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace icesync::db {

// Where the ODBC drivers installed by scripts/install-deps.sh live. Referenced by path so
// that no odbcinst.ini registration is needed.
inline constexpr const char* kOdbcDriverDir = "/usr/lib/x86_64-linux-gnu/odbc";

struct ConnectionString {
  std::string odbc;      // handed to SQLDriverConnect; may hold the password
  std::string redacted;  // odbc with the password replaced by "***"
  std::string password;  // empty when none; used to scrub driver messages
};

// One `key=value` attribute of an ODBC connection string; braces are removed from values.
using OdbcAttribute = std::pair<std::string, std::string>;

// Splits "k1=v1;k2={v;2}" into attributes. Keys keep their case; `}}` inside braces is `}`.
Result<std::vector<OdbcAttribute>> ParseOdbcAttributes(const std::string& text);
// Joins attributes back, bracing values that need it.
std::string FormatOdbcAttributes(const std::vector<OdbcAttribute>& attrs);

// Resolves a URL or ODBC string (see above) into the string for the driver manager.
Result<ConnectionString> ResolveConnectionString(const std::string& url_or_odbc);

// Replaces every occurrence of `password` in `text` with "***" (no-op for empty passwords).
std::string ScrubPassword(std::string text, const std::string& password);

}  // namespace icesync::db
