#include "parquet/canonical_rows.h"

#include <cstring>

#include "core/canonical_json.h"
#include "core/temporal.h"

namespace icesync::parquet {

std::string FormatInt96(const uint8_t* b) {
  int64_t nanos;
  int32_t day;
  std::memcpy(&nanos, b, 8);
  std::memcpy(&day, b + 8, 4);
  int64_t sub = nanos % 1000;
  uint64_t micros = (static_cast<uint64_t>(static_cast<int64_t>(day) - 2440588) * 86400000000ull) +
                    static_cast<uint64_t>(nanos / 1000);
  if (sub < 0) {
    sub += 1000;
    micros -= 1;
  }
  std::string s = FormatTimestampMicros(static_cast<int64_t>(micros), false);
  char digits[4];
  std::snprintf(digits, sizeof digits, "%03d", static_cast<int>(sub));
  return s + digits;
}

namespace {

void Quoted(std::string& out, const std::string& s) {
  out.push_back('"');
  out += s;
  out.push_back('"');
}

// The values whose Parquet storage is not their exact core type; the rest is core's.
CanonicalValueHook ParquetFormats(const FileSchema& schema) {
  return [&schema](std::string& out, const Field& field, const ColumnVector& c, int64_t i) {
    switch (schema.FormatOf(field.id)) {
      case ValueFormat::kInt96:
        Quoted(out, FormatInt96(reinterpret_cast<const uint8_t*>(c.GetBytes(i).data())));
        return true;
      case ValueFormat::kTimestampNanos: Quoted(out, FormatTimestampNanos(c.Value<int64_t>(i), false)); return true;
      case ValueFormat::kTimestampNanosUtc: Quoted(out, FormatTimestampNanos(c.Value<int64_t>(i), true)); return true;
      case ValueFormat::kTimeNanos: Quoted(out, FormatTimeNanos(c.Value<int64_t>(i))); return true;
      case ValueFormat::kUnsigned32: out += std::to_string(c.Value<int64_t>(i)); return true;
      case ValueFormat::kUnsigned64:
        Quoted(out, std::to_string(static_cast<uint64_t>(c.Value<int64_t>(i))));
        return true;
      case ValueFormat::kDefault: return false;
    }
    return false;
  };
}

}  // namespace

void AppendParquetValue(std::string& out, const Field& field, const ColumnVector& c, int64_t i,
                        const FileSchema& schema) {
  AppendCanonicalValue(out, field, c, i, ParquetFormats(schema));
}

std::string ParquetCanonicalRow(const RecordBatch& batch, int64_t row, const FileSchema& schema) {
  return CanonicalRow(batch, row, ParquetFormats(schema));
}

}  // namespace icesync::parquet
