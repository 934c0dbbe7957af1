#include "db/extractor.h"

#include <algorithm>

namespace icesync::db {
namespace {

constexpr SQLLEN kPieceBytes = 64 * 1024;

}  // namespace

Result<ExtractPredicate> BuildExtractPredicate(const Dialect& d, const SourceTable& table,
                                               const ExtractOptions& options) {
  ExtractPredicate p;
  p.where = options.where.empty() ? "" : "(" + options.where + ")";
  p.params = options.from_params;  // the FROM clause's placeholders come first in the text
  p.params.insert(p.params.end(), options.where_params.begin(), options.where_params.end());
  if (options.key_range || options.order_by_key) {
    if (table.key_columns.empty()) {
      return InvalidArgument("a key range or key order needs a primary key, and table {} has none",
                             table.name.ToString());
    }
    p.order_by = table.key_columns;
  }
  if (options.key_range) {
    const KeyRange& r = *options.key_range;
    size_t nkeys = table.key_columns.size();
    if ((!r.lower.empty() && r.lower.size() != nkeys) || (!r.upper.empty() && r.upper.size() != nkeys)) {
      return InvalidArgument("a key range bound needs {} values (the key columns {})", nkeys,
                             fmt::format("{}", fmt::join(table.key_columns, ", ")));
    }
    std::vector<int> lower_keys, upper_keys;
    // Integer bounds are numbers this process computed (key-range splits), so writing them as
    // literals is as safe as binding them; where the driver buffers parameterized statements
    // whole (SQLite), that is what lets a range stream.
    std::function<std::optional<std::string>(bool, int)> literal;
    if (d.parameters_defeat_streaming()) {
      literal = [&r](bool upper, int key) -> std::optional<std::string> {
        const Value& v = (upper ? r.upper : r.lower)[static_cast<size_t>(key)];
        if (v.is_null()) return std::nullopt;
        if (v.type().id() == TypeId::kInt64) return std::to_string(v.get<int64_t>());
        if (v.type().id() == TypeId::kInt32) return std::to_string(v.get<int32_t>());
        return std::nullopt;
      };
    }
    std::string range = d.KeyRangePredicate(table.key_columns, !r.lower.empty(), !r.upper.empty(), &lower_keys,
                                            &upper_keys, literal);
    for (int k : lower_keys) p.params.push_back(r.lower[static_cast<size_t>(k)]);
    for (int k : upper_keys) p.params.push_back(r.upper[static_cast<size_t>(k)]);
    if (!range.empty()) p.where = p.where.empty() ? range : p.where + " AND " + range;
  }
  return p;
}

struct Extractor::BoundColumn {
  size_t schema_index = 0;
  OdbcCodec codec;
  bool is_long = false;  // read with SQLGetData
  SQLLEN width = 0;      // bytes per row in `data`
  std::vector<uint8_t> data;
  std::vector<SQLLEN> ind;
};

Extractor::Extractor(const Connection& conn, SourceTable table, ExtractOptions options)
    : conn_(conn), table_(std::move(table)), options_(std::move(options)) {}

Extractor::~Extractor() {
  if (stmt_.get() != SQL_NULL_HANDLE) SQLCloseCursor(stmt_.get());
}

Result<std::unique_ptr<Extractor>> Extractor::Open(const Connection& conn, const SourceTable& table,
                                                   ExtractOptions options) {
  if (options.batch_rows < 1) return InvalidArgument("batch_rows must be at least 1");
  std::unique_ptr<Extractor> e(new Extractor(conn, table, std::move(options)));
  RETURN_IF_ERROR(e->Start().WithContext("reading table " + table.name.ToString()));
  return e;
}

Status Extractor::Start() {
  const Dialect& d = conn_.dialect();
  // Bounded columns first so that SQLGetData on the unbounded ones, which must follow the
  // last bound column, is allowed by every driver.
  std::vector<size_t> order(table_.columns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto is_long = [&](size_t i) {
    const ColumnMapping& m = table_.mappings[i];
    return m.type.is_variable_length() && m.max_bytes < 0;
  };
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return !is_long(i); });

