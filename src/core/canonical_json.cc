#include "core/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "core/decimal.h"
#include "core/temporal.h"

namespace icesync {

void AppendJsonString(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendJsonDouble(std::string& out, double v) {
  if (std::isnan(v)) { out += "\"NaN\""; return; }
  if (std::isinf(v)) { out += v > 0 ? "\"Infinity\"" : "\"-Infinity\""; return; }
  if (v == 0) { out += std::signbit(v) ? "-0" : "0"; return; }
  // Shortest round-trip digits d1..dk and decimal exponent n with v = 0.d1..dk * 10^n.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) if (c != '.') digits.push_back(c);
  int exp10 = std::stoi(std::string(sci.substr(e + 1)));
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (neg) out.push_back('-');
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n);
    out.push_back('.');
    out += digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
}

void AppendHex(std::string& out, std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
}

void AppendUuid(std::string& out, std::string_view b) {
  out.push_back('"');
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    AppendHex(out, b.substr(i, 1));
  }
  out.push_back('"');
}

namespace {
void AppendQuoted(std::string& out, const std::string& s) {
  out.push_back('"');
  out += s;
  out.push_back('"');
}

// Field indexes of a struct in byte order of their names.
std::vector<size_t> SortedOrder(const std::vector<Field>& fields) {
  std::vector<size_t> order(fields.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return fields[a].name < fields[b].name; });
  return order;
}
}  // namespace

namespace {

// `field` is null at the top of AppendCanonicalValue(out, column, row), which knows no field.
void AppendValue(std::string& out, const Field* field, const ColumnVector& c, int64_t i,
                 const CanonicalValueHook* hook) {
  if (c.IsNull(i)) { out += "null"; return; }
  if (hook && field && (*hook)(out, *field, c, i)) return;
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kBoolean: out += c.Value<uint8_t>(i) ? "true" : "false"; break;
    case TypeId::kInt32: out += std::to_string(c.Value<int32_t>(i)); break;
    case TypeId::kInt64: AppendQuoted(out, std::to_string(c.Value<int64_t>(i))); break;
    case TypeId::kFloat32: AppendJsonDouble(out, static_cast<double>(c.Value<float>(i))); break;
    case TypeId::kFloat64: AppendJsonDouble(out, c.Value<double>(i)); break;
    case TypeId::kDecimal: AppendQuoted(out, DecimalToString(c.Value<Int128>(i), t.scale())); break;
    case TypeId::kDate: AppendQuoted(out, FormatDate(c.Value<int32_t>(i))); break;
    case TypeId::kTime: AppendQuoted(out, FormatTimeMicros(c.Value<int64_t>(i))); break;
    case TypeId::kTimestamp: AppendQuoted(out, FormatTimestampMicros(c.Value<int64_t>(i), false)); break;
    case TypeId::kTimestampTz: AppendQuoted(out, FormatTimestampMicros(c.Value<int64_t>(i), true)); break;
    case TypeId::kString: AppendJsonString(out, c.GetBytes(i)); break;
    case TypeId::kUuid: AppendUuid(out, c.GetBytes(i)); break;
    case TypeId::kFixed:
    case TypeId::kBinary:
      out.push_back('"');
      AppendHex(out, c.GetBytes(i));
      out.push_back('"');
      break;
    case TypeId::kStruct: {
      out.push_back('{');
      bool first = true;
      for (size_t f : SortedOrder(t.children())) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, t.children()[f].name);
        out.push_back(':');
        AppendValue(out, &t.children()[f], c.child(f), i, hook);
      }
      out.push_back('}');
      break;
    }
    case TypeId::kList: {
      out.push_back('[');
      for (int64_t j = c.offsets()[i]; j < c.offsets()[i + 1]; ++j) {
        if (j > c.offsets()[i]) out.push_back(',');
        AppendValue(out, &t.children()[0], c.child(0), j, hook);
      }
      out.push_back(']');
      break;
    }
    case TypeId::kMap: {
      out.push_back('[');
      for (int64_t j = c.offsets()[i]; j < c.offsets()[i + 1]; ++j) {
        if (j > c.offsets()[i]) out.push_back(',');
        out += "{\"key\":";
        AppendValue(out, &t.children()[0], c.child(0), j, hook);
        out += ",\"value\":";
        AppendValue(out, &t.children()[1], c.child(1), j, hook);
        out.push_back('}');
      }
      out.push_back(']');
      break;
    }
  }
}

std::string Row(const RecordBatch& batch, int64_t row, const CanonicalValueHook* hook) {
  std::string out = "{";
  const auto& fields = batch.schema()->fields();
  bool first = true;
  for (size_t f : SortedOrder(fields)) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, fields[f].name);
    out.push_back(':');
    AppendValue(out, &fields[f], batch.column(f), row, hook);
  }
  out.push_back('}');
  return out;
}

}  // namespace

void AppendCanonicalValue(std::string& out, const ColumnVector& c, int64_t i) { AppendValue(out, nullptr, c, i, nullptr); }

void AppendCanonicalValue(std::string& out, const Field& field, const ColumnVector& c, int64_t i,
                          const CanonicalValueHook& hook) {
  AppendValue(out, &field, c, i, &hook);
}

std::string CanonicalRow(const RecordBatch& batch, int64_t row) { return Row(batch, row, nullptr); }

std::string CanonicalRow(const RecordBatch& batch, int64_t row, const CanonicalValueHook& hook) {
  return Row(batch, row, &hook);
}

}  // namespace icesync
