#pragma once
// The RLE / bit-packed hybrid encoding (Parquet Encodings.md) used for definition and
// repetition levels, dictionary indices and RLE booleans, plus the LSB-first bit packing it
// is built on. Bit widths are 0..32. The stream is a sequence of runs:
//   rle run:        varint(count << 1),        value in ceil(bit_width / 8) bytes LE
//   bit-packed run: varint(groups << 1 | 1),   groups * 8 values, bit_width bits each
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace icesync::parquet {

// Number of bits needed for values up to max_value (0 for 0).
int BitWidth(uint64_t max_value);

// Packs n values LSB first into ceil(n * bit_width / 8) bytes appended to *out.
void BitPack(const uint32_t* values, size_t n, int bit_width, std::string* out);
// Unpacks n values from `in`, which must hold ceil(n * bit_width / 8) bytes.
void BitUnpack(const uint8_t* in, size_t n, int bit_width, uint32_t* out);

// Appends the hybrid encoding of values[0..n) (each < 2^bit_width) to *out. Runs of 8 or
// more equal values become RLE runs; the rest is bit-packed in groups of 8.
void RleEncode(const uint32_t* values, size_t n, int bit_width, std::string* out);

// Appends an unsigned LEB128 varint.
void AppendVarint(uint64_t v, std::string* out);

class RleDecoder {
 public:
  RleDecoder() = default;
  RleDecoder(const uint8_t* data, size_t size, int bit_width)
      : p_(data), end_(data + size), bit_width_(bit_width) {}

  // Decodes exactly n values; Corrupt if the data ends first or is malformed, and if the bit
  // width is above 32.
  Status Get(uint32_t* out, size_t n);
  // Bytes not yet consumed by a run header or run body.
  size_t remaining_bytes() const { return static_cast<size_t>(end_ - p_); }

 private:
  Status NextRun();

  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  // Current run: either `rle_left` copies of rle_value, or `packed_left` values at
  // packed_ (bit-packed, starting at value index packed_pos_).
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  const uint8_t* packed_ = nullptr;
  uint64_t packed_pos_ = 0;
};

}  // namespace icesync::parquet
