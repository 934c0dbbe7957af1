// ConvertColumn (data_file_projection.h): file column types → Iceberg schema types.
#include "iceberg/data_file_projection.h"

namespace icesync::iceberg {

namespace {

// Same storage per types.h: only the type label changes.
bool SameStorage(const DataType& from, const DataType& to) {
  if (from == to) return true;
  auto cls = [](const DataType& t) -> int {
    switch (t.id()) {
      case TypeId::kBoolean: return 1;
      case TypeId::kInt32:
      case TypeId::kDate: return 2;
      case TypeId::kInt64:
      case TypeId::kTime:
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: return 3;
      case TypeId::kFloat32: return 4;
      case TypeId::kFloat64: return 5;
      case TypeId::kDecimal: return 6;
      case TypeId::kString:
      case TypeId::kBinary: return 7;
      case TypeId::kUuid:
      case TypeId::kFixed: return 100 + t.length();
      default: return 0;  // nested: only identical types
    }
  };
  const int a = cls(from), b = cls(to);
  if (a == 0 || a != b) return false;
  // decimal(P,S) -> decimal(P',S): promotion keeps the unscaled value.
  if (a == 6) return from.scale() == to.scale() && from.precision() <= to.precision();
  return true;
}

ColumnVector Relabel(ColumnVector&& src, const DataType& target) {
  ColumnVector out(target);
  out.mutable_validity() = std::move(src.mutable_validity());
  out.mutable_data() = std::move(src.mutable_data());
  out.mutable_offsets() = std::move(src.mutable_offsets());
  out.SetSize(src.size());
  return out;
}

template <typename From, typename To>
ColumnVector Widen(const ColumnVector& src, const DataType& target) {
  ColumnVector out(target);
  out.Reserve(src.size());
  for (int64_t i = 0; i < src.size(); ++i) {
    if (src.IsNull(i)) {
      out.AppendNull();
    } else {
      out.Append(static_cast<To>(src.Value<From>(i)));
    }
  }
  return out;
}

}  // namespace

Result<ColumnVector> ConvertColumn(ColumnVector column, const DataType& target) {
  const DataType& from = column.type();
  if (from == target) return column;
  if (SameStorage(from, target)) return Relabel(std::move(column), target);
  if (from.id() == TypeId::kInt32 && target.id() == TypeId::kInt64) return Widen<int32_t, int64_t>(column, target);
  if (from.id() == TypeId::kFloat32 && target.id() == TypeId::kFloat64) return Widen<float, double>(column, target);
  return Unsupported("a data file column of type {} cannot be read as the table's type {}", from.ToString(),
                     target.ToString());
}

}  // namespace icesync::iceberg
