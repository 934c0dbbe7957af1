#include "iceberg/delete_filter.h"

#include <algorithm>
#include <cmath>

namespace icesync::iceberg {

Status PositionDeletes::AddBatch(const RecordBatch& batch, size_t path_column, size_t pos_column) {
  const ColumnVector& paths = batch.column(path_column);
  const ColumnVector& pos = batch.column(pos_column);
  if (paths.type().id() != TypeId::kString || pos.type().id() != TypeId::kInt64) {
    return Corrupt("position delete columns must be file_path string and pos long, got {} and {}",
                   paths.type().ToString(), pos.type().ToString());
  }
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (paths.IsNull(r) || pos.IsNull(r)) return Corrupt("position delete row {} has a null file_path or pos", r);
    Add(paths.GetBytes(r), pos.Value<int64_t>(r));
  }
  return Status::OK();
}

void PositionDeletes::Add(std::string_view data_file_path, int64_t pos) {
  by_path_[std::string(data_file_path)].push_back(pos);
}

std::vector<int64_t> PositionDeletes::PositionsFor(std::string_view data_file_path) const {
  auto it = by_path_.find(std::string(data_file_path));
  if (it == by_path_.end()) return {};
  std::vector<int64_t> out = it->second;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void ApplyPositionDeletes(const std::vector<int64_t>& positions, int64_t first_row, std::vector<uint8_t>& keep) {
  const int64_t end = first_row + static_cast<int64_t>(keep.size());
  for (auto it = std::lower_bound(positions.begin(), positions.end(), first_row);
       it != positions.end() && *it < end; ++it) {
    keep[*it - first_row] = 0;
  }
}

std::string EqualityKey(const std::vector<const ColumnVector*>& columns, int64_t row) {
  std::string key;
  for (const ColumnVector* c : columns) {
    if (c->IsNull(row)) {
      key += '\0';
      continue;
    }
    key += '\1';
    const DataType& t = c->type();
    if (t.is_variable_length() || t.id() == TypeId::kUuid || t.id() == TypeId::kFixed) {
      std::string_view b = c->GetBytes(row);
      const uint64_t n = b.size();
      key.append(reinterpret_cast<const char*>(&n), sizeof n);
      key.append(b);
    } else if (t.id() == TypeId::kFloat32 || t.id() == TypeId::kFloat64) {
      // Equal values must give equal keys: -0 equals 0, and every NaN is one value.
      double v = t.id() == TypeId::kFloat32 ? c->Value<float>(row) : c->Value<double>(row);
      if (v == 0) v = 0;
      if (std::isnan(v)) v = NAN;
      key.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else {
      const int w = t.fixed_width();
      key.append(reinterpret_cast<const char*>(c->data().data() + row * w), w);
    }
  }
  return key;
}

void EqualityDeletes::AddRows(const std::vector<const ColumnVector*>& columns) {
  if (columns.empty()) return;
  for (int64_t r = 0; r < columns[0]->size(); ++r) keys_.insert(EqualityKey(columns, r));
}

void EqualityDeletes::Apply(const std::vector<const ColumnVector*>& columns, std::vector<uint8_t>& keep) const {
  if (keys_.empty()) return;
  for (size_t r = 0; r < keep.size(); ++r) {
    if (keep[r] && keys_.count(EqualityKey(columns, static_cast<int64_t>(r)))) keep[r] = 0;
  }
}

}  // namespace icesync::iceberg