  std::vector<SelectColumn> select;
  SQLLEN row_width = 0;
  bool any_long = false;
  for (size_t i : order) {
    BoundColumn b;
    b.schema_index = i;
    const ColumnMapping& m = table_.mappings[i];
    b.codec = MakeCodec(m.type, CodecOptions{d.reads_temporal_as_text(), d.floats_as_text(), table_.options.sub_microseconds},
                        table_.columns[i].name);
    b.is_long = is_long(i);
    any_long |= b.is_long;
    if (!b.is_long) {
      b.width = b.codec.fixed_width > 0 ? b.codec.fixed_width
                                        : static_cast<SQLLEN>(m.max_bytes) + (b.codec.c_type == SQL_C_CHAR ? 1 : 0);
      row_width += b.width + static_cast<SQLLEN>(sizeof(SQLLEN));
    }
    select.push_back(SelectColumn{table_.columns[i].name, m.read_as, m.type});
    columns_.push_back(std::move(b));
  }
  bound_count_ = static_cast<size_t>(std::count_if(columns_.begin(), columns_.end(), [](const BoundColumn& b) { return !b.is_long; }));

  rowset_ = any_long ? 1 : std::clamp<int64_t>(options_.block_bytes / std::max<SQLLEN>(row_width, 1), 1, options_.batch_rows);
  rowset_ = std::min<int64_t>(rowset_, 65536);
  batch_rows_ = options_.batch_rows / rowset_ * rowset_;

  ASSIGN_OR_RETURN(ExtractPredicate predicate, BuildExtractPredicate(d, table_, options_));
  param_values_.clear();
  for (const Value& v : predicate.params) param_values_.push_back(ColumnOf(v));
  sql_ = options_.from.empty() ? d.Select(table_.name, select, predicate.where, predicate.order_by)
                               : d.SelectFrom(options_.from, select, predicate.where, predicate.order_by);

  ASSIGN_OR_RETURN(stmt_, conn_.NewStatement());
  SQLHSTMT h = stmt_.get();
  auto set_attr = [&](SQLINTEGER attr, SQLPOINTER value, const char* what) -> Status {
    if (SQL_SUCCEEDED(SQLSetStmtAttr(h, attr, value, 0))) return Status::OK();
    return conn_.StatementError(stmt_, what);
  };
  // Forward-only: the ODBC default, but sqliteodbc's default without StepAPI=1 is static, and
  // it streams only forward-only statements.
  RETURN_IF_ERROR(set_attr(SQL_ATTR_CURSOR_TYPE, reinterpret_cast<SQLPOINTER>(SQL_CURSOR_FORWARD_ONLY), "setting a forward-only cursor"));
  RETURN_IF_ERROR(set_attr(SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), "setting column-wise binding"));
  RETURN_IF_ERROR(set_attr(SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(rowset_)), "setting the row array size"));
  row_status_.resize(static_cast<size_t>(rowset_));
  RETURN_IF_ERROR(set_attr(SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, "setting the rows-fetched pointer"));
  RETURN_IF_ERROR(set_attr(SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), "setting the row status pointer"));

  SQLUSMALLINT col_no = 1;
  for (BoundColumn& b : columns_) {
    if (!b.is_long) {
      b.data.assign(static_cast<size_t>(b.width * rowset_), 0);
      b.ind.assign(static_cast<size_t>(rowset_), 0);
      if (!SQL_SUCCEEDED(SQLBindCol(h, col_no, b.codec.c_type, b.data.data(), b.width, b.ind.data()))) {
        return conn_.StatementError(stmt_, "binding column " + b.codec.column);
      }
    }
    ++col_no;
  }
  RETURN_IF_ERROR(BindParameters());
  SQLRETURN rc = SQLExecDirect(h, reinterpret_cast<SQLCHAR*>(sql_.data()), SQL_NTS);
  if (rc == SQL_NO_DATA) {
    done_ = true;
    return Status::OK();
  }
  if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "running " + sql_);
  return Status::OK();
}

Status Extractor::BindParameters() {
  const CodecOptions codec_options{conn_.dialect().temporal_as_text(), conn_.dialect().floats_as_text()};
  param_codecs_.clear();
  param_buffers_.assign(param_values_.size(), {});
  param_ind_.assign(param_values_.size(), 0);
  for (size_t i = 0; i < param_values_.size(); ++i) {
    const ColumnVector& v = param_values_[i];
    OdbcCodec c = MakeCodec(v.type(), codec_options, "parameter " + std::to_string(i + 1));
    SQLLEN size = v.IsNull(0) ? 1 : EncodedSize(c, v, 0);
    param_buffers_[i].assign(static_cast<size_t>(std::max<SQLLEN>(size, 1)), 0);
    EncodeValue(c, v, 0, param_buffers_[i].data(), &param_ind_[i]);
    SQLULEN column_size = c.column_size > 0 ? c.column_size : static_cast<SQLULEN>(std::max<SQLLEN>(size, 1));
    SQLRETURN rc = SQLBindParameter(stmt_.get(), static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c.c_type, c.sql_type,
                                    column_size, c.decimal_digits, param_buffers_[i].data(),
                                    static_cast<SQLLEN>(param_buffers_[i].size()), &param_ind_[i]);
    if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "binding parameter " + std::to_string(i + 1));
    param_codecs_.push_back(std::move(c));
  }
  return Status::OK();
}

