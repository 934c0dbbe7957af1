#pragma once
// An open ODBC connection with its dialect. Transactions are the caller's: Begin() turns
// autocommit off until Commit() or Rollback(), so a load, a merge and a watermark update can
// commit atomically; Begin(TransactionMode::kReadOnly) opens a source's consistent read.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/connection_string.h"
#include "db/dialect.h"
#include "db/odbc_handle.h"

namespace icesync::db {

struct ConnectOptions {
  int connect_timeout_seconds = 15;  // SQL_ATTR_LOGIN_TIMEOUT
  // SQL Server through FreeTDS: enable the bulk-copy interface (SQL_COPT_SS_BCP) before
  // connecting, as BCP requires. Ignored for other drivers.
  bool enable_bulk_copy = true;
};

// What a transaction is for. They differ on SQLite only: a read-only transaction is opened
// with SQL BEGIN while sqliteodbc stays in autocommit mode, because the driver streams a
// SELECT (step mode: one sqlite3_step per fetched row) only when it has not begun a
// transaction itself; after SQL_AUTOCOMMIT_OFF it reads every row of a result into memory at
// execution. SQLite's transaction is the same either way (deferred, serializable).
enum class TransactionMode { kReadWrite, kReadOnly };

// One row of a text query; nullopt for SQL NULL.
using TextRow = std::vector<std::optional<std::string>>;

class Connection {
 public:
  // Resolves `url_or_odbc` (see connection_string.h), connects and detects the dialect.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url_or_odbc, const ConnectOptions& options = {});
  ~Connection();

  const Dialect& dialect() const { return *dialect_; }
  const std::string& dbms_name() const { return dbms_name_; }
  // The connection string with its password redacted: the only form for messages.
  const std::string& redacted() const { return conn_str_.redacted; }
  // The resolved connection string, password included: only for opening a companion session
  // to the same server (db::PgSession), never for messages.
  const ConnectionString& connection_string() const { return conn_str_; }
  SQLHDBC dbc() const { return dbc_.get(); }
  bool bulk_copy_enabled() const { return bulk_copy_enabled_; }

  Result<OdbcHandle> NewStatement() const;
  // Runs a statement that returns no rows.
  Status Execute(const std::string& sql) const;
  // Runs a query with text parameters and returns every row as text (catalog queries and
  // other small results; never for table data).
  Result<std::vector<TextRow>> QueryText(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // Runs a statement that returns no rows, with text parameters bound in order (the server
  // converts them: wrap a `?` in CAST(? AS type) where it cannot infer the type); returns the
  // rows it affected.
  Result<int64_t> ExecuteCount(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // The first column of the first row as an integer (COUNT(*)).
  Result<int64_t> QueryInt64(const std::string& sql) const;

  // kReadOnly on SQLite also takes the read snapshot at once (a deferred BEGIN would take it
  // at the first read), so catalog queries, counts and rows all see the state of this call.
  Status Begin(TransactionMode mode = TransactionMode::kReadWrite);
  Status Commit();
  Status Rollback();
  bool in_transaction() const { return in_transaction_; }

  // A Status for a failed call on `stmt`, with the password scrubbed.
  Status StatementError(const OdbcHandle& stmt, const std::string& what) const;
  Status ConnectionError(const std::string& what) const;

 private:
  Connection() = default;
  Status EndTransaction(SQLSMALLINT completion);
  Result<OdbcHandle> NewBufferedStatement() const;
  Status ExecuteBound(const OdbcHandle& stmt, const std::string& sql, const std::vector<std::string>& params,
                      std::vector<SQLLEN>& lengths) const;

  OdbcHandle env_;
  OdbcHandle dbc_;
  bool connected_ = false;
  bool in_transaction_ = false;
  bool sql_transaction_ = false;  // begun with SQL BEGIN (see TransactionMode), ended in SQL
  bool bulk_copy_enabled_ = false;
  ConnectionString conn_str_;
  std::string dbms_name_;
  std::unique_ptr<Dialect> dialect_;
};

// Connect(url) is what the exporter and importer call.
inline Result<std::unique_ptr<Connection>> Connect(const std::string& url_or_odbc, const ConnectOptions& options = {}) {
  return Connection::Open(url_or_odbc, options);
}

}  // namespace icesync::db
