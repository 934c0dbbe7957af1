#include "db/odbc_codec.h"

#include <cstdlib>
#include <cstring>

#include "core/decimal.h"
#include "core/temporal.h"

namespace icesync::db {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Cuts fraction digits beyond microseconds from an ISO time/timestamp text, or fails when
// the policy says so and they are not all zero.
Result<std::string_view> LimitFraction(const OdbcCodec& codec, std::string_view text, std::string* scratch) {
  size_t colon = text.rfind(':');
  size_t dot = text.find('.', colon == std::string_view::npos ? 0 : colon);
  if (dot == std::string_view::npos) return text;
  size_t end = dot + 1;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end - dot - 1 <= 6) return text;
  std::string_view extra = text.substr(dot + 7, end - dot - 7);
  if (extra.find_first_not_of('0') != std::string_view::npos && codec.sub_micros == SubMicrosecondPolicy::kFail) {
    return Unsupported(
        "column {} holds '{}', finer than the microseconds Iceberg stores; allow truncation "
        "(the default) or round the column in a view",
        codec.column, std::string(text));
  }
  scratch->assign(text.substr(0, dot + 7));
  scratch->append(text.substr(end));
  return std::string_view(*scratch);
}

Result<int64_t> SubMicros(const OdbcCodec& codec, SQLUINTEGER fraction_ns, const SQL_TIMESTAMP_STRUCT& ts) {
  if (fraction_ns % 1000 != 0 && codec.sub_micros == SubMicrosecondPolicy::kFail) {
    return Unsupported(
        "column {} holds {:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09}, finer than the microseconds Iceberg "
        "stores; allow truncation (the default) or round the column in a view",
        codec.column, ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, fraction_ns);
  }
  return static_cast<int64_t>(fraction_ns / 1000);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimText(const uint8_t* buf, SQLLEN ind) {
  std::string_view s(reinterpret_cast<const char*>(buf), static_cast<size_t>(ind));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// SQLite stores a DECIMAL column's value as REAL when that is lossless and prints large or
// small ones in exponent form ("1.0e+20"); rewrites such text as plain digits.
bool ExpandExponent(std::string_view s, std::string* out) {
  size_t e = s.find_first_of("eE");
  if (e == std::string_view::npos) return false;
  std::string_view mantissa = s.substr(0, e);
  long exp = std::strtol(std::string(s.substr(e + 1)).c_str(), nullptr, 10);
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (!mantissa.empty() && (mantissa[0] == '-' || mantissa[0] == '+')) mantissa.remove_prefix(1);
  std::string digits;
  long point = -1;
  for (char c : mantissa) {
    if (c == '.') point = static_cast<long>(digits.size());
    else digits.push_back(c);
  }
  if (point < 0) point = static_cast<long>(digits.size());
  point += exp;
  if (exp > 400 || exp < -400) return false;
  while (point < 1) {
    digits.insert(digits.begin(), '0');
    ++point;
  }
  while (static_cast<long>(digits.size()) < point) digits.push_back('0');
  out->clear();
  if (negative) out->push_back('-');
  out->append(digits.substr(0, static_cast<size_t>(point)));
  if (static_cast<size_t>(point) < digits.size()) {
    out->push_back('.');
    out->append(digits.substr(static_cast<size_t>(point)));
  }
  return true;
}

}  // namespace

OdbcCodec MakeCodec(const DataType& type, const CodecOptions& options, const std::string& column) {
  OdbcCodec c;
  const bool temporal_as_text = options.temporal_as_text;
  c.type = type;
  c.column = column;
  c.sub_micros = options.sub_micros;
  c.text_temporal = temporal_as_text;
  switch (type.id()) {
    case TypeId::kBoolean: c.c_type = SQL_C_BIT; c.sql_type = SQL_BIT; c.column_size = 1; c.fixed_width = 1; break;
    case TypeId::kInt32: c.c_type = SQL_C_SLONG; c.sql_type = SQL_INTEGER; c.column_size = 10; c.fixed_width = 4; break;
    case TypeId::kInt64: c.c_type = SQL_C_SBIGINT; c.sql_type = SQL_BIGINT; c.column_size = 19; c.fixed_width = 8; break;
    case TypeId::kFloat32: c.c_type = SQL_C_FLOAT; c.sql_type = SQL_REAL; c.column_size = 7; c.fixed_width = 4; break;
    case TypeId::kFloat64: c.c_type = SQL_C_DOUBLE; c.sql_type = SQL_DOUBLE; c.column_size = 15; c.fixed_width = 8; break;
    case TypeId::kDecimal:
      c.c_type = SQL_C_CHAR;
      c.sql_type = SQL_DECIMAL;
      c.column_size = static_cast<SQLULEN>(type.precision());
      c.decimal_digits = static_cast<SQLSMALLINT>(type.scale());
      c.fixed_width = 48;  // sign, 38 digits, point, exponent slack from SQLite reals, NUL
      break;
    case TypeId::kDate:
      c.sql_type = temporal_as_text ? SQL_VARCHAR : SQL_TYPE_DATE;
      c.c_type = temporal_as_text ? SQL_C_CHAR : SQL_C_TYPE_DATE;
      c.column_size = 10;
      c.fixed_width = temporal_as_text ? 32 : sizeof(SQL_DATE_STRUCT);
      break;
    case TypeId::kTime:
      c.c_type = SQL_C_CHAR;
      c.sql_type = temporal_as_text ? SQL_VARCHAR : SQL_TYPE_TIME;
      c.column_size = 15;
      c.decimal_digits = 6;
      c.fixed_width = 32;
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      c.sql_type = temporal_as_text ? SQL_VARCHAR : SQL_TYPE_TIMESTAMP;
      c.c_type = temporal_as_text ? SQL_C_CHAR : SQL_C_TYPE_TIMESTAMP;
      c.column_size = temporal_as_text ? 40 : 26;
      c.decimal_digits = temporal_as_text ? 0 : 6;
      c.fixed_width = temporal_as_text ? 48 : sizeof(SQL_TIMESTAMP_STRUCT);
      break;
    case TypeId::kUuid: c.c_type = SQL_C_CHAR; c.sql_type = SQL_VARCHAR; c.column_size = 36; c.fixed_width = 40; break;
    case TypeId::kFixed:
      c.c_type = SQL_C_BINARY;
      c.sql_type = SQL_BINARY;
      c.column_size = static_cast<SQLULEN>(type.length());
      c.fixed_width = type.length();
      break;
    case TypeId::kBinary: c.c_type = SQL_C_BINARY; c.sql_type = SQL_LONGVARBINARY; break;
    default: c.c_type = SQL_C_CHAR; c.sql_type = SQL_LONGVARCHAR; break;  // strings
  }
  if (options.floats_as_text && (type.id() == TypeId::kFloat32 || type.id() == TypeId::kFloat64)) {
    c.text_float = true;
    c.c_type = SQL_C_CHAR;
    c.fixed_width = 40;
  }
  return c;
}

Status DecodeValue(const OdbcCodec& c, const uint8_t* buf, SQLLEN ind, ColumnVector* out) {
  if (ind == SQL_NULL_DATA) {
    out->AppendNull();
    return Status::OK();
  }
  if (c.text_float) {
    std::string text(TrimText(buf, ind));
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str()) return Corrupt("column {}: '{}' is not a number", c.column, text);
    if (c.type.id() == TypeId::kFloat32) out->Append<float>(static_cast<float>(d));
    else out->Append<double>(d);
    return Status::OK();
  }
  switch (c.type.id()) {
    case TypeId::kBoolean: out->Append<uint8_t>(buf[0] != 0 ? 1 : 0); return Status::OK();
    case TypeId::kInt32: case TypeId::kFloat32: {
      uint32_t v;
      std::memcpy(&v, buf, 4);
      out->Append(v);
      return Status::OK();
    }
    case TypeId::kInt64: case TypeId::kFloat64: {
      uint64_t v;
      std::memcpy(&v, buf, 8);
      out->Append(v);
      return Status::OK();
    }
    case TypeId::kDecimal: {
      std::string_view s = TrimText(buf, ind);
      std::string fixed, expanded;
      if (ExpandExponent(s, &expanded)) s = expanded;
      // Drivers print "-.5" / ".5" (FreeTDS) where the parser wants a leading digit.
      if (!s.empty() && (s[0] == '.' || (s.size() > 1 && s[0] == '-' && s[1] == '.'))) {
        bool negative = s[0] == '-';
        fixed.assign(negative ? "-0" : "0");
        fixed.append(s.substr(negative ? 1 : 0));
        s = fixed;
      }
      auto v = ParseDecimal(s, c.type.precision(), c.type.scale());
      if (!v.ok()) return v.status().WithContext("column " + c.column);
      out->Append<Int128>(*v);
      return Status::OK();
    }
    case TypeId::kDate: {
      if (c.text_temporal) {
        auto d = ParseDate(TrimText(buf, ind));
        if (!d.ok()) return d.status().WithContext("column " + c.column);
        out->Append<int32_t>(*d);
        return Status::OK();
      }
      SQL_DATE_STRUCT d;
      std::memcpy(&d, buf, sizeof(d));
      out->Append<int32_t>(static_cast<int32_t>(DaysFromCivil(d.year, d.month, d.day)));
      return Status::OK();
    }
    case TypeId::kTime: {
      std::string scratch;
      ASSIGN_OR_RETURN(std::string_view text, LimitFraction(c, TrimText(buf, ind), &scratch));
      auto t = ParseTimeMicros(text);
      if (!t.ok()) return t.status().WithContext("column " + c.column);
      out->Append<int64_t>(*t);
      return Status::OK();
    }
    case TypeId::kTimestamp: case TypeId::kTimestampTz: {
      if (c.text_temporal) {
        std::string scratch;
        ASSIGN_OR_RETURN(std::string_view text, LimitFraction(c, TrimText(buf, ind), &scratch));
        auto t = ParseTimestampMicros(text);
        if (!t.ok()) return t.status().WithContext("column " + c.column);
        out->Append<int64_t>(*t);
        return Status::OK();
      }
      SQL_TIMESTAMP_STRUCT ts;
      std::memcpy(&ts, buf, sizeof(ts));
      ASSIGN_OR_RETURN(int64_t micros, SubMicros(c, ts.fraction, ts));
      int64_t days = DaysFromCivil(ts.year, ts.month, ts.day);
      out->Append<int64_t>(days * kMicrosPerDay + ((ts.hour * 60LL + ts.minute) * 60 + ts.second) * 1'000'000 + micros);
      return Status::OK();
    }
    case TypeId::kUuid: {
      auto bytes = UuidFromText(TrimText(buf, ind));
      if (!bytes.ok()) return bytes.status().WithContext("column " + c.column);
      out->AppendBytes(*bytes);
      return Status::OK();
    }
    case TypeId::kFixed:
      if (ind != c.type.length()) {
        return Corrupt("column {}: the driver returned {} bytes for fixed[{}]", c.column, ind, c.type.length());
      }
      out->AppendBytes(std::string_view(reinterpret_cast<const char*>(buf), static_cast<size_t>(ind)));
      return Status::OK();
    default:
      out->AppendBytes(std::string_view(reinterpret_cast<const char*>(buf), static_cast<size_t>(ind)));
      return Status::OK();
  }
}

