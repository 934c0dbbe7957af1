#pragma once
// A bounds-checked forward reader over a byte span. Every read checks the remaining length,
// so a decoder built on it cannot read past its input, whatever the input says.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/status.h"

namespace icesync::parquet {

class ByteCursor {
 public:
  ByteCursor() = default;
  ByteCursor(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  explicit ByteCursor(std::string_view s)
      : ByteCursor(reinterpret_cast<const uint8_t*>(s.data()), s.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* position() const { return p_; }

  Result<std::string_view> Take(uint64_t n, const char* what) {
    if (n > remaining()) return Corrupt("{} needs {} bytes, only {} left", what, n, remaining());
    std::string_view s(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  Result<uint32_t> ReadU32LE(const char* what) {
    ASSIGN_OR_RETURN(std::string_view s, Take(4, what));
    uint32_t v;
    std::memcpy(&v, s.data(), 4);
    return v;
  }
  Result<uint8_t> ReadByte(const char* what) {
    if (p_ == end_) return Corrupt("{} is truncated", what);
    return *p_++;
  }
  // Unsigned LEB128, at most 10 bytes.
  Result<uint64_t> ReadUleb(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return Corrupt("{} is truncated (varint)", what);
      uint8_t b = *p_++;
      if (shift == 63 && (b & 0x7e)) return Corrupt("{}: varint overflows 64 bits", what);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Corrupt("{}: varint longer than 10 bytes", what);
  }
  Result<int64_t> ReadZigZag(const char* what) {
    ASSIGN_OR_RETURN(uint64_t u, ReadUleb(what));
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
};

}  // namespace icesync::parquet
