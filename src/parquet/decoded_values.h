#pragma once
// Physical values of one column chunk as decoders produce them, before the logical
// conversion (decimal, timestamp units, ...) that record assembly applies.
//   fixed-width types (BOOLEAN as one byte 0/1, INT32, INT64, INT96, FLOAT, DOUBLE,
//   FIXED_LEN_BYTE_ARRAY(n)): `width` bytes per value, little-endian as stored;
//   BYTE_ARRAY (width 0): concatenated bytes in `data` plus size()+1 `offsets`.
// Invariant: size() values are present; offsets (variable width) start at 0.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace icesync::parquet {

class DecodedValues {
 public:
  explicit DecodedValues(int width = 0) : width_(width) { offsets_.push_back(0); }

  int width() const { return width_; }
  bool is_variable() const { return width_ == 0; }
  int64_t size() const { return size_; }

  const uint8_t* Fixed(int64_t i) const { return data_.data() + i * width_; }
  std::string_view Bytes(int64_t i) const {
    if (!is_variable()) return std::string_view(reinterpret_cast<const char*>(Fixed(i)), width_);
    return std::string_view(reinterpret_cast<const char*>(data_.data()) + offsets_[i],
                            static_cast<size_t>(offsets_[i + 1] - offsets_[i]));
  }
  template <typename T>
  T Get(int64_t i) const {
    T v;
    std::memcpy(&v, Fixed(i), sizeof(T));
    return v;
  }

  void AppendFixed(const void* p) {
    const auto* b = static_cast<const uint8_t*>(p);
    data_.insert(data_.end(), b, b + width_);
    ++size_;
  }
  void AppendBytes(std::string_view b) {
    data_.insert(data_.end(), b.begin(), b.end());
    offsets_.push_back(static_cast<int64_t>(data_.size()));
    ++size_;
  }
  // Appends value i of another buffer with the same width.
  void AppendFrom(const DecodedValues& o, int64_t i) {
    if (is_variable()) {
      AppendBytes(o.Bytes(i));
    } else {
      AppendFixed(o.Fixed(i));
    }
  }
  void Reserve(int64_t n) {
    if (is_variable()) {
      offsets_.reserve(offsets_.size() + n);
    } else {
      data_.reserve(data_.size() + n * width_);
    }
  }
  void Clear() {
    data_.clear();
    offsets_.assign(1, 0);
    size_ = 0;
  }

 private:
  int width_;
  int64_t size_ = 0;
  std::vector<uint8_t> data_;
  std::vector<int64_t> offsets_;
};

}  // namespace icesync::parquet
