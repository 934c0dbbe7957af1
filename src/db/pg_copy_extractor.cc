#include "db/pg_copy_extractor.h"

#include <cstring>

#include "core/decimal.h"
#include "db/pg_parameters.h"
#include "db/postgres_dialect.h"

namespace icesync::db {
namespace {

using Wire = PgCopyExtractor::Wire;

// PostgreSQL's binary COPY signature ("PGCOPY\n\377\r\n\0"), then flags and extension length.
constexpr char kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
// PostgreSQL counts dates and timestamps from 2000-01-01; Iceberg from 1970-01-01.
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86'400'000'000LL;
// numeric's sign word (src/backend/utils/adt/numeric.c).
constexpr uint16_t kNumericNegative = 0x4000;

uint16_t Be16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
uint32_t Be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
uint64_t Be64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

// The wire form of a column by its catalog type name (type_mapping.cc's PostgreSQL names).
Wire WireOf(const std::string& type_name) {
  if (type_name == "boolean") return Wire::kBool;
  if (type_name == "smallint") return Wire::kInt2;
  if (type_name == "integer") return Wire::kInt4;
  if (type_name == "bigint") return Wire::kInt8;
  if (type_name == "real") return Wire::kFloat4;
  if (type_name == "double precision") return Wire::kFloat8;
  if (type_name == "numeric") return Wire::kNumeric;
  if (type_name == "date") return Wire::kDate;
  if (type_name == "time without time zone") return Wire::kTime;
  if (type_name == "timestamp without time zone" || type_name == "timestamp with time zone") return Wire::kTimestamp;
  // The binary form of these is their text (bpchar keeps its padding, as through ODBC).
  if (type_name == "character varying" || type_name == "character" || type_name == "text" || type_name == "name" ||
      type_name == "bytea") {
    return Wire::kBytes;
  }
  if (type_name == "uuid") return Wire::kUuid;
  return Wire::kText;  // json, jsonb (binary: a version byte), xml, citext, ...: selected as ::text
}

// Bytes a fixed-width wire form must have; 0 for variable ones.
int32_t FixedLength(Wire w) {
  switch (w) {
    case Wire::kBool: return 1;
    case Wire::kInt2: return 2;
    case Wire::kInt4: case Wire::kFloat4: case Wire::kDate: return 4;
    case Wire::kInt8: case Wire::kFloat8: case Wire::kTime: case Wire::kTimestamp: return 8;
    case Wire::kUuid: return 16;
    default: return 0;
  }
}

Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// A binary numeric (ndigits, weight, sign, dscale, then base-10000 digits, most significant
// first; value = sum digit[i] * 10000^(weight - i)) as the unscaled integer at `scale`.
// Fails for NaN/Infinity, digits beyond the scale, and values beyond `precision`.
Result<Int128> NumericUnscaled(const char* p, int32_t len, int precision, int scale) {
  if (len < 8) return Corrupt("a numeric value of {} bytes", len);
  const int ndigits = static_cast<int16_t>(Be16(p));
  const int weight = static_cast<int16_t>(Be16(p + 2));
  const uint16_t sign = Be16(p + 4);
  if (ndigits < 0 || len != 8 + 2 * ndigits) return Corrupt("a numeric value of {} bytes with {} digits", len, ndigits);
  if (sign != 0 && sign != kNumericNegative) {
    return Unsupported("it holds NaN or Infinity, which an Iceberg decimal cannot hold; filter those rows out "
                       "(--where) or cast the column in a view");
  }
  static const Int128 kMax = MaxUnscaled(38);
  Int128 unscaled = 0;
  for (int i = 0; i < ndigits; ++i) {
    const int digit = static_cast<int16_t>(Be16(p + 8 + 2 * i));
    if (digit == 0) continue;
    // Position of this digit group's last decimal digit in the unscaled value.
    const int shift = 4 * (weight - i) + scale;
    if (shift >= 0) {
      if (shift > 38) return Unsupported("its value exceeds precision {}", precision);
      unscaled += digit * Pow10(shift);
    } else {
      const int64_t div = shift >= -4 ? static_cast<int64_t>(Pow10(-shift)) : 100000;
      if (shift < -4 || digit % div != 0) return Unsupported("its value has more than {} fraction digits", scale);
      unscaled += digit / div;
    }
    if (unscaled > kMax) return Unsupported("its value exceeds precision {}", precision);
  }
  if (unscaled > MaxUnscaled(precision)) return Unsupported("its value exceeds precision {}", precision);
  return sign == kNumericNegative ? -unscaled : unscaled;
}

}  // namespace

PgCopyExtractor::PgCopyExtractor(std::unique_ptr<PgSession> session, SourceTable table, ExtractOptions options)
    : session_(std::move(session)), table_(std::move(table)), options_(std::move(options)) {}

PgCopyExtractor::~PgCopyExtractor() = default;

Result<std::unique_ptr<PgCopyExtractor>> PgCopyExtractor::Open(std::unique_ptr<PgSession> session,
                                                               const std::string& snapshot_id,
                                                               const SourceTable& table, ExtractOptions options) {
  if (options.batch_rows < 1) return InvalidArgument("batch_rows must be at least 1");
  std::unique_ptr<PgCopyExtractor> e(new PgCopyExtractor(std::move(session), table, std::move(options)));
  RETURN_IF_ERROR(e->Start(snapshot_id).WithContext("reading table " + table.name.ToString() +
                                                    " through PostgreSQL COPY"));
  return e;
}

Status PgCopyExtractor::Start(const std::string& snapshot_id) {
  const PostgresDialect d;
  std::string select;
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    const Wire w = WireOf(table_.columns[i].type_name);
    wires_.push_back(w);
    text_codecs_.push_back(MakeCodec(table_.mappings[i].type, CodecOptions{/*temporal_as_text=*/true, false,
                                                                            table_.options.sub_microseconds},
                                     table_.columns[i].name));
    if (i > 0) select += ", ";
    select += d.QuoteIdentifier(table_.columns[i].name);
    if (w == Wire::kText) select += "::text";
  }
  if (select.empty()) select.push_back('1');  // no columns: rows still count
  ASSIGN_OR_RETURN(ExtractPredicate predicate, BuildExtractPredicate(d, table_, options_));

