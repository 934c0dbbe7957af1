#include "db/pg_parameters.h"

#include <cctype>
#include <cmath>

#include "core/decimal.h"
#include "core/temporal.h"
#include "db/odbc_codec.h"
#include "db/postgres_dialect.h"

namespace icesync::db {
namespace {

template <typename F>
std::string FloatText(F f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", f);  // shortest text that reads back as the same value
}

// End (exclusive) of the literal, identifier or comment starting at sql[i], or i when none
// starts there. Covers '...' ('' inside), E'...' (backslash escapes), "..." identifiers,
// $tag$...$tag$, -- line comments and nested /* */ comments.
size_t SkipQuoted(const std::string& sql, size_t i) {
  const size_t n = sql.size();
  const char c = sql[i];
  if (c == '\'' ) {
    const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                         (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
    for (size_t j = i + 1; j < n; ++j) {
      if (escapes && sql[j] == '\\') { ++j; continue; }
      if (sql[j] == '\'') {
        if (j + 1 < n && sql[j + 1] == '\'') { ++j; continue; }
        return j + 1;
      }
    }
    return n;
  }
  if (c == '"') {
    size_t j = sql.find('"', i + 1);
    while (j != std::string::npos && j + 1 < n && sql[j + 1] == '"') j = sql.find('"', j + 2);
    return j == std::string::npos ? n : j + 1;
  }
  if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
    size_t j = sql.find('\n', i);
    return j == std::string::npos ? n : j + 1;
  }
  if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
    int depth = 0;
    for (size_t j = i; j + 1 < n; ++j) {
      if (sql[j] == '/' && sql[j + 1] == '*') { ++depth; ++j; }
      else if (sql[j] == '*' && sql[j + 1] == '/') {
        ++j;
        if (--depth == 0) return j + 1;
      }
    }
    return n;
  }
  if (c == '$') {  // $tag$ ... $tag$ (tag: letters, digits, underscores; not after an identifier)
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_')) return i;
    size_t j = i + 1;
    while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
    if (j >= n || sql[j] != '$' || (j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) return i;
    const std::string tag = sql.substr(i, j - i + 1);
    size_t end = sql.find(tag, j + 1);
    return end == std::string::npos ? n : end + tag.size();
  }
  return i;
}

}  // namespace

std::string PgParameterText(const Value& v) {
  const DataType& t = v.type();
  switch (t.id()) {
    case TypeId::kBoolean: return v.get<bool>() ? "true" : "false";
    case TypeId::kInt32: return std::to_string(v.get<int32_t>());
    case TypeId::kInt64: return std::to_string(v.get<int64_t>());
    case TypeId::kFloat32: return FloatText(v.get<float>());
    case TypeId::kFloat64: return FloatText(v.get<double>());
    case TypeId::kDecimal: return DecimalToString(v.get<Int128>(), t.scale());
    case TypeId::kDate: return FormatDate(v.get<int32_t>());
    case TypeId::kTime: return FormatTimeMicros(v.get<int64_t>());
    case TypeId::kTimestamp: return TimestampText(v.get<int64_t>(), false);
    case TypeId::kTimestampTz: return TimestampText(v.get<int64_t>(), true);
    case TypeId::kUuid: return UuidToText(v.get<std::string>());
    case TypeId::kBinary: case TypeId::kFixed: {
      static const char* kHex = "0123456789abcdef";
      std::string out = "\\x";
      for (unsigned char b : v.get<std::string>()) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
      }
      return out;
    }
    default: return v.get<std::string>();
  }
}

Result<std::string> BindAsTransactionSettings(PgSession& session, const std::string& sql,
                                              const std::vector<Value>& values) {
  const PostgresDialect dialect;
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < sql.size();) {
    size_t end = SkipQuoted(sql, i);
    if (end > i) {
      out.append(sql, i, end - i);
      i = end;
      continue;
    }
    if (sql[i] != '?') {
      out.push_back(sql[i++]);
      continue;
    }
    ++i;
    if (next >= values.size()) {
      return InvalidArgument("the predicate has more ? placeholders than the {} values bound to it: {}",
                             values.size(), sql);
    }
    const Value& v = values[next++];
    const std::string type = dialect.ColumnType(v.type());
    if (v.is_null()) {
      out += "NULL::" + type;
      continue;
    }
    const std::string name = "icesync.p" + std::to_string(next);
    RETURN_IF_ERROR(session.ExecuteParams("SELECT set_config('" + name + "', $1, true)", {PgParameterText(v)}));
    out += "current_setting('" + name + "')::" + type;
  }
  if (next != values.size()) {
    return InvalidArgument("the predicate has {} ? placeholders but {} values are bound to it: {}", next,
                           values.size(), sql);
  }
  return out;
}

}  // namespace icesync::db
