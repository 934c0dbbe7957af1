#pragma once
// Columnar batches: the unit of data flow between extract, Parquet, Iceberg and load.
//
// A ColumnVector holds `size()` values of one DataType in contiguous buffers, so appending
// a row never allocates per row (buffers grow geometrically, or not at all after Reserve):
//   validity_  one byte per row, 1 = present. Empty while every value is present.
//   data_      fixed-width values back to back (see types.h for the storage of each type);
//              for string/binary the concatenated bytes.
//   offsets_   string/binary/list/map: size()+1 entries; value i spans [offsets[i], offsets[i+1])
//              of data_ (bytes) or of the child vector(s) (list/map).
//   children_  struct: one per field; list: the elements; map: keys and values.
// A null slot still occupies its width in data_ (zeroed) and an empty range in offsets_.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "core/types.h"

namespace icesync {

class ColumnVector {
 public:
  ColumnVector() = default;
  explicit ColumnVector(DataType type);

  const DataType& type() const { return type_; }
  int64_t size() const { return size_; }
  bool has_nulls() const { return !validity_.empty(); }
  bool IsNull(int64_t i) const { return !validity_.empty() && validity_[i] == 0; }
  int64_t null_count() const;

  // Reserves room for `rows` values (and `bytes` of variable-length data).
  void Reserve(int64_t rows, int64_t bytes = 0);
  // Drops the values but keeps the buffers' capacity, ready for the next batch.
  void Clear();

  void AppendNull();
  template <typename T>
  void Append(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    AppendFixedBytes(&value, sizeof(T));
  }
  // string/binary: the bytes; uuid/fixed: exactly type().length() bytes.
  void AppendBytes(std::string_view bytes);
  // list/map: closes a value whose elements were appended to the child vector(s).
  void AppendNested(int64_t child_count);
  // struct: marks the row present or null; the caller appends exactly one value (null or
  // not) to every child either way, keeping children aligned with the parent.
  void AppendStructRow(bool present);

  template <typename T>
  const T* values() const { return reinterpret_cast<const T*>(data_.data()); }
  template <typename T>
  T* mutable_values() { return reinterpret_cast<T*>(data_.data()); }
  template <typename T>
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, data_.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  // string/binary value i, or fixed/uuid value i.
  std::string_view GetBytes(int64_t i) const;

  const std::vector<uint8_t>& validity() const { return validity_; }
  const std::vector<uint8_t>& data() const { return data_; }
  const std::vector<int64_t>& offsets() const { return offsets_; }
  std::vector<ColumnVector>& children() { return children_; }
  const std::vector<ColumnVector>& children() const { return children_; }
  const ColumnVector& child(size_t i) const { return children_[i]; }
  ColumnVector& child(size_t i) { return children_[i]; }

  // Low-level access for decoders that fill buffers in bulk. After filling, call
  // SetSize(n); validity may stay empty (all valid) or have exactly n entries.
  std::vector<uint8_t>& mutable_validity() { return validity_; }
  std::vector<uint8_t>& mutable_data() { return data_; }
  std::vector<int64_t>& mutable_offsets() { return offsets_; }
  void SetSize(int64_t n) { size_ = n; }

 private:
  void AppendFixedBytes(const void* p, size_t n);
  void MarkValid();

  DataType type_;
  int64_t size_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> data_;
  std::vector<int64_t> offsets_;
  std::vector<ColumnVector> children_;
};

// Rows of a schema, column by column. Invariant: every column has num_rows() values and
// column i has the type of schema field i.
class RecordBatch {
 public:
  RecordBatch() = default;
  explicit RecordBatch(std::shared_ptr<const Schema> schema);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  int64_t num_rows() const { return columns_.empty() ? num_rows_ : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  ColumnVector& column(size_t i) { return columns_[i]; }
  const ColumnVector& column(size_t i) const { return columns_[i]; }
  std::vector<ColumnVector>& columns() { return columns_; }

  void Reserve(int64_t rows);
  void Clear();
  // For zero-column projections (row counts only).
  void set_num_rows(int64_t n) { num_rows_ = n; }
  // Checks the invariant; used at module boundaries and in tests.
  Status Validate() const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<ColumnVector> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace icesync