  if (snapshot_id.empty()) {
    RETURN_IF_ERROR(session_->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  } else {
    RETURN_IF_ERROR(session_->BeginOnSnapshot(snapshot_id));
  }
  ASSIGN_OR_RETURN(std::string where, BindAsTransactionSettings(*session_, predicate.where, predicate.params));
  std::string query = "SELECT " + select + " FROM " + d.QualifiedName(table_.name);
  if (!where.empty()) query += " WHERE " + where;
  if (!predicate.order_by.empty()) {
    query += " ORDER BY ";
    for (size_t i = 0; i < predicate.order_by.size(); ++i) {
      if (i > 0) query += ", ";
      query += d.QuoteIdentifier(predicate.order_by[i]);
    }
  }
  sql_ = query;
  copy_sql_ = "COPY (" + query + ") TO STDOUT (FORMAT binary)";
  PGresult* r = PQexec(session_->pg(), copy_sql_.c_str());
  const bool started = r != nullptr && PQresultStatus(r) == PGRES_COPY_OUT;
  Status st = started ? Status::OK() : session_->Error(r, "running " + copy_sql_);
  PQclear(r);
  return st;
}

Status PgCopyExtractor::ColumnError(size_t column, const std::string& what) const {
  return DatabaseError("column {} of table {}: {}", table_.columns[column].name, table_.name.ToString(), what);
}

Status PgCopyExtractor::ReadHeader(const char** p, const char* end) {
  if (end - *p < 19 || std::memcmp(*p, kSignature, sizeof(kSignature)) != 0) {
    return Corrupt("the COPY stream of table {} does not start with PostgreSQL's binary signature",
                   table_.name.ToString());
  }
  const uint32_t extension = Be32(*p + 15);
  if (static_cast<uint64_t>(end - *p) < 19 + uint64_t{extension}) {
    return Corrupt("the COPY header of table {} is truncated", table_.name.ToString());
  }
  *p += 19 + extension;
  header_read_ = true;
  return Status::OK();
}

// One tuple: int16 field count, then per field int32 length (-1: NULL) and the bytes. The
// server sends each row as one CopyData message, so a tuple never spans two messages.
Status PgCopyExtractor::DecodeRow(const char* p, const char* end, RecordBatch* batch) {
  const size_t ncols = wires_.size();
  if (end - p < 2 || Be16(p) != ncols) {
    return Corrupt("a COPY row of table {} has {} fields, expected {}", table_.name.ToString(),
                   end - p < 2 ? -2 : static_cast<int16_t>(Be16(p)), ncols);
  }
  p += 2;
  for (size_t c = 0; c < ncols; ++c) {
    if (end - p < 4) return Corrupt("a COPY row of table {} is truncated", table_.name.ToString());
    const int32_t len = static_cast<int32_t>(Be32(p));
    p += 4;
    ColumnVector& out = batch->column(c);
    if (len < 0) {
      out.AppendNull();
      continue;
    }
    if (end - p < len) return Corrupt("a COPY row of table {} is truncated", table_.name.ToString());
    const Wire w = wires_[c];
    const int32_t fixed = FixedLength(w);
    if (fixed != 0 && len != fixed) {
      return ColumnError(c, fmt::format("the server sent {} bytes for a value of {} bytes", len, fixed));
    }
    switch (w) {
      case Wire::kBool: out.Append<uint8_t>(*p != 0 ? 1 : 0); break;
      case Wire::kInt2: out.Append<int32_t>(static_cast<int16_t>(Be16(p))); break;
      case Wire::kInt4: case Wire::kFloat4: out.Append<uint32_t>(Be32(p)); break;  // same bits
      case Wire::kInt8: case Wire::kFloat8: case Wire::kTime: out.Append<uint64_t>(Be64(p)); break;
      case Wire::kNumeric: {
        const DataType& t = table_.mappings[c].type;
        Result<Int128> v = NumericUnscaled(p, len, t.precision(), t.scale());
        if (!v.ok()) return ColumnError(c, v.status().message());
        out.Append<Int128>(*v);
        break;
      }
      case Wire::kDate: {
        const int32_t days = static_cast<int32_t>(Be32(p));
        if (days == INT32_MIN || days == INT32_MAX) {
          return ColumnError(c, "it holds -infinity or infinity, which an Iceberg date cannot hold; filter those rows "
                                "out (--where) or cast the column in a view");
        }
        out.Append<int32_t>(days + kPgEpochDays);
        break;
      }
      case Wire::kTimestamp: {
        const int64_t micros = static_cast<int64_t>(Be64(p));
        if (micros == INT64_MIN || micros == INT64_MAX) {
          return ColumnError(c, "it holds -infinity or infinity, which an Iceberg timestamp cannot hold; filter "
                                "those rows out (--where) or cast the column in a view");
        }
        out.Append<int64_t>(micros + kPgEpochMicros);
        break;
      }
      case Wire::kBytes: case Wire::kUuid: out.AppendBytes(std::string_view(p, static_cast<size_t>(len))); break;
      case Wire::kText: {
        Status st = DecodeValue(text_codecs_[c], reinterpret_cast<const uint8_t*>(p), len, &out);
        if (!st.ok()) return st.WithContext("table " + table_.name.ToString());
        break;
      }
    }
    p += len;
  }
  if (p != end) return Corrupt("a COPY row of table {} has {} bytes after its last field", table_.name.ToString(), end - p);
  return Status::OK();
}

Status PgCopyExtractor::Finish() {
  done_ = true;
  Status st;
  while (PGresult* r = PQgetResult(session_->pg())) {
    if (st.ok() && PQresultStatus(r) != PGRES_COMMAND_OK) st = session_->Error(r, "reading table " + table_.name.ToString() + " with " + copy_sql_);
    PQclear(r);
  }
  RETURN_IF_ERROR(st);
  return session_->Execute("ROLLBACK");  // read only: nothing to keep
}

Result<bool> PgCopyExtractor::Next(RecordBatch* batch) {
  if (batch->schema() != table_.schema || batch->num_columns() != table_.columns.size()) {
    *batch = RecordBatch(table_.schema);
  } else {
    batch->Clear();
  }
  if (done_) return false;
  batch->Reserve(options_.batch_rows);
  int64_t rows = 0;
  while (rows < options_.batch_rows) {
    char* buf = nullptr;
    const int n = PQgetCopyData(session_->pg(), &buf, /*async=*/0);
    if (n == -1) {  // the COPY ended: its status follows
      RETURN_IF_ERROR(Finish());
      break;
    }
    if (n < 0) return session_->Error(nullptr, "reading table " + table_.name.ToString() + " with " + copy_sql_);
    const char* p = buf;
    const char* end = buf + n;
    Status st;
    if (!header_read_) st = ReadHeader(&p, end);
    if (st.ok() && end - p >= 2 && static_cast<int16_t>(Be16(p)) == -1) {
      p = end;  // the trailer; libpq then reports the end
    } else if (st.ok() && p != end) {
      st = DecodeRow(p, end, batch);
      ++rows;
    }
    PQfreemem(buf);
    RETURN_IF_ERROR(st);
  }
  return rows > 0;
}

}  // namespace icesync::db
