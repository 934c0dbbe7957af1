// SQL Server bulk copy through the driver's bcp_* interface (FreeTDS: odbcss.h compiled with
// TDSODBC_BCP; every call is a SQLSetConnectAttr on the connection, so the bulk copy runs
// inside the connection's transaction). Each column has one row buffer laid out as
// [int64 length prefix][value]: the prefix carries the row's length or SQL_NULL_DATA, which
// is how per-row NULLs and lengths reach bcp_sendrow without bcp_collen.
#include <cstring>

#include "core/decimal.h"
#include "core/temporal.h"
#include "db/bulk_loader.h"

#ifndef TDSODBC_BCP
#define TDSODBC_BCP 1  // src/CMakeLists.txt defines it; kept for standalone builds
#endif
#include <odbcss.h>

namespace icesync::db {

BcpBinding BcpBindingFor(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return {BCP_TYPE_SQLINT4, 4, false};  // int 0/1 into bit
    case TypeId::kInt32: return {BCP_TYPE_SQLINT4, 4, false};
    case TypeId::kInt64: return {BCP_TYPE_SQLINT8, 8, false};
    case TypeId::kFloat32: return {BCP_TYPE_SQLFLT4, 4, false};
    case TypeId::kFloat64: return {BCP_TYPE_SQLFLT8, 8, false};
    case TypeId::kFixed:
    case TypeId::kBinary: return {BCP_TYPE_SQLVARBINARY, SQL_VARLEN_DATA, false};
    case TypeId::kString: return {BCP_TYPE_SQLCHAR, SQL_VARLEN_DATA, false};
    default: return {BCP_TYPE_SQLCHAR, SQL_VARLEN_DATA, true};  // decimal, temporal, uuid as text
  }
}

namespace {

constexpr size_t kPrefix = sizeof(int64_t);

class BcpLoader final : public BulkLoader {
 public:
  BcpLoader(Connection& conn, const TableName& target, std::shared_ptr<const Schema> schema, const LoadOptions& o)
      : BulkLoader(conn, target, std::move(schema), o, "bulk copy (BCP)") {}

  Status Init() {
    SQLHDBC dbc = conn_.dbc();
    std::string table = conn_.dialect().QualifiedName(target_);
    if (bcp_initA(dbc, table.c_str(), nullptr, nullptr, BCP_DIRECTION_IN) != SUCCEED) {
      return conn_.ConnectionError("bcp_init on " + table);
    }
    if (options_.table_lock) {
      static char kTabLock[] = "TABLOCK";
      if (bcp_control(dbc, BCPHINTS, kTabLock) != SUCCEED) return conn_.ConnectionError("bcp_control(TABLOCK)");
    }
    columns_.resize(schema_->num_fields());
    for (size_t i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      c.binding = BcpBindingFor(schema_->field(i).type);
      c.buf.assign(kPrefix + (c.binding.varlen > 0 ? static_cast<size_t>(c.binding.varlen) : 256), 0);
      if (bcp_bind(dbc, c.buf.data(), static_cast<int>(kPrefix), c.binding.varlen, nullptr, 0, c.binding.host_type,
                   static_cast<int>(i + 1)) != SUCCEED) {
        return conn_.ConnectionError("bcp_bind of column " + schema_->field(i).name);
      }
    }
    return Status::OK();
  }

  Status Append(const RecordBatch& batch) override {
    RETURN_IF_ERROR(CheckBatch(batch));
    SQLHDBC dbc = conn_.dbc();
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < columns_.size(); ++c) RETURN_IF_ERROR(Stage(c, batch.column(c), r));
      if (bcp_sendrow(dbc) != SUCCEED) return conn_.ConnectionError("bcp_sendrow into " + target_.ToString());
      ++rows_sent_;
      if (options_.bulk_copy_batch_rows > 0 && ++rows_in_batch_ >= options_.bulk_copy_batch_rows) {
        if (bcp_batch(dbc) < 0) return conn_.ConnectionError("bcp_batch into " + target_.ToString());
        rows_in_batch_ = 0;
      }
    }
    return Status::OK();
  }

 protected:
  Status Flush() override {
    if (done_) return Status::OK();
    done_ = true;
    if (bcp_done(conn_.dbc()) < 0) return conn_.ConnectionError("bcp_done into " + target_.ToString());
    return Status::OK();
  }

 private:
  struct Column {
    BcpBinding binding;
    std::vector<uint8_t> buf;  // [int64 prefix][value]
  };

  // Copies value `row` into column `c`'s buffer, growing (and re-pointing) it when needed.
  Status Stage(size_t c, const ColumnVector& col, int64_t row) {
    Column& b = columns_[c];
    int64_t prefix = SQL_NULL_DATA;
    if (!col.IsNull(row)) {
      std::string text;
      std::string_view bytes;
      const DataType& t = col.type();
      switch (t.id()) {
        case TypeId::kBoolean: {
          int32_t v = col.Value<uint8_t>(row) ? 1 : 0;
          bytes = std::string_view(reinterpret_cast<const char*>(&v), 4);
          text.assign(bytes);
          bytes = text;
          break;
        }
        case TypeId::kInt32: case TypeId::kFloat32: bytes = std::string_view(reinterpret_cast<const char*>(col.data().data() + row * 4), 4); break;
        case TypeId::kInt64: case TypeId::kFloat64: bytes = std::string_view(reinterpret_cast<const char*>(col.data().data() + row * 8), 8); break;
        case TypeId::kDecimal: text = DecimalToString(col.Value<Int128>(row), t.scale()); bytes = text; break;
        case TypeId::kDate: text = FormatDate(col.Value<int32_t>(row)); bytes = text; break;
        case TypeId::kTime: text = FormatTimeMicros(col.Value<int64_t>(row)); bytes = text; break;
        case TypeId::kTimestamp: text = TimestampText(col.Value<int64_t>(row), false); bytes = text; break;
        case TypeId::kTimestampTz: text = TimestampText(col.Value<int64_t>(row), true); bytes = text; break;
        case TypeId::kUuid: text = UuidToText(col.GetBytes(row)); bytes = text; break;
        default: bytes = col.GetBytes(row); break;
      }
      if (b.buf.size() < kPrefix + bytes.size()) {
        b.buf.resize(kPrefix + bytes.size() * 2);
        if (bcp_colptr(conn_.dbc(), b.buf.data(), static_cast<int>(c + 1)) != SUCCEED) {
          return conn_.ConnectionError("bcp_colptr of column " + schema_->field(c).name);
        }
      }
      std::memcpy(b.buf.data() + kPrefix, bytes.data(), bytes.size());
      prefix = static_cast<int64_t>(bytes.size());
    }
    std::memcpy(b.buf.data(), &prefix, kPrefix);
    return Status::OK();
  }

  std::vector<Column> columns_;
  int64_t rows_in_batch_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BulkLoader>> OpenBcpLoader(Connection& conn, const TableName& target,
                                                  std::shared_ptr<const Schema> schema, const LoadOptions& options) {
  auto loader = std::make_unique<BcpLoader>(conn, target, std::move(schema), options);
  Status st = loader->Init();
  if (!st.ok()) {
    // The driver refused BCP for this table: fall back to parameter arrays (the caller).
    return std::unique_ptr<BulkLoader>();
  }
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace icesync::db
