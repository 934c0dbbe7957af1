#include "parquet/value_decoders.h"

#include <cstring>
#include <vector>

#include "parquet/byte_cursor.h"

namespace icesync::parquet {

namespace {

Status CheckFixed(ValueLayout layout, const char* encoding) {
  if (layout.boolean || layout.width == 0) {
    return Unsupported("{} is not defined for BOOLEAN or BYTE_ARRAY columns", encoding);
  }
  return Status::OK();
}

// Reads `width` (0..64) bits at bit offset `bit` of a little-endian, LSB-first packed run.
// The caller guarantees that bit + width <= 8 * size.
uint64_t ReadBits(const uint8_t* data, uint64_t bit, int width) {
  uint64_t v = 0;
  int got = 0;
  while (got < width) {
    const uint64_t byte = bit >> 3;
    const int shift = static_cast<int>(bit & 7);
    const int take = std::min(8 - shift, width - got);
    const uint64_t bits = (static_cast<uint64_t>(data[byte]) >> shift) & ((1u << take) - 1);
    v |= bits << got;
    got += take;
    bit += take;
  }
  return v;
}

}  // namespace

Status DecodePlain(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out) {
  if (n < 0) return Corrupt("negative value count {}", n);
  if (layout.boolean) {
    if (static_cast<uint64_t>(n) > in.size() * 8ull) {
      return Corrupt("PLAIN booleans: {} values need {} bytes, page has {}", n, (n + 7) / 8, in.size());
    }
    uint8_t* dst = out->AppendFixedSlots(n);
    for (int64_t i = 0; i < n; ++i) dst[i] = (static_cast<uint8_t>(in[i >> 3]) >> (i & 7)) & 1;
    return Status::OK();
  }
  if (layout.width > 0) {
    if (static_cast<uint64_t>(n) > in.size() / layout.width) {
      return Corrupt("PLAIN values: {} values of {} bytes need {} bytes, page has {}", n, layout.width,
                     n * layout.width, in.size());
    }
    if (n > 0) std::memcpy(out->AppendFixedSlots(n), in.data(), static_cast<size_t>(n) * layout.width);
    return Status::OK();
  }
  ByteCursor c(in);
  // Each value takes at least its 4-byte length.
  if (static_cast<uint64_t>(n) > in.size() / 4) {
    return Corrupt("PLAIN byte arrays: {} values cannot fit in {} bytes", n, in.size());
  }
  out->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(uint32_t len, c.ReadU32LE("PLAIN byte array length"));
    ASSIGN_OR_RETURN(std::string_view v, c.Take(len, "PLAIN byte array value"));
    out->AppendBytes(v);
  }
  return Status::OK();
}

Status DecodeByteStreamSplit(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out) {
  RETURN_IF_ERROR(CheckFixed(layout, "BYTE_STREAM_SPLIT"));
  const size_t w = static_cast<size_t>(layout.width);
  if (in.size() % w != 0) {
    return Corrupt("BYTE_STREAM_SPLIT: {} bytes is not a multiple of the value width {}", in.size(), w);
  }
  const size_t stride = in.size() / w;
  if (n < 0 || static_cast<uint64_t>(n) > stride) {
    return Corrupt("BYTE_STREAM_SPLIT: {} values expected, page holds {}", n, stride);
  }
  out->Reserve(n);
  std::vector<uint8_t> value(w);
  for (int64_t i = 0; i < n; ++i) {
    for (size_t b = 0; b < w; ++b) value[b] = static_cast<uint8_t>(in[b * stride + i]);
    out->AppendFixed(value.data());
  }
  return Status::OK();
}

Status DecodeDeltaStream(std::string_view in, int64_t max_values, std::vector<int64_t>* out, size_t* consumed) {
  ByteCursor c(in);
  ASSIGN_OR_RETURN(uint64_t block_size, c.ReadUleb("DELTA_BINARY_PACKED block size"));
  ASSIGN_OR_RETURN(uint64_t miniblocks, c.ReadUleb("DELTA_BINARY_PACKED miniblock count"));
  ASSIGN_OR_RETURN(uint64_t total, c.ReadUleb("DELTA_BINARY_PACKED value count"));
  ASSIGN_OR_RETURN(int64_t first, c.ReadZigZag("DELTA_BINARY_PACKED first value"));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20)) {
    return Corrupt("DELTA_BINARY_PACKED: block size {} is not a positive multiple of 128", block_size);
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Corrupt("DELTA_BINARY_PACKED: {} miniblocks do not split a block of {} into multiples of 32",
                   miniblocks, block_size);
  }
  if (total > static_cast<uint64_t>(max_values)) {
    return Corrupt("DELTA_BINARY_PACKED: header declares {} values, the page has at most {}", total, max_values);
  }
  const uint64_t per_mini = block_size / miniblocks;
  out->clear();
  out->reserve(total);
  if (total == 0) {
    *consumed = in.size() - c.remaining();
    return Status::OK();
  }
  uint64_t value = static_cast<uint64_t>(first);
  out->push_back(first);
  std::vector<uint8_t> widths(miniblocks);
  while (out->size() < total) {
    ASSIGN_OR_RETURN(int64_t min_delta, c.ReadZigZag("DELTA_BINARY_PACKED min delta"));
    ASSIGN_OR_RETURN(std::string_view w, c.Take(miniblocks, "DELTA_BINARY_PACKED bit widths"));
    for (uint64_t m = 0; m < miniblocks && out->size() < total; ++m) {
      const int width = static_cast<uint8_t>(w[m]);
      if (width > 64) return Corrupt("DELTA_BINARY_PACKED: bit width {} exceeds 64", width);
      // A miniblock is always stored whole (per_mini values), even when partly used.
      ASSIGN_OR_RETURN(std::string_view packed, c.Take(per_mini * width / 8, "DELTA_BINARY_PACKED miniblock"));
      const auto* data = reinterpret_cast<const uint8_t*>(packed.data());
      for (uint64_t i = 0; i < per_mini && out->size() < total; ++i) {
        const uint64_t delta = width == 0 ? 0 : ReadBits(data, i * width, width);
        value += static_cast<uint64_t>(min_delta) + delta;  // wraps by design
        out->push_back(static_cast<int64_t>(value));
      }
    }
  }
  *consumed = in.size() - c.remaining();
  return Status::OK();
}

