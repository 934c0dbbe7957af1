// Parameter-array inserts: one prepared INSERT executed with SQL_ATTR_PARAMSET_SIZE rows of
// column-wise bound buffers (PostgreSQL, SQLite, and SQL Server without BCP).
#include <algorithm>

#include "db/bulk_loader.h"

namespace icesync::db {
namespace {

class ArrayLoader final : public BulkLoader {
 public:
  ArrayLoader(Connection& conn, const TableName& target, std::shared_ptr<const Schema> schema, const LoadOptions& o)
      : BulkLoader(conn, target, std::move(schema), o, "parameter arrays") {}

  Status Prepare() {
    ASSIGN_OR_RETURN(stmt_, conn_.NewStatement());
    sql_ = conn_.dialect().Insert(target_, *schema_);
    if (!SQL_SUCCEEDED(SQLPrepare(stmt_.get(), reinterpret_cast<SQLCHAR*>(sql_.data()), SQL_NTS))) {
      return conn_.StatementError(stmt_, "preparing " + sql_);
    }
    SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAM_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_PARAM_BIND_BY_COLUMN), 0);
    SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAMS_PROCESSED_PTR, &processed_, 0);
    const Dialect& d = conn_.dialect();
    for (const Field& f : schema_->fields()) {
      // Floats are written natively: floats_as_text concerns reads (see Dialect).
      codecs_.push_back(MakeCodec(f.type, CodecOptions{d.temporal_as_text(), false}, f.name));
      if (!d.binary_parameter_arrays() && codecs_.back().c_type == SQL_C_BINARY) options_.rows_per_execute = 1;
    }
    buffers_.resize(codecs_.size());
    ind_.resize(codecs_.size());
    return Status::OK();
  }

  Status Append(const RecordBatch& batch) override {
    RETURN_IF_ERROR(CheckBatch(batch));
    int64_t n = batch.num_rows();
    int64_t start = 0;
    while (start < n) {
      // Widths of the variable-length columns over the chunk decide how many rows fit.
      int64_t end = std::min(n, start + options_.rows_per_execute);
      std::vector<SQLLEN> widths(codecs_.size());
      while (true) {
        int64_t bytes = 0;
        for (size_t c = 0; c < codecs_.size(); ++c) {
          SQLLEN w = codecs_[c].fixed_width;
          if (w == 0) {
            w = 1;
            for (int64_t r = start; r < end; ++r) w = std::max(w, EncodedSize(codecs_[c], batch.column(c), r));
          }
          widths[c] = w;
          bytes += w * (end - start);
        }
        if (bytes <= options_.bytes_per_execute || end - start == 1) break;
        end = start + std::max<int64_t>(1, (end - start) / 2);
      }
      RETURN_IF_ERROR(Execute(batch, start, end, widths));
      start = end;
    }
    return Status::OK();
  }

 protected:
  Status Flush() override { return Status::OK(); }

 private:
  Status Execute(const RecordBatch& batch, int64_t start, int64_t end, const std::vector<SQLLEN>& widths) {
    const int64_t rows = end - start;
    SQLHSTMT h = stmt_.get();
    if (!SQL_SUCCEEDED(SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(rows)), 0))) {
      return conn_.StatementError(stmt_, "setting the parameter array size");
    }
    for (size_t c = 0; c < codecs_.size(); ++c) {
      const OdbcCodec& codec = codecs_[c];
      SQLLEN w = widths[c];
      size_t need = static_cast<size_t>(w * rows);
      if (buffers_[c].size() < need) buffers_[c].resize(need);
      if (ind_[c].size() < static_cast<size_t>(rows)) ind_[c].resize(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) {
        EncodeValue(codec, batch.column(c), start + r, buffers_[c].data() + r * w, &ind_[c][static_cast<size_t>(r)]);
      }
      SQLULEN column_size = codec.column_size > 0 ? codec.column_size : static_cast<SQLULEN>(std::max<SQLLEN>(w, 1));
      SQLRETURN rc = SQLBindParameter(h, static_cast<SQLUSMALLINT>(c + 1), SQL_PARAM_INPUT, codec.c_type, codec.sql_type,
                                      column_size, codec.decimal_digits, buffers_[c].data(), w, ind_[c].data());
      if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "binding column " + codec.column);
    }
    SQLRETURN rc = SQLExecute(h);
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
      return conn_.StatementError(stmt_, "inserting into " + target_.ToString());
    }
    // Drain any per-row result sets some drivers leave open after an array execution.
    while (SQL_SUCCEEDED(SQLMoreResults(h))) {
    }
    rows_sent_ += rows;
    return Status::OK();
  }

  OdbcHandle stmt_;
  std::string sql_;
  SQLULEN processed_ = 0;
  std::vector<OdbcCodec> codecs_;
  std::vector<std::vector<uint8_t>> buffers_;
  std::vector<std::vector<SQLLEN>> ind_;
};

}  // namespace

Result<std::unique_ptr<BulkLoader>> OpenArrayLoader(Connection& conn, const TableName& target,
                                                    std::shared_ptr<const Schema> schema, const LoadOptions& options) {
  auto loader = std::make_unique<ArrayLoader>(conn, target, std::move(schema), options);
  RETURN_IF_ERROR(loader->Prepare().WithContext("loading into " + target.ToString()));
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace icesync::db