SQLLEN EncodedSize(const OdbcCodec& c, const ColumnVector& col, int64_t row) {
  if (c.fixed_width > 0) return c.fixed_width;
  return static_cast<SQLLEN>(col.GetBytes(row).size()) + (c.c_type == SQL_C_CHAR ? 1 : 0);
}

void EncodeValue(const OdbcCodec& c, const ColumnVector& col, int64_t row, uint8_t* buf, SQLLEN* ind) {
  if (col.IsNull(row)) {
    *ind = SQL_NULL_DATA;
    return;
  }
  auto put_text = [&](const std::string& s) {
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = 0;
    *ind = static_cast<SQLLEN>(s.size());
  };
  if (c.text_float) {  // shortest text that reads back as the same value
    return put_text(c.type.id() == TypeId::kFloat32 ? fmt::format("{}", col.Value<float>(row))
                                                    : fmt::format("{}", col.Value<double>(row)));
  }
  switch (c.type.id()) {
    case TypeId::kBoolean: buf[0] = col.Value<uint8_t>(row) ? 1 : 0; *ind = 1; return;
    case TypeId::kInt32: case TypeId::kFloat32: std::memcpy(buf, col.data().data() + row * 4, 4); *ind = 4; return;
    case TypeId::kInt64: case TypeId::kFloat64: std::memcpy(buf, col.data().data() + row * 8, 8); *ind = 8; return;
    case TypeId::kDecimal: put_text(DecimalToString(col.Value<Int128>(row), c.type.scale())); return;
    case TypeId::kDate: {
      int32_t days = col.Value<int32_t>(row);
      if (c.text_temporal) return put_text(FormatDate(days));
      CivilDate cd = CivilFromDays(days);
      SQL_DATE_STRUCT d{static_cast<SQLSMALLINT>(cd.year), static_cast<SQLUSMALLINT>(cd.month),
                        static_cast<SQLUSMALLINT>(cd.day)};
      std::memcpy(buf, &d, sizeof(d));
      *ind = sizeof(d);
      return;
    }
    case TypeId::kTime: put_text(FormatTimeMicros(col.Value<int64_t>(row))); return;
    case TypeId::kTimestamp: case TypeId::kTimestampTz: {
      int64_t micros = col.Value<int64_t>(row);
      if (c.text_temporal) return put_text(TimestampText(micros, c.type.id() == TypeId::kTimestampTz));
      int64_t days = FloorDiv(micros, kMicrosPerDay);
      int64_t tod = micros - days * kMicrosPerDay;
      CivilDate cd = CivilFromDays(days);
      SQL_TIMESTAMP_STRUCT ts{};
      ts.year = static_cast<SQLSMALLINT>(cd.year);
      ts.month = static_cast<SQLUSMALLINT>(cd.month);
      ts.day = static_cast<SQLUSMALLINT>(cd.day);
      ts.hour = static_cast<SQLUSMALLINT>(tod / 3'600'000'000LL);
      ts.minute = static_cast<SQLUSMALLINT>(tod / 60'000'000 % 60);
      ts.second = static_cast<SQLUSMALLINT>(tod / 1'000'000 % 60);
      ts.fraction = static_cast<SQLUINTEGER>(tod % 1'000'000 * 1000);
      std::memcpy(buf, &ts, sizeof(ts));
      *ind = sizeof(ts);
      return;
    }
    case TypeId::kUuid: put_text(UuidToText(col.GetBytes(row))); return;
    default: {
      std::string_view b = col.GetBytes(row);
      std::memcpy(buf, b.data(), b.size());
      if (c.c_type == SQL_C_CHAR) buf[b.size()] = 0;
      *ind = static_cast<SQLLEN>(b.size());
      return;
    }
  }
}

std::string UuidToText(std::string_view b) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto u = static_cast<uint8_t>(b[i]);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  return out;
}

