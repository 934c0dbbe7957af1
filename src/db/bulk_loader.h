#pragma once
// Bulk loads RecordBatches into a table (typically a staging table) inside the caller's
// transaction. SQL Server uses the driver's bulk-copy interface (bcp_* through FreeTDS's
// odbcss.h) when the connection enabled it, PostgreSQL one INSERT … SELECT FROM unnest(array
// literals) per chunk of rows, and otherwise parameter arrays (SQL_ATTR_PARAMSET_SIZE,
// column-wise) on one prepared INSERT. After every load the stored
// row count is checked against the rows sent: some bulk paths report success while storing
// nothing.
//
// PostgreSQL outside a transaction: when the caller's connection is NOT in a transaction
// (autocommit), the load is one COPY … FROM STDIN (FORMAT binary) on a companion libpq session
// (pg_copy_loader.cc), atomic on its own like any autocommit statement, and about as fast as
// psql's COPY (bench/RESULTS.md). That is the way to fill a staging table fast: create a regular
// or UNLOGGED staging table, load it with the connection in autocommit, then Begin() and run the
// set-based merge (Dialect::UpdateFromStaging/InsertMissingFromStaging) in the caller's
// transaction. A second session cannot join the caller's transaction, so inside one (and for
// the caller's TEMPORARY tables, which other sessions cannot see, or target columns whose type
// differs from the batch's, which binary COPY does not convert) the unnest loader runs.
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "db/connection.h"
#include "db/odbc_codec.h"

namespace icesync::db {

struct LoadOptions {
  int64_t rows_per_execute = 4096;           // parameter-array size
  int64_t bytes_per_execute = 16 << 20;      // cap on parameter buffers (rows × widest value)
  bool use_bulk_copy = true;                 // SQL Server: BCP when available
  int64_t bulk_copy_batch_rows = 100000;     // bcp_batch every N rows (0: one batch)
  bool table_lock = false;                   // BCP: TABLOCK hint
  bool verify_row_count = true;
  bool use_pg_copy = true;                   // PostgreSQL outside a transaction: binary COPY
};

class BulkLoader {
 public:
  // `target` must exist with columns named like the schema's fields (extra target columns
  // must be nullable or defaulted).
  static Result<std::unique_ptr<BulkLoader>> Open(Connection& conn, const TableName& target,
                                                  std::shared_ptr<const Schema> schema, LoadOptions options = {});
  virtual ~BulkLoader() = default;

  // May return before the rows are stored (PostgreSQL runs a statement while the next is
  // built); call Finish() before using the connection for anything else.
  virtual Status Append(const RecordBatch& batch) = 0;
  // Flushes and verifies the stored count; returns the rows loaded.
  Result<int64_t> Finish();

  const char* method() const { return method_; }
  int64_t rows_sent() const { return rows_sent_; }

 protected:
  BulkLoader(Connection& conn, TableName target, std::shared_ptr<const Schema> schema, LoadOptions options,
             const char* method)
      : conn_(conn), target_(std::move(target)), schema_(std::move(schema)), options_(options), method_(method) {}
  virtual Status Flush() = 0;
  Status CheckBatch(const RecordBatch& batch) const;

  Connection& conn_;
  TableName target_;
  std::shared_ptr<const Schema> schema_;
  LoadOptions options_;
  const char* method_;
  int64_t rows_before_ = 0;
  int64_t rows_sent_ = 0;
};

// SQL Server bulk copy; nullptr when the connection has no BCP (tests of the SQL text use
// BcpColumnPlan below without a server).
Result<std::unique_ptr<BulkLoader>> OpenBcpLoader(Connection& conn, const TableName& target,
                                                  std::shared_ptr<const Schema> schema, const LoadOptions& options);
// PostgreSQL: one INSERT … SELECT FROM unnest(array parameters) per chunk of rows.
Result<std::unique_ptr<BulkLoader>> OpenUnnestLoader(Connection& conn, const TableName& target,
                                                     std::shared_ptr<const Schema> schema, const LoadOptions& options);
// PostgreSQL outside a transaction: one binary COPY on a companion session; nullptr when it
// cannot stand in for the unnest loader (see above).
Result<std::unique_ptr<BulkLoader>> OpenPgCopyLoader(Connection& conn, const TableName& target,
                                                     std::shared_ptr<const Schema> schema, const LoadOptions& options);
// PostgreSQL: binary COPY into `target` on `session`, a companion session whose transaction the
// caller runs (BEGIN … COMMIT on the session): how an import COPYs straight into a target in one
// transaction with its state row. nullptr when COPY cannot stand in (column types). The stored
// count is not checked by Finish() (the caller's ODBC connection cannot see uncommitted rows):
// count on the session.
class PgSession;
Result<std::unique_ptr<BulkLoader>> OpenPgCopyLoaderOnSession(Connection& conn, PgSession& session,
                                                              const TableName& target,
                                                              std::shared_ptr<const Schema> schema);
Result<std::unique_ptr<BulkLoader>> OpenArrayLoader(Connection& conn, const TableName& target,
                                                    std::shared_ptr<const Schema> schema, const LoadOptions& options);

// How a core type is bound for BCP: the BCP host type and the exact varlen for fixed-width
// types (FreeTDS asserts when a fixed type gets SQL_VARLEN_DATA), SQL_VARLEN_DATA for text
// and binary, which carry their length in an 8-byte prefix (SQL_NULL_DATA for NULL).
struct BcpBinding {
  int host_type;
  int varlen;
  bool as_text;  // the value is sent as UTF-8 text the server converts (decimal, temporal, uuid)
};
BcpBinding BcpBindingFor(const DataType& type);

}  // namespace icesync::db
