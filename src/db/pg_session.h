#pragma once
// A libpq session beside an ODBC connection to the same PostgreSQL server. ODBC stays the
// general path (catalog queries, transactions, every other DBMS); this session exists only to
// move bulk data through PostgreSQL's COPY protocol, which psqlODBC does not offer: a COPY
// streams rows while the client decodes them, where psqlODBC's cursor makes server and client
// take turns (bench/RESULTS.md).
//
// It is built from the same connection input as the ODBC connection (a postgresql:// URL or an
// ODBC string with Server/Port/Database/UID/PWD, the password rules of connection_string.h,
// sslmode and psqlODBC's pqopt passed on), and its messages carry the same redacted string:
// the password never appears in them.
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "db/connection_string.h"

namespace icesync::db {

// The libpq conninfo string ("host='h' port='5432' ...") for a resolved ODBC connection
// string, or Unsupported when it names no server (a DSN= entry: only the driver knows it).
Result<std::string> LibpqConninfo(const ConnectionString& cs, int connect_timeout_seconds);

class PgSession {
 public:
  // Connects and sets the session up like the ODBC one (UTC, ISO dates, UTF-8).
  static Result<std::unique_ptr<PgSession>> Open(const ConnectionString& cs, int connect_timeout_seconds = 15);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  PGconn* pg() const { return conn_; }
  const std::string& redacted() const { return redacted_; }

  // Runs a statement (no parameters); its rows, if any, are discarded.
  Status Execute(const std::string& sql);
  // Runs a statement with text parameters $1..$n (never pasted into the SQL).
  Status ExecuteParams(const std::string& sql, const std::vector<std::string>& params);
  // Runs a query with text parameters $1..$n; the first column of its first row as an integer
  // (a COUNT), or a statement's affected-row count when it returns no rows.
  Result<int64_t> QueryInt64(const std::string& sql, const std::vector<std::string>& params = {});
  // Starts a read-only REPEATABLE READ transaction that reads `snapshot_id`, a snapshot some
  // other session exported with pg_export_snapshot() and whose transaction is still open: the
  // two sessions then see exactly the same rows.
  Status BeginOnSnapshot(const std::string& snapshot_id);

  // Runs `copy_sql` (COPY ... TO STDOUT or FROM STDIN); OK once the server is in the copy
  // state, when the data moves through PQgetCopyData / PQputCopyData.
  Status StartCopy(const std::string& copy_sql);
  // After a COPY's data has ended: collects the results that follow (all of them, so the
  // session is usable again); the first failure is the error, naming `what`.
  Status FinishCopy(const std::string& what);

  // "<what>: [SQLSTATE] server message (hint)" for a failed result (or the connection's
  // error when `result` is null), the password scrubbed.
  Status Error(const PGresult* result, const std::string& what) const;

 private:
  PgSession() = default;
  Status Check(PGresult* result, const std::string& what);

  PGconn* conn_ = nullptr;
  std::string redacted_;
  std::string password_;  // only to scrub server messages
};

}  // namespace icesync::db
