#include "parquet/canonical_rows.h"

#include <algorithm>
#include <cstring>
#include <numeric>

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

std::vector<size_t> SortedByName(const std::vector<Field>& fields) {
  std::vector<size_t> order(fields.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return fields[a].name < fields[b].name; });
  return order;
}

}  // namespace

void AppendParquetValue(std::string& out, const Field& field, const ColumnVector& c, int64_t i,
                        const FileSchema& schema) {
  if (c.IsNull(i)) {
    out += "null";
    return;
  }
  const DataType& t = c.type();
  switch (schema.FormatOf(field.id)) {
    case ValueFormat::kInt96:
      Quoted(out, FormatInt96(reinterpret_cast<const uint8_t*>(c.GetBytes(i).data())));
      return;
    case ValueFormat::kTimestampNanos: Quoted(out, FormatTimestampNanos(c.Value<int64_t>(i), false)); return;
    case ValueFormat::kTimestampNanosUtc: Quoted(out, FormatTimestampNanos(c.Value<int64_t>(i), true)); return;
    case ValueFormat::kTimeNanos: Quoted(out, FormatTimeNanos(c.Value<int64_t>(i))); return;
    case ValueFormat::kUnsigned32: out += std::to_string(c.Value<int64_t>(i)); return;
    case ValueFormat::kUnsigned64: Quoted(out, std::to_string(static_cast<uint64_t>(c.Value<int64_t>(i)))); return;
    case ValueFormat::kDefault: break;
  }
  switch (t.id()) {
    case TypeId::kStruct: {
      out.push_back('{');
      bool first = true;
      for (size_t f : SortedByName(t.children())) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, t.children()[f].name);
        out.push_back(':');
        AppendParquetValue(out, t.children()[f], c.child(f), i, schema);
      }
      out.push_back('}');
      return;
    }
    case TypeId::kList:
      out.push_back('[');
      for (int64_t j = c.offsets()[i]; j < c.offsets()[i + 1]; ++j) {
        if (j > c.offsets()[i]) out.push_back(',');
        AppendParquetValue(out, t.children()[0], c.child(0), j, schema);
      }
      out.push_back(']');
      return;
    case TypeId::kMap:
      out.push_back('[');
      for (int64_t j = c.offsets()[i]; j < c.offsets()[i + 1]; ++j) {
        if (j > c.offsets()[i]) out.push_back(',');
        out += "{\"key\":";
        AppendParquetValue(out, t.children()[0], c.child(0), j, schema);
        out += ",\"value\":";
        AppendParquetValue(out, t.children()[1], c.child(1), j, schema);
        out.push_back('}');
      }
      out.push_back(']');
      return;
    default:
      AppendCanonicalValue(out, c, i);
  }
}

std::string ParquetCanonicalRow(const RecordBatch& batch, int64_t row, const FileSchema& schema) {
  std::string out = "{";
  const auto& fields = batch.schema()->fields();
  bool first = true;
  for (size_t f : SortedByName(fields)) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, fields[f].name);
    out.push_back(':');
    AppendParquetValue(out, fields[f], batch.column(f), row, schema);
  }
  out.push_back('}');
  return out;
}

}  // namespace icesync::parquet
