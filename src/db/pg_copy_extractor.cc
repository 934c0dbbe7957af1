#include "db/pg_copy_extractor.h"

#include <cstring>

#include "db/pg_parameters.h"
#include "db/postgres_dialect.h"

namespace icesync::db {
using pgbinary::Be16;
using pgbinary::Be32;
using pgbinary::Be64;
using pgbinary::Wire;

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
    const Wire w = pgbinary::WireOf(table_.columns[i].type_name);
    wires_.push_back(w);
    text_codecs_.push_back(MakeCodec(table_.mappings[i].type, CodecOptions{/*temporal_as_text=*/true, false,
                                                                            table_.options.sub_microseconds},
                                     table_.columns[i].name));
    if (i > 0) select += ", ";
    select += d.QuoteIdentifier(table_.columns[i].name);
    if (w == Wire::kText) select += "::text";
  }
  // No columns: PostgreSQL's zero-column SELECT still yields the rows (counted below).
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
  return session_->StartCopy(copy_sql_);
}

Status PgCopyExtractor::ColumnError(size_t column, const std::string& what) const {
  return DatabaseError("column {} of table {}: {}", table_.columns[column].name, table_.name.ToString(), what);
}

Status PgCopyExtractor::InfinityError(size_t column) const {
  return ColumnError(column, fmt::format("it holds -infinity or infinity, which an Iceberg {} cannot hold; filter those "
                                         "rows out (--where) or cast the column in a view",
                                         table_.mappings[column].type.ToString()));
}

Status PgCopyExtractor::ReadHeader(const char** p, const char* end) {
  if (end - *p < static_cast<ptrdiff_t>(pgbinary::kHeaderBytes) || std::memcmp(*p, pgbinary::kSignature, sizeof(pgbinary::kSignature)) != 0) {
    return Corrupt("the COPY stream of table {} does not start with PostgreSQL's binary signature",
                   table_.name.ToString());
  }
  const uint32_t extension = Be32(*p + 15);
  if (static_cast<uint64_t>(end - *p) < pgbinary::kHeaderBytes + uint64_t{extension}) {
    return Corrupt("the COPY header of table {} is truncated", table_.name.ToString());
  }
  *p += pgbinary::kHeaderBytes + extension;
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
    const int32_t fixed = pgbinary::FixedLength(w);
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
        Result<Int128> v = pgbinary::NumericToUnscaled(p, len, t.precision(), t.scale());
        if (!v.ok()) return ColumnError(c, v.status().message());
        out.Append<Int128>(*v);
        break;
      }
      case Wire::kDate: {  // ±infinity are the extreme values
        const int32_t days = static_cast<int32_t>(Be32(p));
        if (days == INT32_MIN || days == INT32_MAX) return InfinityError(c);
        out.Append<int32_t>(days + pgbinary::kEpochDays);
        break;
      }
      case Wire::kTimestamp: {
        const int64_t micros = static_cast<int64_t>(Be64(p));
        if (micros == INT64_MIN || micros == INT64_MAX) return InfinityError(c);
        out.Append<int64_t>(micros + pgbinary::kEpochMicros);
        break;
      }
      case Wire::kString: case Wire::kBytea: case Wire::kUuid: out.AppendBytes(std::string_view(p, static_cast<size_t>(len))); break;
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
  RETURN_IF_ERROR(session_->FinishCopy("reading table " + table_.name.ToString() + " with " + copy_sql_));
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
  if (batch->num_columns() == 0) batch->set_num_rows(rows);
  return rows > 0;
}

}  // namespace icesync::db
