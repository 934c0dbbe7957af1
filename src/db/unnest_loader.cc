// PostgreSQL loads: each chunk of rows is one statement
//   INSERT INTO t (cols) SELECT * FROM unnest(CAST(? AS type[]), …)
// with one parameter per column holding the chunk's values as an array literal
// ('{"1","2",NULL}'). The server parses the arrays much as COPY parses its text, so the cost
// per row is close to COPY's; parameter arrays cost a Bind/Execute per row and multi-row
// VALUES an expression per value (bench/RESULTS.md). The statement runs on a helper thread
// while the next chunk's literals are built, so our encoding overlaps the server's work.
#include <charconv>
#include <cmath>
#include <future>

#include "db/bulk_loader.h"

namespace icesync::db {
namespace {

constexpr int64_t kRowsPerStatement = 16384;

// Appends `text` as a quoted array element ("…" with \ and " escaped).
void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

class UnnestLoader final : public BulkLoader {
 public:
  UnnestLoader(Connection& conn, const TableName& target, std::shared_ptr<const Schema> schema, const LoadOptions& o)
      : BulkLoader(conn, target, std::move(schema), o, "unnest arrays") {}

  Status Prepare() {
    const Dialect& d = conn_.dialect();
    std::string cols, arrays;
    for (size_t i = 0; i < schema_->num_fields(); ++i) {
      const Field& f = schema_->field(i);
      if (i > 0) {
        cols += ", ";
        arrays += ", ";
      }
      cols += d.QuoteIdentifier(f.name);
      arrays += "CAST(? AS ";
      arrays += d.ColumnType(f.type);
      arrays += "[])";
      // Text forms of every value: the codec's text encodings where it has them.
      codecs_.push_back(MakeCodec(f.type, CodecOptions{true, true}, f.name));
    }
    sql_ = "INSERT INTO " + d.QualifiedName(target_) + " (" + cols + ") SELECT * FROM unnest(" + arrays + ")";
    ASSIGN_OR_RETURN(stmt_, conn_.NewStatement());
    if (!SQL_SUCCEEDED(SQLPrepare(stmt_.get(), reinterpret_cast<SQLCHAR*>(sql_.data()), SQL_NTS))) {
      return conn_.StatementError(stmt_, "preparing " + sql_);
    }
    for (auto& set : literals_) set.resize(codecs_.size());
    ind_.resize(codecs_.size());
    return Status::OK();
  }

  Status Append(const RecordBatch& batch) override {
    RETURN_IF_ERROR(CheckBatch(batch));
    for (int64_t start = 0; start < batch.num_rows(); start += kRowsPerStatement) {
      const int64_t end = std::min(batch.num_rows(), start + kRowsPerStatement);
      std::vector<std::string>& literals = literals_[next_set_];
      for (size_t c = 0; c < codecs_.size(); ++c) BuildLiteral(c, batch.column(c), start, end, &literals[c]);
      RETURN_IF_ERROR(Wait());  // the statement is free again, and the other literal set unused
      RETURN_IF_ERROR(Bind(literals));
      pending_ = std::async(std::launch::async, [this] { return Run(); });
      next_set_ ^= 1;
      rows_sent_ += end - start;
    }
    return Status::OK();
  }

 protected:
  Status Flush() override { return Wait(); }

 private:
  // Appends value `row` of column `c` as an array element.
  void AppendElement(size_t c, const ColumnVector& col, int64_t row, std::string* out) {
    if (col.IsNull(row)) {
      out->append("NULL");
      return;
    }
    const OdbcCodec& codec = codecs_[c];
    char num[32];
    switch (codec.type.id()) {
      case TypeId::kBoolean: out->append(col.Value<uint8_t>(row) ? "t" : "f"); return;
      case TypeId::kInt32: {
        auto r = std::to_chars(num, num + sizeof(num), col.Value<int32_t>(row));
        out->append(num, r.ptr);
        return;
      }
      case TypeId::kInt64: {
        auto r = std::to_chars(num, num + sizeof(num), col.Value<int64_t>(row));
        out->append(num, r.ptr);
        return;
      }
      case TypeId::kFloat32: case TypeId::kFloat64: {
        double v = codec.type.id() == TypeId::kFloat32 ? col.Value<float>(row) : col.Value<double>(row);
        if (std::isnan(v) || std::isinf(v)) {
          out->append(std::isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
          return;
        }
        break;  // the codec's shortest round-trip text
      }
      case TypeId::kBinary: case TypeId::kFixed: {  // bytea hex input: \x0aff
        static const char* kHex = "0123456789abcdef";
        std::string_view b = col.GetBytes(row);
        out->append("\"\\\\x");
        for (char ch : b) {
          auto u = static_cast<uint8_t>(ch);
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 15]);
        }
        out->push_back('"');
        return;
      }
      case TypeId::kString: AppendQuoted(col.GetBytes(row), out); return;
      default: break;
    }
    // Decimal, date, time, timestamps, uuid, floats: the codec's text form.
    scratch_.resize(static_cast<size_t>(EncodedSize(codec, col, row)) + 1);
    SQLLEN len = 0;
    EncodeValue(codec, col, row, reinterpret_cast<uint8_t*>(scratch_.data()), &len);
    AppendQuoted(std::string_view(scratch_.data(), static_cast<size_t>(len)), out);
  }

  // The array literal of rows [start, end) of `col`.
  void BuildLiteral(size_t c, const ColumnVector& col, int64_t start, int64_t end, std::string* lit) {
    lit->clear();
    lit->push_back('{');
    for (int64_t r = start; r < end; ++r) {
      if (r > start) lit->push_back(',');
      AppendElement(c, col, r, lit);
    }
    lit->push_back('}');
  }

  Status Bind(std::vector<std::string>& literals) {
    for (size_t c = 0; c < codecs_.size(); ++c) {
      std::string& lit = literals[c];
      ind_[c] = static_cast<SQLLEN>(lit.size());
      SQLRETURN rc = SQLBindParameter(stmt_.get(), static_cast<SQLUSMALLINT>(c + 1), SQL_PARAM_INPUT, SQL_C_CHAR,
                                      SQL_LONGVARCHAR, lit.size(), 0, lit.data(), static_cast<SQLLEN>(lit.size()),
                                      &ind_[c]);
      if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "binding column " + codecs_[c].column);
    }
    return Status::OK();
  }

  // On the helper thread: the bound statement.
  Status Run() {
    SQLRETURN rc = SQLExecute(stmt_.get());
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) return conn_.StatementError(stmt_, "inserting into " + target_.ToString());
    while (SQL_SUCCEEDED(SQLMoreResults(stmt_.get()))) {
    }
    return Status::OK();
  }

  // The result of the statement in flight, if any.
  Status Wait() { return pending_.valid() ? pending_.get() : Status::OK(); }

  OdbcHandle stmt_;
  std::string sql_;
  std::vector<OdbcCodec> codecs_;
  // Two sets of per-column array literals: one bound to the statement in flight, one being built.
  std::vector<std::string> literals_[2];
  int next_set_ = 0;
  std::vector<SQLLEN> ind_;
  std::string scratch_;
  std::future<Status> pending_;  // last: its destructor waits for the statement in flight
};

}  // namespace

Result<std::unique_ptr<BulkLoader>> OpenUnnestLoader(Connection& conn, const TableName& target,
                                                     std::shared_ptr<const Schema> schema, const LoadOptions& options) {
  auto loader = std::make_unique<UnnestLoader>(conn, target, std::move(schema), options);
  RETURN_IF_ERROR(loader->Prepare().WithContext("loading into " + target.ToString()));
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace icesync::db
