#include "parquet/rle.h"

#include <algorithm>
#include <cstring>

namespace icesync::parquet {

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void BitPack(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  if (bit_width == 0 || n == 0) return;
  size_t start = out->size();
  size_t bytes = (n * bit_width + 7) / 8;
  out->resize(start + bytes);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + start;
  uint64_t acc = 0;
  int bits = 0;  // < 32 between values, so a value of up to 32 bits always fits in acc
  size_t o = 0;
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  for (size_t i = 0; i < n; ++i) {
    acc |= (values[i] & mask) << bits;
    bits += bit_width;
    if (bits >= 32) {
      const uint32_t word = static_cast<uint32_t>(acc);  // little-endian, as the bytes go out
      std::memcpy(dst + o, &word, 4);
      o += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  for (; bits > 0; bits -= 8) {
    dst[o++] = static_cast<uint8_t>(acc);
    acc >>= 8;
  }
}

void BitUnpack(const uint8_t* in, size_t n, int bit_width, uint32_t* out) {
  if (bit_width == 0) {
    std::fill(out, out + n, 0u);
    return;
  }
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  const size_t bytes = (n * static_cast<size_t>(bit_width) + 7) / 8;
  // Each value lies within 8 bytes of its first byte (at most 7 + 32 bits): one unaligned
  // 64-bit load per value while those 8 bytes are inside the input...
  size_t k = 0;
  for (; k < n; ++k) {
    const size_t bit = k * static_cast<size_t>(bit_width);
    if ((bit >> 3) + 8 > bytes) break;
    uint64_t word;
    std::memcpy(&word, in + (bit >> 3), 8);
    out[k] = static_cast<uint32_t>((word >> (bit & 7)) & mask);
  }
  if (k == n) return;
  // ... and byte by byte for the last few.
  const size_t start = k * static_cast<size_t>(bit_width);
  size_t i = start >> 3;
  uint64_t acc = static_cast<uint64_t>(in[i++]) >> (start & 7);
  int bits = 8 - static_cast<int>(start & 7);
  for (; k < n; ++k) {
    while (bits < bit_width) {
      acc |= static_cast<uint64_t>(in[i++]) << bits;
      bits += 8;
    }
    out[k] = static_cast<uint32_t>(acc & mask);
    acc >>= bit_width;
    bits -= bit_width;
  }
}

namespace {

void EmitRleRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  AppendVarint(static_cast<uint64_t>(count) << 1, out);
  int bytes = (bit_width + 7) / 8;
  for (int b = 0; b < bytes; ++b) out->push_back(static_cast<char>(value >> (8 * b)));
}

// Values beyond n in the last group are padded with zeros.
void EmitPackedRun(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  size_t groups = (n + 7) / 8;
  AppendVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  BitPack(values, n, bit_width, out);
  size_t padded_bytes = groups * bit_width;  // groups * 8 values * bit_width / 8
  size_t have = (n * bit_width + 7) / 8;
  out->append(padded_bytes - have, '\0');
}

}  // namespace

void RleEncode(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  size_t literal_start = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && values[j] == values[i]) ++j;
    size_t run = j - i;
    size_t literals = i - literal_start;
    // Pending literals must fill whole groups of 8; borrow the first values of this run.
    size_t pad = (8 - literals % 8) % 8;
    if (run >= pad + 8) {
      if (literals + pad > 0) EmitPackedRun(values + literal_start, literals + pad, bit_width, out);
      EmitRleRun(values[i], run - pad, bit_width, out);
      literal_start = j;
    }
    i = j;
  }
  if (literal_start < n) EmitPackedRun(values + literal_start, n - literal_start, bit_width, out);
}

Status RleDecoder::NextRun() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (p_ >= end_) return Corrupt("RLE data ends before all values were read");
    if (shift > 63) return Corrupt("RLE run header varint too long");
    uint8_t b = *p_++;
    header |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    if (groups == 0) return Corrupt("RLE bit-packed run of zero groups");
    // A final run may be cut short by the writer: take the values its bytes hold.
    uint64_t bytes_needed = groups * static_cast<uint64_t>(bit_width_);
    uint64_t avail = std::min<uint64_t>(bytes_needed, remaining_bytes());
    packed_left_ = bit_width_ == 0 ? groups * 8 : avail * 8 / bit_width_;
    if (packed_left_ == 0) return Corrupt("RLE bit-packed run is truncated");
    packed_ = p_;
    packed_pos_ = 0;
    p_ += avail;
  } else {
    rle_left_ = header >> 1;
    if (rle_left_ == 0) return Corrupt("RLE run of zero values");
    int bytes = (bit_width_ + 7) / 8;
    if (remaining_bytes() < static_cast<size_t>(bytes)) return Corrupt("RLE run value is truncated");
    uint32_t v = 0;
    for (int b = 0; b < bytes; ++b) v |= static_cast<uint32_t>(p_[b]) << (8 * b);
    p_ += bytes;
    if (bit_width_ < 32 && (v >> bit_width_) != 0) {
      return Corrupt("RLE run value {} does not fit in {} bits", v, bit_width_);
    }
    rle_value_ = v;
  }
  return Status::OK();
}

Status RleDecoder::Get(uint32_t* out, size_t n) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Corrupt("RLE bit width {} is out of range 0..32", bit_width_);
  }
  while (n > 0) {
    if (rle_left_ == 0 && packed_left_ == 0) RETURN_IF_ERROR(NextRun());
    if (rle_left_ > 0) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(rle_left_, n));
      std::fill(out, out + k, rle_value_);
      rle_left_ -= k;
      out += k;
      n -= k;
    } else {
      size_t k = static_cast<size_t>(std::min<uint64_t>(packed_left_, n));
      // Unpack from a byte-aligned position: groups of 8 values are byte aligned, so
      // split into the unaligned head (via a group-sized scratch) and aligned whole groups.
      while (k > 0) {
        uint64_t group = packed_pos_ / 8;
        size_t in_group = packed_pos_ % 8;
        const uint8_t* g = packed_ + group * bit_width_;
        if (in_group == 0 && k >= 8) {
          size_t whole = k / 8 * 8;
          BitUnpack(g, whole, bit_width_, out);
          out += whole; n -= whole; k -= whole; packed_pos_ += whole; packed_left_ -= whole;
        } else {
          uint32_t scratch[8];
          // The group may be partial at the end of a truncated run.
          size_t group_values = static_cast<size_t>(std::min<uint64_t>(8, in_group + packed_left_));
          BitUnpack(g, group_values, bit_width_, scratch);
          size_t take = std::min(k, group_values - in_group);
          std::memcpy(out, scratch + in_group, take * sizeof(uint32_t));
          out += take; n -= take; k -= take; packed_pos_ += take; packed_left_ -= take;
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace icesync::parquet
