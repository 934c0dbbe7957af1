#include "iceberg/column_fill.h"

namespace icesync::iceberg {

void AppendValueFrom(ColumnVector& dst, const ColumnVector& src, int64_t row) {
  const DataType& type = src.type();
  switch (type.id()) {
    case TypeId::kStruct: {
      const bool present = !src.IsNull(row);
      dst.AppendStructRow(present);
      for (size_t i = 0; i < src.children().size(); ++i) AppendValueFrom(dst.child(i), src.child(i), row);
      return;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      if (src.IsNull(row)) {
        dst.AppendNull();
        return;
      }
      const int64_t begin = src.offsets()[row], end = src.offsets()[row + 1];
      for (size_t c = 0; c < src.children().size(); ++c) {
        for (int64_t e = begin; e < end; ++e) AppendValueFrom(dst.child(c), src.child(c), e);
      }
      dst.AppendNested(end - begin);
      return;
    }
    default:
      break;
  }
  if (src.IsNull(row)) {
    dst.AppendNull();
  } else if (type.is_variable_length() || type.id() == TypeId::kUuid || type.id() == TypeId::kFixed) {
    dst.AppendBytes(src.GetBytes(row));
  } else {
    // Fixed-width storage: copy the value's bytes as they are.
    const int width = type.fixed_width();
    const uint8_t* p = src.data().data() + row * width;
    switch (width) {
      case 1: dst.Append(*p); break;
      case 4: { uint32_t v; std::memcpy(&v, p, 4); dst.Append(v); break; }
      case 8: { uint64_t v; std::memcpy(&v, p, 8); dst.Append(v); break; }
      default: { Int128 v; std::memcpy(&v, p, 16); dst.Append(v); break; }
    }
  }
}

RecordBatch SelectRows(const RecordBatch& batch, const std::vector<uint8_t>& keep) {
  RecordBatch out(batch.schema());
  int64_t kept = 0;
  for (uint8_t k : keep) kept += k != 0;
  out.Reserve(kept);
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const ColumnVector& src = batch.column(c);
    ColumnVector& dst = out.column(c);
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (keep[r]) AppendValueFrom(dst, src, r);
    }
  }
  out.set_num_rows(kept);
  return out;
}

Result<ColumnVector> ConstantColumn(const DataType& type, const Value& value, int64_t rows) {
  ColumnVector col(type);
  if (type.is_nested()) {
    if (!value.is_null()) return Unsupported("constant values of nested type {} are not supported", type.ToString());
  }
  col.Reserve(rows);
  for (int64_t r = 0; r < rows; ++r) {
    if (value.is_null()) {
      if (type.id() == TypeId::kStruct) {
        // A null struct still needs one (null) value in each child to stay aligned.
        col.AppendStructRow(false);
        for (size_t i = 0; i < type.children().size(); ++i) col.child(i).AppendNull();
      } else {
        col.AppendNull();
      }
      continue;
    }
    const Value::Storage& v = value.storage();
    switch (type.id()) {
      case TypeId::kBoolean: col.Append<uint8_t>(std::get<bool>(v) ? 1 : 0); break;
      case TypeId::kInt32:
      case TypeId::kDate: col.Append(std::get<int32_t>(v)); break;
      case TypeId::kInt64:
      case TypeId::kTime:
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: col.Append(std::get<int64_t>(v)); break;
      case TypeId::kFloat32: col.Append(std::get<float>(v)); break;
      case TypeId::kFloat64: col.Append(std::get<double>(v)); break;
      case TypeId::kDecimal: col.Append(std::get<Int128>(v)); break;
      default: {
        const std::string& bytes = std::get<std::string>(v);
        if ((type.id() == TypeId::kUuid || type.id() == TypeId::kFixed) &&
            static_cast<int>(bytes.size()) != type.length()) {
          return InvalidArgument("constant of {} has {} bytes", type.ToString(), bytes.size());
        }
        col.AppendBytes(bytes);
      }
    }
  }
  return col;
}

}  // namespace icesync::iceberg
