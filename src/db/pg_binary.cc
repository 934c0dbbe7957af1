#include "db/pg_binary.h"

#include <algorithm>

namespace icesync::db::pgbinary {
namespace {

// 10^0 .. 10^38, computed once (numeric conversion runs per value).
struct Powers {
  Int128 p[39];
  Powers() {
    p[0] = 1;
    for (int i = 1; i <= 38; ++i) p[i] = p[i - 1] * 10;
  }
};
const Powers kPowers;

Int128 Pow10(int n) { return kPowers.p[n]; }

}  // namespace

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
  if (type_name == "character varying" || type_name == "character" || type_name == "text" || type_name == "name") {
    return Wire::kString;
  }
  if (type_name == "bytea") return Wire::kBytea;
  if (type_name == "uuid") return Wire::kUuid;
  return Wire::kText;  // json, jsonb (binary: a version byte first), xml, citext, ...
}

Wire WireFor(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return Wire::kBool;
    case TypeId::kInt32: return Wire::kInt4;
    case TypeId::kInt64: return Wire::kInt8;
    case TypeId::kFloat32: return Wire::kFloat4;
    case TypeId::kFloat64: return Wire::kFloat8;
    case TypeId::kDecimal: return Wire::kNumeric;
    case TypeId::kDate: return Wire::kDate;
    case TypeId::kTime: return Wire::kTime;
    case TypeId::kTimestamp: case TypeId::kTimestampTz: return Wire::kTimestamp;
    case TypeId::kString: return Wire::kString;
    case TypeId::kBinary: case TypeId::kFixed: return Wire::kBytea;
    case TypeId::kUuid: return Wire::kUuid;
    default: return Wire::kText;
  }
}

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

Result<Int128> NumericToUnscaled(const char* p, int32_t len, int precision, int scale) {
  if (len < 8) return Corrupt("it arrived as a numeric of {} bytes", len);
  const int ndigits = static_cast<int16_t>(Be16(p));
  const int weight = static_cast<int16_t>(Be16(p + 2));
  const uint16_t sign = Be16(p + 4);
  if (ndigits < 0 || len != 8 + 2 * ndigits) return Corrupt("it arrived as a numeric of {} bytes with {} digits", len, ndigits);
  if (sign != 0 && sign != kNumericNegative) {
    return Unsupported("it holds NaN or Infinity, which an Iceberg decimal cannot hold; filter those rows out "
                       "(--where) or cast the column in a view");
  }
  const Int128 max = Pow10(std::clamp(precision, 1, 38)) - 1;
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
      // Only the last group may reach past the scale, and then only with zeros there.
      const int64_t div = shift >= -4 ? static_cast<int64_t>(Pow10(-shift)) : 0;
      if (div == 0 || digit % div != 0) return Unsupported("its value has more than {} fraction digits", scale);
      unscaled += digit / div;
    }
    if (unscaled > max) return Unsupported("its value exceeds precision {}", precision);
  }
  return sign == kNumericNegative ? -unscaled : unscaled;
}

void AppendNumeric(Int128 v, int scale, std::string* out) {
  const bool negative = v < 0;
  // |v| < 10^38 < 2^127, so the magnitude fits; split at the decimal point.
  const Int128 magnitude = negative ? -v : v;
  const Int128 unit = Pow10(scale);
  Int128 integer = magnitude / unit;
  const Int128 fraction = magnitude % unit;
  int16_t groups[24];
  int n = 0;
  int16_t int_groups[12];
  int ni = 0;
  while (integer > 0) {
    int_groups[ni++] = static_cast<int16_t>(integer % 10000);
    integer /= 10000;
  }
  for (int i = ni - 1; i >= 0; --i) groups[n++] = int_groups[i];
  // Fraction groups: the first four digits after the point, the next four, ...; the last
  // group is padded with zeros on the right.
  for (int g = 0; 4 * g < scale; ++g) {
    const int end = 4 * (g + 1);  // digits after the point this group reaches to
    int64_t group;
    if (end <= scale) {
      group = static_cast<int64_t>(fraction / Pow10(scale - end) % 10000);
    } else {
      group = static_cast<int64_t>(fraction % Pow10(scale - 4 * g) * Pow10(end - scale));
    }
    groups[n++] = static_cast<int16_t>(group);
  }
  int weight = ni - 1;
  int first = 0;
  while (first < n && groups[first] == 0) {
    ++first;
    --weight;
  }
  int last = n;
  while (last > first && groups[last - 1] == 0) --last;
  const int ndigits = last - first;
  if (ndigits == 0) weight = 0;
  PutBe32(static_cast<uint32_t>(8 + 2 * ndigits), out);
  PutBe16(static_cast<uint16_t>(ndigits), out);
  PutBe16(static_cast<uint16_t>(static_cast<int16_t>(weight)), out);
  PutBe16(negative && ndigits > 0 ? kNumericNegative : 0, out);
  PutBe16(static_cast<uint16_t>(scale), out);
  for (int i = first; i < last; ++i) PutBe16(static_cast<uint16_t>(groups[i]), out);
}

}  // namespace icesync::db::pgbinary
