#pragma once
// PLAIN encoding primitives (Parquet Encodings.md): fixed-width values little-endian back to
// back, BYTE_ARRAY as a 4-byte little-endian length then the bytes, FIXED_LEN_BYTE_ARRAY as
// the bytes, BOOLEAN bit-packed LSB first.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace icesync::parquet {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "PLAIN encoding assumes a little-endian host");

template <typename T>
inline void AppendPlain(T v, std::string* out) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

inline void AppendByteArray(std::string_view v, std::string* out) {
  AppendPlain<uint32_t>(static_cast<uint32_t>(v.size()), out);
  out->append(v.data(), v.size());
}

// Packs one bool per byte (0/1) into bits, LSB first.
inline void AppendPlainBooleans(const uint8_t* bools, size_t n, std::string* out) {
  size_t start = out->size();
  out->resize(start + (n + 7) / 8, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  for (size_t i = 0; i < n; ++i) dst[i / 8] |= static_cast<uint8_t>((bools[i] & 1) << (i % 8));
}

}  // namespace icesync::parquet
