#include "core/batch.h"

#include <algorithm>

namespace icesync {

ColumnVector::ColumnVector(DataType type) : type_(std::move(type)) {
  if (type_.is_variable_length() || type_.id() == TypeId::kList || type_.id() == TypeId::kMap) {
    offsets_.push_back(0);
  }
  for (const Field& f : type_.children()) children_.emplace_back(f.type);
}

int64_t ColumnVector::null_count() const {
  if (validity_.empty()) return 0;
  return size_ - std::count(validity_.begin(), validity_.begin() + size_, uint8_t{1});
}

void ColumnVector::Reserve(int64_t rows, int64_t bytes) {
  if (!offsets_.empty()) offsets_.reserve(rows + 1);
  if (type_.is_variable_length()) {
    data_.reserve(bytes);
  } else {
    data_.reserve(rows * type_.fixed_width());
  }
}

void ColumnVector::Clear() {
  size_ = 0;
  validity_.clear();
  data_.clear();
  if (!offsets_.empty()) offsets_.erase(offsets_.begin() + 1, offsets_.end());
  for (ColumnVector& c : children_) c.Clear();
}

void ColumnVector::MarkValid() {
  if (!validity_.empty()) validity_.push_back(1);
}

void ColumnVector::AppendNull() {
  if (validity_.empty()) {
    validity_.reserve(std::max<size_t>(data_.capacity() / std::max(1, type_.fixed_width()), size_ + 1));
    validity_.assign(size_, 1);
  }
  validity_.push_back(0);
  if (!offsets_.empty()) {
    offsets_.push_back(offsets_.back());
  } else if (type_.fixed_width() > 0) {
    data_.resize(data_.size() + type_.fixed_width(), 0);
  }
  // A null struct still has a (null) slot in each child so that children stay aligned.
  if (type_.id() == TypeId::kStruct) {
    for (ColumnVector& c : children_) c.AppendNull();
  }
  ++size_;
}

void ColumnVector::AppendFixedBytes(const void* p, size_t n) {
  MarkValid();
  const auto* b = static_cast<const uint8_t*>(p);
  data_.insert(data_.end(), b, b + n);
  ++size_;
}

void ColumnVector::AppendBytes(std::string_view bytes) {
  MarkValid();
  // Through uint8_t pointers: char iterators make the insert convert byte by byte instead of
  // one memcpy.
  const auto* first = reinterpret_cast<const uint8_t*>(bytes.data());
  data_.insert(data_.end(), first, first + bytes.size());
  if (!offsets_.empty()) offsets_.push_back(static_cast<int64_t>(data_.size()));
  ++size_;
}

void ColumnVector::AppendNested(int64_t child_count) {
  MarkValid();
  offsets_.push_back(offsets_.back() + child_count);
  ++size_;
}

void ColumnVector::AppendStructRow(bool present) {
  if (!present) {
    if (validity_.empty()) validity_.assign(size_, 1);
    validity_.push_back(0);
  } else {
    MarkValid();
  }
  ++size_;
}

std::string_view ColumnVector::GetBytes(int64_t i) const {
  const char* base = reinterpret_cast<const char*>(data_.data());
  if (!offsets_.empty()) {
    return std::string_view(base + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  const int w = type_.fixed_width();
  return std::string_view(base + i * w, w);
}

RecordBatch::RecordBatch(std::shared_ptr<const Schema> schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_->fields()) columns_.emplace_back(f.type);
}

void RecordBatch::Reserve(int64_t rows) {
  for (ColumnVector& c : columns_) c.Reserve(rows, c.type().is_variable_length() ? rows * 16 : 0);
}

void RecordBatch::Clear() {
  for (ColumnVector& c : columns_) c.Clear();
  num_rows_ = 0;
}

Status RecordBatch::Validate() const {
  if (!schema_) return Internal("record batch without schema");
  if (columns_.size() != schema_->num_fields()) {
    return Internal("record batch has {} columns, schema {}", columns_.size(), schema_->num_fields());
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].size() != num_rows()) {
      return Internal("column '{}' has {} values, batch {} rows", schema_->field(i).name, columns_[i].size(), num_rows());
    }
    if (!(columns_[i].type() == schema_->field(i).type)) {
      return Internal("column '{}' has type {}, schema says {}", schema_->field(i).name,
                      columns_[i].type().ToString(), schema_->field(i).type.ToString());
    }
  }
  return Status::OK();
}

}  // namespace icesync
