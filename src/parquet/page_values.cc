#include "parquet/page_values.h"

#include <algorithm>
#include <cstring>

#include "parquet/byte_cursor.h"

namespace icesync::parquet {

Status PageValues::Start(Encoding encoding, std::string_view data, int64_t n, ValueLayout layout,
                         const DecodedValues* dictionary) {
  if (n < 0) return Corrupt("negative value count {}", n);
  layout_ = layout;
  data_ = data;
  remaining_ = n;
  next_ = 0;
  switch (encoding) {
    case Encoding::PLAIN_DICTIONARY:
    case Encoding::RLE_DICTIONARY:
      mode_ = Mode::kDictionary;
      return StartDictionary(data, dictionary);
    case Encoding::PLAIN:
      // The sizes are checked here, once, so that Take copies without checks.
      if (layout.boolean) {
        if (static_cast<uint64_t>(n) > data.size() * 8ull) {
          return Corrupt("PLAIN booleans: {} values need {} bytes, page has {}", n, (n + 7) / 8, data.size());
        }
        mode_ = Mode::kPlainBoolean;
      } else if (layout.width > 0) {
        if (static_cast<uint64_t>(n) > data.size() / layout.width) {
          return Corrupt("PLAIN values: {} values of {} bytes need {} bytes, page has {}", n, layout.width,
                         n * layout.width, data.size());
        }
        mode_ = Mode::kPlainFixed;
      } else {
        // Each value takes at least its 4-byte length; the lengths are checked as taken.
        if (static_cast<uint64_t>(n) > data.size() / 4) {
          return Corrupt("PLAIN byte arrays: {} values cannot fit in {} bytes", n, data.size());
        }
        mode_ = Mode::kPlainBytes;
      }
      return Status::OK();
    default:
      break;
  }
  mode_ = Mode::kDecoded;
  decoded_.Reset(layout.width);
  switch (encoding) {
    case Encoding::RLE: {
      if (!layout.boolean) return Unsupported("RLE value encoding is only supported for BOOLEAN");
      ByteCursor c(data);
      ASSIGN_OR_RETURN(uint32_t len, c.ReadU32LE("RLE boolean length"));
      ASSIGN_OR_RETURN(std::string_view run, c.Take(len, "RLE booleans"));
      RleDecoder dec(reinterpret_cast<const uint8_t*>(run.data()), run.size(), 1);
      index_buffer_.resize(static_cast<size_t>(n));
      Status st = dec.Get(index_buffer_.data(), static_cast<size_t>(n));
      if (!st.ok()) return Corrupt("RLE booleans: {}", st.message());
      uint8_t* dst = decoded_.AppendFixedSlots(n);
      for (int64_t i = 0; i < n; ++i) dst[i] = index_buffer_[i] ? 1 : 0;
      return Status::OK();
    }
    case Encoding::DELTA_BINARY_PACKED: return DecodeDeltaBinaryPacked(data, layout, n, &decoded_);
    case Encoding::DELTA_LENGTH_BYTE_ARRAY: return DecodeDeltaLengthByteArray(data, layout, n, &decoded_);
    case Encoding::DELTA_BYTE_ARRAY: return DecodeDeltaByteArray(data, layout, n, &decoded_);
    case Encoding::BYTE_STREAM_SPLIT: return DecodeByteStreamSplit(data, layout, n, &decoded_);
    default: return Unsupported("encoding {} is not supported", EncodingName(encoding));
  }
}

Status PageValues::StartDictionary(std::string_view data, const DecodedValues* dictionary) {
  if (dictionary == nullptr) return Corrupt("dictionary-encoded page without a dictionary page");
  dictionary_ = dictionary;
  if (remaining_ == 0) return Status::OK();
  if (data.empty()) return Corrupt("dictionary indices are missing");
  const int bit_width = static_cast<uint8_t>(data[0]);
  if (bit_width > 32) return Corrupt("invalid dictionary index bit width {}", bit_width);
  indices_ = RleDecoder(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1, bit_width);
  return Status::OK();
}

Status PageValues::Take(int64_t n, DecodedValues* out) {
  if (n == 0) return Status::OK();
  if (n < 0 || n > remaining_) return Internal("PageValues::Take({}) with {} values left", n, remaining_);
  Status st;
  switch (mode_) {
    case Mode::kPlainFixed: {
      const size_t w = static_cast<size_t>(layout_.width);
      std::memcpy(out->AppendFixedSlots(n), data_.data() + static_cast<size_t>(next_) * w, static_cast<size_t>(n) * w);
      next_ += n;
      break;
    }
    case Mode::kPlainBoolean: {
      uint8_t* dst = out->AppendFixedSlots(n);
      const auto* bits = reinterpret_cast<const uint8_t*>(data_.data());
      for (int64_t i = 0; i < n; ++i, ++next_) dst[i] = (bits[next_ >> 3] >> (next_ & 7)) & 1;
      break;
    }
    case Mode::kPlainBytes: st = TakePlainBytes(n, out); break;
    case Mode::kDictionary: st = TakeDictionary(n, out); break;
    case Mode::kDecoded:
      out->AppendRange(decoded_, next_, n);
      next_ += n;
      break;
  }
  if (st.ok()) remaining_ -= n;
  return st;
}

Status PageValues::TakePlainBytes(int64_t n, DecodedValues* out) {
  ByteCursor c(data_.substr(static_cast<size_t>(next_)));
  const size_t before = c.remaining();
  out->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(uint32_t len, c.ReadU32LE("PLAIN byte array length"));
    ASSIGN_OR_RETURN(std::string_view v, c.Take(len, "PLAIN byte array value"));
    out->AppendBytes(v);
  }
  next_ += static_cast<int64_t>(before - c.remaining());
  return Status::OK();
}

Status PageValues::TakeDictionary(int64_t n, DecodedValues* out) {
  index_buffer_.resize(static_cast<size_t>(n));
  Status st = indices_.Get(index_buffer_.data(), static_cast<size_t>(n));
  if (!st.ok()) return Corrupt("dictionary indices: {}", st.message());
  // Check every index in one branch-free pass, then gather without per-value checks.
  uint32_t max_index = 0;
  for (int64_t i = 0; i < n; ++i) max_index = std::max(max_index, index_buffer_[i]);
  const uint64_t dict_size = static_cast<uint64_t>(dictionary_->size());
  if (max_index >= dict_size) {
    return Corrupt("dictionary index {} out of range (dictionary has {} values)", max_index, dict_size);
  }
  out->AppendGathered(*dictionary_, index_buffer_.data(), n);
  return Status::OK();
}

}  // namespace icesync::parquet
