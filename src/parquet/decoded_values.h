#pragma once
// Physical values of one column chunk as decoders produce them, before the logical
// conversion (decimal, timestamp units, ...) that record assembly applies.
//   fixed-width types (BOOLEAN as one byte 0/1, INT32, INT64, INT96, FLOAT, DOUBLE,
//   FIXED_LEN_BYTE_ARRAY(n)): `width` bytes per value, little-endian as stored;
//   BYTE_ARRAY (width 0): concatenated bytes in `data` plus size()+1 `offsets`.
// Invariant: size() values are present, in the first byte_size() bytes of the buffer;
// offsets (variable width) start at 0.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace icesync::parquet {

// Copies n bytes, kWidth <= n <= 2 * kWidth, as two overlapping fixed-size copies (which
// compile to a load and a store each).
template <size_t kWidth>
inline void CopyOverlapping(uint8_t* dst, const uint8_t* src, size_t n) {
  uint8_t head[kWidth], tail[kWidth];
  std::memcpy(head, src, kWidth);
  std::memcpy(tail, src + n - kWidth, kWidth);
  std::memcpy(dst, head, kWidth);
  std::memcpy(dst + n - kWidth, tail, kWidth);
}

// Copies n bytes. Short values (dictionary strings: codes, names) avoid a call to memcpy
// with its size dispatch; nothing outside [src, src + n) or [dst, dst + n) is touched.
inline void CopyValueBytes(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n > 64) {
    std::memcpy(dst, src, n);
  } else if (n >= 32) {
    CopyOverlapping<32>(dst, src, n);
  } else if (n >= 16) {
    CopyOverlapping<16>(dst, src, n);
  } else if (n >= 8) {
    CopyOverlapping<8>(dst, src, n);
  } else if (n >= 4) {
    CopyOverlapping<4>(dst, src, n);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

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
    std::memcpy(Grow(static_cast<size_t>(width_)), p, static_cast<size_t>(width_));
    ++size_;
  }
  void AppendBytes(std::string_view b) {
    if (!b.empty()) std::memcpy(Grow(b.size()), b.data(), b.size());
    offsets_.push_back(static_cast<int64_t>(bytes_));
    ++size_;
  }
  // Appends n fixed-width slots and returns them for the caller to fill (n * width bytes).
  uint8_t* AppendFixedSlots(int64_t n) {
    size_ += n;
    return Grow(static_cast<size_t>(n) * width_);
  }
  // Appends dict[indices[k]] for k in [0, n). Every index must be < dict.size() (the caller
  // checks, once per page). Byte arrays are sized in one pass and copied in a second.
  void AppendGathered(const DecodedValues& dict, const uint32_t* indices, int64_t n) {
    if (!is_variable()) {
      uint8_t* dst = AppendFixedSlots(n);
      const uint8_t* src = dict.data_.data();
      const size_t w = static_cast<size_t>(width_);
      if (w == 4 || w == 8) {
        // Common widths with a constant-size copy the compiler turns into one load/store.
        for (int64_t k = 0; k < n; ++k) {
          if (w == 4) std::memcpy(dst + k * 4, src + size_t{indices[k]} * 4, 4);
          else std::memcpy(dst + k * 8, src + size_t{indices[k]} * 8, 8);
        }
      } else {
        for (int64_t k = 0; k < n; ++k) std::memcpy(dst + k * w, src + size_t{indices[k]} * w, w);
      }
      return;
    }
    const int64_t* doff = dict.offsets_.data();
    size_t bytes = 0;
    for (int64_t k = 0; k < n; ++k) bytes += static_cast<size_t>(doff[indices[k] + 1] - doff[indices[k]]);
    size_t pos = bytes_;
    Grow(bytes);
    const size_t first_offset = offsets_.size();
    offsets_.resize(first_offset + n);
    int64_t* off = offsets_.data() + first_offset;
    uint8_t* dst = data_.data();
    const uint8_t* src = dict.data_.data();
    for (int64_t k = 0; k < n; ++k) {
      const int64_t b = doff[indices[k]];
      const size_t len = static_cast<size_t>(doff[indices[k] + 1] - b);
      CopyValueBytes(dst + pos, src + b, len);
      pos += len;
      off[k] = static_cast<int64_t>(pos);
    }
    size_ += n;
  }
  // Appends values [first, first + n) of `src` (same width; the caller checks the range).
  void AppendRange(const DecodedValues& src, int64_t first, int64_t n) {
    if (n <= 0) return;
    if (!is_variable()) {
      std::memcpy(AppendFixedSlots(n), src.Fixed(first), static_cast<size_t>(n) * width_);
      return;
    }
    const int64_t* src_off = src.offsets_.data() + first;
    const int64_t base = static_cast<int64_t>(bytes_) - src_off[0];
    const size_t bytes = static_cast<size_t>(src_off[n] - src_off[0]);
    if (bytes > 0) std::memcpy(Grow(bytes), src.data_.data() + src_off[0], bytes);
    const size_t old = offsets_.size();
    offsets_.resize(old + static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) offsets_[old + k] = src_off[k + 1] + base;
    size_ += n;
  }
  // Raw access for bulk conversion: values [i, j) of a byte-array buffer occupy bytes
  // [offsets()[i], offsets()[j]) of data().
  const uint8_t* data() const { return data_.data(); }
  const int64_t* offsets() const { return offsets_.data(); }
  int64_t byte_size() const { return static_cast<int64_t>(bytes_); }

  void Reserve(int64_t n) {
    if (is_variable()) {
      offsets_.reserve(offsets_.size() + n);
    } else {
      data_.reserve(bytes_ + n * width_);
    }
  }
  // Exchanges buffers with a ColumnVector of the same storage (fixed width: `data`; byte
  // arrays: `data` and `offsets`, which start at 0 in both), so that values move without
  // being copied: the vector takes the decoded values, and this buffer takes the vector's
  // buffers and is left empty. The reader also uses it before decoding, to decode straight
  // into a vector's buffers: their bytes, though stale, are kept as this buffer's room
  // (not zero-filled again as it grows into them).
  void SwapBuffers(std::vector<uint8_t>* data, std::vector<int64_t>* offsets) {
    data_.resize(bytes_);  // shrinks: the vector gets exactly the values' bytes
    data_.swap(*data);
    if (is_variable()) offsets_.swap(*offsets);
    Clear();
  }
  // Empties the buffer for values of `width`, keeping the allocated capacity.
  void Reset(int width) {
    width_ = width;
    Clear();
  }
  void Clear() {
    bytes_ = 0;
    offsets_.assign(1, 0);
    size_ = 0;
  }

 private:
  // Makes room for n more bytes after the values and returns it. Invariant: data_[0,
  // bytes_) holds the values; data_[bytes_, data_.size()) is room left from earlier values
  // (stale bytes): growing into it costs nothing, where vector::resize would zero-fill.
  uint8_t* Grow(size_t n) {
    const size_t at = bytes_;
    bytes_ += n;
    if (bytes_ > data_.size()) data_.resize(bytes_);  // zero-fills only the bytes beyond
    return data_.data() + at;
  }

  int width_;
  int64_t size_ = 0;
  size_t bytes_ = 0;
  std::vector<uint8_t> data_;
  std::vector<int64_t> offsets_;
};

}  // namespace icesync::parquet
