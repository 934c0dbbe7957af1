#pragma once
// Streaming reads of a table into RecordBatches. Columns with a bounded size are bound
// column-wise into block buffers (SQL_ATTR_ROW_ARRAY_SIZE rows per SQLFetch) and copied into
// ColumnVectors without per-row allocation; unbounded columns (nvarchar(max), text, bytea,
// and every SQLite text/binary column, whatever its declared size, since SQLite does not enforce
// it) are selected last and read with SQLGetData in pieces, one row per fetch.
// Memory is bounded by the batch size and the block budget, whatever the table size: the
// connection strings built by connection_string.cc make psqlODBC fetch through a cursor and
// sqliteodbc step (StepAPI=1). sqliteodbc steps only a forward-only statement without bound
// parameters, outside a transaction it began itself (see db::TransactionMode) and while no
// other statement of the connection is stepping; otherwise it reads the whole result at
// SQLExecDirect. So on SQLite an extraction with `?` parameters (a key range, a watermark) or
// a second extraction opened while one is being read hold their result in memory.
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/value.h"
#include "db/batch_reader.h"
#include "db/connection.h"
#include "db/odbc_codec.h"
#include "db/table_schema.h"

namespace icesync::db {

// An ordered key range over the table's primary key: rows with key > lower (exclusive) and
// key <= upper (inclusive), compared lexicographically over composite keys. Empty vectors
// leave that side open. A large table is split across connections by consecutive ranges.
struct KeyRange {
  std::vector<Value> lower;
  std::vector<Value> upper;
};

struct ExtractOptions {
  int64_t batch_rows = 65536;
  int64_t block_bytes = 8 << 20;  // budget for the block-fetch buffers
  // A predicate in the source's SQL with `?` placeholders bound to where_params in order.
  std::string where;
  std::vector<Value> where_params;
  // Reads from this FROM clause (a derived table with the table's column names, e.g. SQL
  // Server's CHANGETABLE joined to the table) instead of the table; its `?` placeholders take
  // from_params, bound before where_params. ODBC extraction only.
  std::string from;
  std::vector<Value> from_params;
  // Restricts to a key range and orders by the key (needs a primary key).
  std::optional<KeyRange> key_range;
  bool order_by_key = false;
};

// The parts of an extraction's SELECT that follow from the options, shared by the ODBC and
// the COPY extractors: the WHERE text with `?` placeholders, the values bound to them in
// order (the options' where_params, then the key range bounds), and the ORDER BY columns.
struct ExtractPredicate {
  std::string where;  // "" for all rows
  std::vector<Value> params;
  std::vector<std::string> order_by;
};
Result<ExtractPredicate> BuildExtractPredicate(const Dialect& dialect, const SourceTable& table,
                                               const ExtractOptions& options);

class Extractor final : public BatchReader {
 public:
  static Result<std::unique_ptr<Extractor>> Open(const Connection& conn, const SourceTable& table,
                                                  ExtractOptions options = {});
  ~Extractor() override;

  const std::shared_ptr<const Schema>& schema() const override { return table_.schema; }
  const std::string& sql() const override { return sql_; }
  const char* method() const override { return "odbc"; }
  // Rows per SQLFetch (1 when unbounded columns are read in pieces).
  int64_t rowset_size() const { return rowset_; }

  // Replaces the contents of *batch with the next rows (at most batch_rows). Returns false,
  // with an empty batch, when the table is exhausted.
  Result<bool> Next(RecordBatch* batch) override;

 private:
  struct BoundColumn;
  Extractor(const Connection& conn, SourceTable table, ExtractOptions options);
  Status Start();
  Status BindParameters();
  Status ReadLongColumn(size_t select_index, ColumnVector* out);
  Status Overflow(const BoundColumn& b, SQLLEN room) const;

  const Connection& conn_;
  SourceTable table_;
  ExtractOptions options_;
  OdbcHandle stmt_;
  std::string sql_;
  std::vector<BoundColumn> columns_;  // in select order: bounded first, then unbounded
  size_t bound_count_ = 0;
  int64_t rowset_ = 1;
  int64_t batch_rows_ = 0;
  SQLULEN rows_fetched_ = 0;
  std::vector<SQLUSMALLINT> row_status_;
  std::vector<ColumnVector> param_values_;
  std::vector<OdbcCodec> param_codecs_;
  std::vector<std::vector<uint8_t>> param_buffers_;
  std::vector<SQLLEN> param_ind_;
  std::string piece_;  // SQLGetData scratch, reused
  bool done_ = false;
};

}  // namespace icesync::db