Status DecodeDeltaBinaryPacked(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out) {
  if (layout.boolean || (layout.width != 4 && layout.width != 8)) {
    return Unsupported("DELTA_BINARY_PACKED is only defined for INT32 and INT64 columns");
  }
  std::vector<int64_t> values;
  size_t used = 0;
  RETURN_IF_ERROR(DecodeDeltaStream(in, n, &values, &used));
  if (static_cast<int64_t>(values.size()) != n) {
    return Corrupt("DELTA_BINARY_PACKED: page holds {} values, {} expected", values.size(), n);
  }
  uint8_t* dst = out->AppendFixedSlots(n);
  if (layout.width == 8) {
    if (n > 0) std::memcpy(dst, values.data(), static_cast<size_t>(n) * 8);
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t v32 = static_cast<int32_t>(static_cast<uint32_t>(values[i]));
      std::memcpy(dst + i * 4, &v32, 4);
    }
  }
  return Status::OK();
}

namespace {

// Appends a decoded byte-array value, checking FIXED_LEN_BYTE_ARRAY's length.
Status AppendByteValue(std::string_view v, ValueLayout layout, DecodedValues* out) {
  if (layout.width == 0) {
    out->AppendBytes(v);
    return Status::OK();
  }
  if (v.size() != static_cast<size_t>(layout.width)) {
    return Corrupt("FIXED_LEN_BYTE_ARRAY value has {} bytes, the column declares {}", v.size(), layout.width);
  }
  out->AppendFixed(v.data());
  return Status::OK();
}

// Lengths followed by concatenated bytes; `consumed` reports the bytes used.
Status DecodeLengthsAndBytes(std::string_view in, int64_t n, std::vector<std::string_view>* values) {
  std::vector<int64_t> lengths;
  size_t used = 0;
  RETURN_IF_ERROR(DecodeDeltaStream(in, n, &lengths, &used));
  if (static_cast<int64_t>(lengths.size()) != n) {
    return Corrupt("DELTA_LENGTH_BYTE_ARRAY: {} lengths, {} values expected", lengths.size(), n);
  }
  ByteCursor c(in.substr(used));
  values->clear();
  values->reserve(n);
  for (int64_t len : lengths) {
    if (len < 0) return Corrupt("DELTA_LENGTH_BYTE_ARRAY: negative length {}", len);
    ASSIGN_OR_RETURN(std::string_view v, c.Take(static_cast<uint64_t>(len), "DELTA_LENGTH_BYTE_ARRAY value"));
    values->push_back(v);
  }
  return Status::OK();
}

}  // namespace

Status DecodeDeltaLengthByteArray(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out) {
  if (layout.boolean) return Unsupported("DELTA_LENGTH_BYTE_ARRAY is not defined for BOOLEAN");
  std::vector<std::string_view> values;
  RETURN_IF_ERROR(DecodeLengthsAndBytes(in, n, &values));
  out->Reserve(n);
  for (std::string_view v : values) RETURN_IF_ERROR(AppendByteValue(v, layout, out));
  return Status::OK();
}

Status DecodeDeltaByteArray(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out) {
  if (layout.boolean) return Unsupported("DELTA_BYTE_ARRAY is not defined for BOOLEAN");
  std::vector<int64_t> prefixes;
  size_t used = 0;
  RETURN_IF_ERROR(DecodeDeltaStream(in, n, &prefixes, &used));
  if (static_cast<int64_t>(prefixes.size()) != n) {
    return Corrupt("DELTA_BYTE_ARRAY: {} prefix lengths, {} values expected", prefixes.size(), n);
  }
  std::vector<std::string_view> suffixes;
  RETURN_IF_ERROR(DecodeLengthsAndBytes(in.substr(used), n, &suffixes));
  out->Reserve(n);
  std::string previous, current;
  for (int64_t i = 0; i < n; ++i) {
    if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous.size()) {
      return Corrupt("DELTA_BYTE_ARRAY: prefix length {} exceeds the previous value's {} bytes", prefixes[i],
                     previous.size());
    }
    current.assign(previous, 0, static_cast<size_t>(prefixes[i]));
    current.append(suffixes[i]);
    RETURN_IF_ERROR(AppendByteValue(current, layout, out));
    std::swap(previous, current);
  }
  return Status::OK();
}

}  // namespace icesync::parquet
