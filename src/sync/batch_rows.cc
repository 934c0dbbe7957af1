#include "sync/batch_rows.h"

namespace icesync::sync {

namespace {

// Appends the child ranges of list/map value `row` and returns how many children it has.
int64_t AppendChildRange(ColumnVector& dst, const ColumnVector& src, int64_t row) {
  const int64_t begin = src.offsets()[row];
  const int64_t end = src.offsets()[row + 1];
  std::vector<int64_t> child_rows(end - begin);
  for (int64_t i = begin; i < end; ++i) child_rows[i - begin] = i;
  for (size_t c = 0; c < src.children().size(); ++c) AppendRows(dst.child(c), src.child(c), child_rows);
  return end - begin;
}

}  // namespace

void AppendRows(ColumnVector& dst, const ColumnVector& src, std::span<const int64_t> rows) {
  const DataType& type = src.type();
  switch (type.id()) {
    case TypeId::kStruct:
      for (int64_t r : rows) {
        const bool present = !src.IsNull(r);
        dst.AppendStructRow(present);
        for (size_t c = 0; c < src.children().size(); ++c) {
          const int64_t one[] = {r};
          AppendRows(dst.child(c), src.child(c), one);
        }
      }
      return;
    case TypeId::kList:
    case TypeId::kMap:
      for (int64_t r : rows) {
        if (src.IsNull(r)) {
          dst.AppendNull();
        } else {
          dst.AppendNested(AppendChildRange(dst, src, r));
        }
      }
      return;
    default:
      break;
  }
  if (type.is_variable_length() || type.id() == TypeId::kUuid || type.id() == TypeId::kFixed) {
    for (int64_t r : rows) {
      if (src.IsNull(r)) {
        dst.AppendNull();
      } else {
        dst.AppendBytes(src.GetBytes(r));
      }
    }
    return;
  }
  // Fixed-width primitives: copy the value bytes in bulk, then the validity if any.
  const int w = type.fixed_width();
  const int64_t old_size = dst.size();
  const bool nulls = src.has_nulls() || dst.has_nulls();
  std::vector<uint8_t>& data = dst.mutable_data();
  data.resize((old_size + static_cast<int64_t>(rows.size())) * w);
  const uint8_t* in = src.data().data();
  uint8_t* out = data.data() + old_size * w;
  for (int64_t r : rows) {
    std::memcpy(out, in + r * w, w);
    out += w;
  }
  if (nulls) {
    std::vector<uint8_t>& validity = dst.mutable_validity();
    if (validity.empty()) validity.assign(old_size, 1);
    for (int64_t r : rows) validity.push_back(src.IsNull(r) ? 0 : 1);
  }
  dst.SetSize(old_size + static_cast<int64_t>(rows.size()));
}

void AppendRows(RecordBatch& dst, const RecordBatch& src, std::span<const int64_t> rows) {
  for (size_t c = 0; c < src.num_columns(); ++c) AppendRows(dst.column(c), src.column(c), rows);
  if (src.num_columns() == 0) dst.set_num_rows(dst.num_rows() + static_cast<int64_t>(rows.size()));
}

}  // namespace icesync::sync
