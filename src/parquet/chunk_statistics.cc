#include "parquet/chunk_statistics.h"

#include <cmath>

#include "parquet/record_assembler.h"

namespace icesync::parquet {

Value ValueAt(const ColumnVector& c, int64_t i) {
  const DataType& t = c.type();
  if (c.IsNull(i)) return Value::Null(t);
  switch (t.id()) {
    case TypeId::kBoolean: return Value(t, c.Value<uint8_t>(i) != 0);
    case TypeId::kInt32:
    case TypeId::kDate: return Value(t, c.Value<int32_t>(i));
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value(t, c.Value<int64_t>(i));
    case TypeId::kFloat32: return Value(t, c.Value<float>(i));
    case TypeId::kFloat64: return Value(t, c.Value<double>(i));
    case TypeId::kDecimal: return Value(t, c.Value<Int128>(i));
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: return Value(t, std::string(c.GetBytes(i)));
    default: return Value::Null(t);
  }
}

namespace {

bool LegacyOrderIsValid(const LeafColumn& leaf) {
  switch (leaf.physical) {
    case Type::BOOLEAN:
    case Type::INT32:
    case Type::INT64:
    case Type::FLOAT:
    case Type::DOUBLE: return true;
    default: return false;
  }
}

// Decodes a statistics value (PLAIN bytes without a length prefix) into the leaf's type.
Value DecodeBound(const LeafColumn& leaf, const std::string& bytes, bool is_min) {
  DecodedValues raw(leaf.layout.width);
  if (leaf.layout.width == 0) {
    raw.AppendBytes(bytes);
  } else if (leaf.layout.boolean) {
    if (bytes.size() != 1) return Value();
    uint8_t b = bytes[0] ? 1 : 0;
    raw.AppendFixed(&b);
  } else {
    if (bytes.size() != static_cast<size_t>(leaf.layout.width)) return Value();
    raw.AppendFixed(bytes.data());
  }
  ColumnVector cv(leaf.type);
  if (!AppendConverted(leaf, raw, 0, &cv).ok()) return Value();
  Value v = ValueAt(cv, 0);
  if (leaf.type.id() == TypeId::kFloat32) {
    float f = v.get<float>();
    if (std::isnan(f)) return Value();
    if (f == 0) return Value(leaf.type, is_min ? -0.0f : 0.0f);
  } else if (leaf.type.id() == TypeId::kFloat64) {
    double d = v.get<double>();
    if (std::isnan(d)) return Value();
    if (d == 0) return Value(leaf.type, is_min ? -0.0 : 0.0);
  }
  return v;
}

}  // namespace

ChunkBounds BoundsOf(const LeafColumn& leaf, const ColumnMetaData& meta, bool column_order_known) {
  ChunkBounds b;
  b.value_count = meta.num_values;
  if (!meta.statistics.has_value()) return b;
  const Statistics& s = *meta.statistics;
  if (s.null_count.has_value() && *s.null_count >= 0) b.null_count = *s.null_count;
  if (leaf.format != ValueFormat::kDefault) return b;
  const std::string* lo = nullptr;
  const std::string* hi = nullptr;
  if (column_order_known && s.min_value.has_value() && s.max_value.has_value()) {
    lo = &*s.min_value;
    hi = &*s.max_value;
  } else if (LegacyOrderIsValid(leaf) && s.min.has_value() && s.max.has_value()) {
    lo = &*s.min;
    hi = &*s.max;
  }
  if (lo == nullptr) return b;
  Value lower = DecodeBound(leaf, *lo, true);
  Value upper = DecodeBound(leaf, *hi, false);
  // One unusable bound (NaN) makes the pair unusable: keep neither.
  if (lower.is_null() || upper.is_null()) return b;
  b.lower = std::move(lower);
  b.upper = std::move(upper);
  return b;
}

}  // namespace icesync::parquet