Result<std::string> UuidFromText(std::string_view text) {
  std::string out;
  int hi = -1;
  for (char ch : text) {
    if (ch == '-' || ch == '{' || ch == '}') continue;
    int d = HexDigit(ch);
    if (d < 0) return Corrupt("'{}' is not a uuid", std::string(text));
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(static_cast<char>(hi << 4 | d));
      hi = -1;
    }
  }
  if (out.size() != 16 || hi >= 0) return Corrupt("'{}' is not a uuid", std::string(text));
  return out;
}

std::string TimestampText(int64_t micros, bool utc) {
  std::string s = FormatTimestampMicros(micros, /*utc=*/false);
  size_t t = s.find('T');
  if (t != std::string::npos) s[t] = ' ';
  return utc ? s + "+00:00" : s;
}

ColumnVector ColumnOf(const Value& v) {
  ColumnVector col(v.type());
  if (v.is_null()) {
    col.AppendNull();
    return col;
  }
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          col.AppendNull();
        } else if constexpr (std::is_same_v<T, std::string>) {
          col.AppendBytes(x);
        } else if constexpr (std::is_same_v<T, bool>) {
          col.Append<uint8_t>(x ? 1 : 0);
        } else {
          col.Append<T>(x);
        }
      },
      v.storage());
  return col;
}

}  // namespace icesync::db