// A bound value that did not fit its buffer. Strings and binaries are bound only where the
// database enforces their declared size (type_mapping.h, EnforcesDeclaredSizes), so for them
// this is a driver reporting a size it does not keep; decimals, temporals and uuids read as
// text have a fixed longest form, and a longer value (SQLite keeps any text in any column)
// is not of the column's type.
Status Extractor::Overflow(const BoundColumn& b, SQLLEN room) const {
  if (b.codec.fixed_width > 0) {
    return Corrupt("column {} of {} holds a value longer than {} bytes, which is no {}: correct the row, or cast "
                   "the column in a view (or exclude it)",
                   b.codec.column, table_.name.ToString(), room, b.codec.type.ToString());
  }
  return DatabaseError(
      "column {} of {} returned a value longer than its declared size ({} bytes), which the {} driver reported "
      "as enforced: cast the column in a view to an unbounded type (text, varchar(max)) and export the view",
      b.codec.column, table_.name.ToString(), room, conn_.dialect().name());
}

Status Extractor::ReadLongColumn(size_t select_index, ColumnVector* out) {
  const BoundColumn& b = columns_[select_index];
  const bool text = b.codec.c_type == SQL_C_CHAR;
  piece_.clear();
  std::vector<uint8_t>& buf = columns_[select_index].data;
  if (buf.size() < static_cast<size_t>(kPieceBytes)) buf.resize(static_cast<size_t>(kPieceBytes));
  while (true) {
    SQLLEN ind = 0;
    SQLRETURN rc = SQLGetData(stmt_.get(), static_cast<SQLUSMALLINT>(select_index + 1), b.codec.c_type, buf.data(),
                              kPieceBytes, &ind);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "reading column " + b.codec.column);
    if (ind == SQL_NULL_DATA) {
      out->AppendNull();
      return Status::OK();
    }
    SQLLEN room = text ? kPieceBytes - 1 : kPieceBytes;
    SQLLEN got = (ind == SQL_NO_TOTAL || ind > room) ? room : ind;
    piece_.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(got));
    if (rc == SQL_SUCCESS) break;  // SQL_SUCCESS_WITH_INFO (01004): more pieces follow
  }
  out->AppendBytes(piece_);
  return Status::OK();
}

Result<bool> Extractor::Next(RecordBatch* batch) {
  if (batch->schema() != table_.schema || batch->num_columns() != table_.columns.size()) {
    *batch = RecordBatch(table_.schema);
  } else {
    batch->Clear();
  }
  if (done_) return false;
  batch->Reserve(batch_rows_);
  int64_t rows = 0;
  while (rows < batch_rows_) {
    SQLRETURN rc = SQLFetch(stmt_.get());
    if (rc == SQL_NO_DATA) {
      done_ = true;
      break;
    }
    if (!SQL_SUCCEEDED(rc)) return conn_.StatementError(stmt_, "fetching rows of " + table_.name.ToString());
    int64_t fetched = static_cast<int64_t>(rows_fetched_);
    for (BoundColumn& b : columns_) {
      if (b.is_long) continue;
      ColumnVector* out = &batch->column(b.schema_index);
      const SQLLEN text_room = b.codec.c_type == SQL_C_CHAR ? b.width - 1 : b.width;
      for (int64_t r = 0; r < fetched; ++r) {
        SQLLEN ind = b.ind[static_cast<size_t>(r)];
        if (ind != SQL_NULL_DATA && (ind > text_room || ind == SQL_NO_TOTAL)) return Overflow(b, text_room);
        RETURN_IF_ERROR(DecodeValue(b.codec, b.data.data() + r * b.width, ind, out));
      }
    }
    for (size_t i = bound_count_; i < columns_.size(); ++i) {  // rowset is 1 here
      RETURN_IF_ERROR(ReadLongColumn(i, &batch->column(columns_[i].schema_index)));
    }
    rows += fetched;
    if (fetched < rowset_ && fetched == 0) break;
  }
  if (done_) SQLCloseCursor(stmt_.get());
  return rows > 0;
}

}  // namespace icesync::db
