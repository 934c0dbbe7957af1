#include "parquet/column_chunk_reader.h"

#include <zlib.h>

#include <algorithm>

#include "parquet/byte_cursor.h"
#include "parquet/compression.h"
#include "parquet/rle.h"
#include "parquet/value_decoders.h"

namespace icesync::parquet {

namespace {

// Larger pages are rejected rather than allocated: no writer produces them, and a corrupt
// header must not make us allocate gigabytes.
constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
constexpr int64_t kMaxPageValues = int64_t{1} << 26;
// Reservations made ahead of decoding (capacity, untouched until written) are capped so
// that a corrupt row count cannot reserve gigabytes.
constexpr int64_t kMaxReservedValues = int64_t{1} << 24;
constexpr size_t kMaxReservedBytes = size_t{1} << 28;

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnChunk& chunk, const ColumnMetaData& meta, const LeafColumn& leaf, int64_t expected_levels,
               const ColumnReadOptions& options, std::string context, ChunkBuffers* buffers, LeafData* out)
      : chunk_(chunk), meta_(meta), leaf_(leaf), expected_levels_(expected_levels), options_(options),
        context_(std::move(context)), out_(out), dictionary_(leaf.layout.width), page_buffer_(buffers->page),
        levels_(buffers->indices) {}

  Status Run(std::string_view bytes) {
    (void)chunk_;
    size_t pos = 0;
    while (out_->num_levels < expected_levels_) {
      if (pos >= bytes.size()) {
        return Corrupt("{}: column '{}' ends after {} of its {} values", context_, leaf_.dotted_path, out_->num_levels,
                       expected_levels_);
      }
      PageHeader h;
      size_t consumed = 0;
      Status st = ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()) + pos, bytes.size() - pos, &h, &consumed);
      if (!st.ok()) {
        return Corrupt("{}: column '{}': corrupt page header at chunk offset {}: {}", context_, leaf_.dotted_path, pos,
                       st.message());
      }
      pos += consumed;
      if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > bytes.size() - pos) {
        return Corrupt("{}: column '{}': page of {} bytes runs past the column chunk ({} bytes left)", context_,
                       leaf_.dotted_path, h.compressed_page_size, bytes.size() - pos);
      }
      if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes) {
        return Corrupt("{}: column '{}': corrupt page header: uncompressed size {}", context_, leaf_.dotted_path,
                       h.uncompressed_page_size);
      }
      std::string_view body = bytes.substr(pos, h.compressed_page_size);
      pos += h.compressed_page_size;
      if (options_.verify_checksums && h.crc.has_value()) {
        const uint32_t crc = static_cast<uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
        if (crc != static_cast<uint32_t>(*h.crc)) {
          return Corrupt("{}: column '{}': page checksum mismatch (CRC32 {:08x}, header says {:08x})", context_,
                         leaf_.dotted_path, crc, static_cast<uint32_t>(*h.crc));
        }
      }
      Status page_status;
      switch (h.type) {
        case PageType::DICTIONARY_PAGE: page_status = DictionaryPage(h, body); break;
        case PageType::DATA_PAGE: page_status = DataPageV1(h, body); break;
        case PageType::DATA_PAGE_V2: page_status = DataPageV2(h, body); break;
        default: break;  // index pages and unknown page types carry no rows
      }
      RETURN_IF_ERROR(page_status);
    }
    return Status::OK();
  }

 private:
  Status Fail(const std::string& what) {
    return Corrupt("{}: column '{}': {}", context_, leaf_.dotted_path, what);
  }

  Status Decompress(std::string_view body, int64_t uncompressed, std::string_view* out) {
    if (meta_.codec == CompressionCodec::UNCOMPRESSED) {
      if (static_cast<int64_t>(body.size()) != uncompressed) {
        return Fail(fmt::format("uncompressed page has {} bytes, its header says {}", body.size(), uncompressed));
      }
      *out = body;
      return Status::OK();
    }
    // The page buffer only grows (zero-filled only then); a page uses its first bytes.
    const size_t size = static_cast<size_t>(uncompressed);
    if (page_buffer_.size() < size) {
      page_buffer_.clear();
      page_buffer_.resize(size);
    }
    Status st = parquet::Decompress(meta_.codec, reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                                    reinterpret_cast<uint8_t*>(page_buffer_.data()), size);
    if (!st.ok()) return Fail(fmt::format("cannot decompress {} page: {}", CodecName(meta_.codec), st.message()));
    *out = std::string_view(page_buffer_.data(), size);
    return Status::OK();
  }

  Status DictionaryPage(const PageHeader& h, std::string_view body) {
    if (!h.dictionary_page_header.has_value()) return Fail("corrupt page header: dictionary page without its header");
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    if (d.num_values < 0) return Fail(fmt::format("corrupt page header: negative value count {}", d.num_values));
    if (d.encoding != Encoding::PLAIN && d.encoding != Encoding::PLAIN_DICTIONARY) {
      return Unsupported("{}: column '{}': dictionary page encoding {} is not supported", context_, leaf_.dotted_path,
                         EncodingName(d.encoding));
    }
    std::string_view data;
    RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
    dictionary_.Clear();
    Status st = DecodePlain(data, leaf_.layout, d.num_values, &dictionary_);
    if (!st.ok()) return Fail("dictionary page: " + st.message());
    has_dictionary_ = true;
    return Status::OK();
  }

  // Reads `n` levels of max `max_level` from an RLE run of `bytes`.
  Status DecodeLevels(std::string_view bytes, int64_t n, int max_level, const char* kind, std::vector<int16_t>* out) {
    RleDecoder dec(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), BitWidth(max_level));
    levels_.resize(n);
    Status st = dec.Get(levels_.data(), n);
    if (!st.ok()) return Fail(fmt::format("not enough {} levels in page: {}", kind, st.message()));
    // One pass for the check (the maximum), one for the narrowing copy: both vectorize.
    uint32_t max_seen = 0;
    for (int64_t i = 0; i < n; ++i) max_seen = std::max(max_seen, levels_[i]);
    if (max_seen > static_cast<uint32_t>(max_level)) {
      return Fail(fmt::format("{} level {} exceeds the max {}", kind, max_seen, max_level));
    }
    const size_t old = out->size();
    out->resize(old + static_cast<size_t>(n));
    int16_t* dst = out->data() + old;
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<int16_t>(levels_[i]);
    return Status::OK();
  }

  // v1 levels: 4-byte length + RLE data, advancing `data`.
  Status LevelsV1(std::string_view& data, Encoding encoding, int64_t n, int max_level, const char* kind,
                  std::vector<int16_t>* out) {
    if (max_level == 0) return Status::OK();
    if (encoding != Encoding::RLE) {
      return Unsupported("{}: column '{}': {} level encoding {} is not supported", context_, leaf_.dotted_path, kind,
                         EncodingName(encoding));
    }
    ByteCursor c(data);
    auto len = c.ReadU32LE("level length");
    if (!len.ok()) return Fail(fmt::format("{} levels: {}", kind, len.status().message()));
    auto run = c.Take(*len, "levels");
    if (!run.ok()) return Fail(fmt::format("{} levels: {}", kind, run.status().message()));
    RETURN_IF_ERROR(DecodeLevels(*run, n, max_level, kind, out));
    data = data.substr(4 + *len);
    return Status::OK();
  }

  Status CheckValueCount(int64_t n) {
    if (n < 0) return Fail(fmt::format("corrupt page header: negative value count {}", n));
    if (n > kMaxPageValues) return Fail(fmt::format("page declares {} values, more than icesync reads per page", n));
    if (n > expected_levels_ - out_->num_levels) {
      return Fail(fmt::format("page holds {} values but the column chunk has only {} left", n,
                              expected_levels_ - out_->num_levels));
    }
    return Status::OK();
  }

  // Counts the present values of the levels just appended.
  int64_t PresentValues(int64_t n) const {
    if (leaf_.max_def == 0) return n;
    int64_t present = 0;
    for (size_t i = out_->def.size() - n; i < out_->def.size(); ++i) present += out_->def[i] == leaf_.max_def;
    return present;
  }

  Status DataPageV1(const PageHeader& h, std::string_view body) {
    if (!h.data_page_header.has_value()) return Fail("corrupt page header: data page without its header");
    const DataPageHeader& d = *h.data_page_header;
    RETURN_IF_ERROR(CheckValueCount(d.num_values));
    std::string_view data;
    RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
    RETURN_IF_ERROR(LevelsV1(data, d.repetition_level_encoding, d.num_values, leaf_.max_rep, "repetition", &out_->rep));
    RETURN_IF_ERROR(LevelsV1(data, d.definition_level_encoding, d.num_values, leaf_.max_def, "definition", &out_->def));
    RETURN_IF_ERROR(DecodeValues(d.encoding, data, PresentValues(d.num_values)));
    out_->num_levels += d.num_values;
    ReserveRest();
    return Status::OK();
  }

  // After a data page: room for the rest of the chunk's byte arrays, extrapolated.
  void ReserveRest() {
    out_->values.ReserveForTotal(std::min(expected_levels_, kMaxReservedValues), kMaxReservedBytes);
  }

  Status DataPageV2(const PageHeader& h, std::string_view body) {
    if (!h.data_page_header_v2.has_value()) return Fail("corrupt page header: v2 data page without its header");
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    RETURN_IF_ERROR(CheckValueCount(d.num_values));
    if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
        static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            static_cast<int64_t>(body.size())) {
      return Fail("corrupt page header: level lengths exceed the page");
    }
    const size_t rep_len = d.repetition_levels_byte_length;
    const size_t def_len = d.definition_levels_byte_length;
    // Levels are never compressed in v2 pages.
    if (leaf_.max_rep > 0) {
      RETURN_IF_ERROR(DecodeLevels(body.substr(0, rep_len), d.num_values, leaf_.max_rep, "repetition", &out_->rep));
    }
    if (leaf_.max_def > 0) {
      RETURN_IF_ERROR(DecodeLevels(body.substr(rep_len, def_len), d.num_values, leaf_.max_def, "definition", &out_->def));
    }
    std::string_view values = body.substr(rep_len + def_len);
    const int64_t uncompressed_values = static_cast<int64_t>(h.uncompressed_page_size) - rep_len - def_len;
    std::string_view data = values;
    // An empty body is not a valid compressed stream for every codec: nothing to decompress.
    if (d.is_compressed && meta_.codec != CompressionCodec::UNCOMPRESSED && !values.empty()) {
      if (uncompressed_values < 0) return Fail("corrupt page header: uncompressed size smaller than the levels");
      RETURN_IF_ERROR(Decompress(values, uncompressed_values, &data));
    }
    RETURN_IF_ERROR(DecodeValues(d.encoding, data, PresentValues(d.num_values)));
    out_->num_levels += d.num_values;
    ReserveRest();
    return Status::OK();
  }

  Status DecodeValues(Encoding encoding, std::string_view data, int64_t n) {
    DecodedValues& out = out_->values;
    Status st;  // from the context-free decoders of value_decoders.h
    switch (encoding) {
      case Encoding::PLAIN_DICTIONARY:
      case Encoding::RLE_DICTIONARY: return DecodeDictionary(data, n);
      case Encoding::RLE: return DecodeRleBooleans(data, n);
      case Encoding::PLAIN: st = DecodePlain(data, leaf_.layout, n, &out); break;
      case Encoding::DELTA_BINARY_PACKED: st = DecodeDeltaBinaryPacked(data, leaf_.layout, n, &out); break;
      case Encoding::DELTA_LENGTH_BYTE_ARRAY: st = DecodeDeltaLengthByteArray(data, leaf_.layout, n, &out); break;
      case Encoding::DELTA_BYTE_ARRAY: st = DecodeDeltaByteArray(data, leaf_.layout, n, &out); break;
      case Encoding::BYTE_STREAM_SPLIT: st = DecodeByteStreamSplit(data, leaf_.layout, n, &out); break;
      default:
        return Unsupported("{}: column '{}': encoding {} is not supported", context_, leaf_.dotted_path,
                           EncodingName(encoding));
    }
    if (st.ok()) return st;
    if (st.code() == ErrorCode::kUnsupported) return st.WithContext(context_ + ": column '" + leaf_.dotted_path + "': ");
    return Fail(st.message());
  }

  Status DecodeDictionary(std::string_view data, int64_t n) {
    if (!has_dictionary_) return Fail("dictionary-encoded page without a dictionary page");
    if (n == 0) return Status::OK();
    if (data.empty()) return Fail("dictionary indices are missing");
    const int bit_width = static_cast<uint8_t>(data[0]);
    if (bit_width > 32) return Fail(fmt::format("invalid dictionary index bit width {}", bit_width));
    RleDecoder dec(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1, bit_width);
    levels_.resize(n);
    Status st = dec.Get(levels_.data(), n);
    if (!st.ok()) return Fail("dictionary indices: " + st.message());
    // Check every index in one branch-free pass, then gather without per-value checks.
    const uint64_t dict_size = static_cast<uint64_t>(dictionary_.size());
    uint32_t max_index = 0;
    for (int64_t i = 0; i < n; ++i) max_index = std::max(max_index, levels_[i]);
    if (max_index >= dict_size) {
      return Fail(fmt::format("dictionary index {} out of range (dictionary has {} values)", max_index, dict_size));
    }
    out_->values.AppendGathered(dictionary_, levels_.data(), n);
    return Status::OK();
  }

  Status DecodeRleBooleans(std::string_view data, int64_t n) {
    if (!leaf_.layout.boolean) {
      return Unsupported("{}: column '{}': RLE value encoding is only supported for BOOLEAN", context_,
                         leaf_.dotted_path);
    }
    ByteCursor c(data);
    auto len = c.ReadU32LE("RLE boolean length");
    if (!len.ok()) return Fail(len.status().message());
    auto run = c.Take(*len, "RLE booleans");
    if (!run.ok()) return Fail(run.status().message());
    RleDecoder dec(reinterpret_cast<const uint8_t*>(run->data()), run->size(), 1);
    levels_.resize(n);
    Status st = dec.Get(levels_.data(), n);
    if (!st.ok()) return Fail("RLE booleans: " + st.message());
    uint8_t* dst = out_->values.AppendFixedSlots(n);
    for (int64_t i = 0; i < n; ++i) dst[i] = levels_[i] ? 1 : 0;
    return Status::OK();
  }

  const ColumnChunk& chunk_;
  const ColumnMetaData& meta_;
  const LeafColumn& leaf_;
  const int64_t expected_levels_;
  const ColumnReadOptions& options_;
  const std::string context_;
  LeafData* out_;
  DecodedValues dictionary_;
  bool has_dictionary_ = false;
  std::string& page_buffer_;         // ChunkBuffers::page
  std::vector<uint32_t>& levels_;    // ChunkBuffers::indices
};

}  // namespace

Status ReadColumnChunk(const ByteSource& source, const ColumnChunk& chunk, const LeafColumn& leaf,
                       int64_t expected_rows, const ColumnReadOptions& options, const std::string& context,
                       ChunkBuffers* buffers, LeafData* out) {
  if (!chunk.meta_data.has_value()) {
    return Unsupported("{}: column '{}' has no inline metadata (external column chunks are not supported)", context,
                       leaf.dotted_path);
  }
  const ColumnMetaData& meta = *chunk.meta_data;
  if (chunk.file_path.has_value()) {
    return Unsupported("{}: column '{}' lives in another file ({})", context, leaf.dotted_path, *chunk.file_path);
  }
  if (meta.type != leaf.physical) {
    return Corrupt("{}: column '{}' chunk has physical type {}, the schema says {}", context, leaf.dotted_path,
                   TypeName(meta.type), TypeName(leaf.physical));
  }
  // Non-repeated columns have one level entry per row; repeated ones say how many in the chunk.
  const int64_t expected_levels = leaf.max_rep == 0 ? expected_rows : meta.num_values;
  if (expected_levels < 0) return Corrupt("{}: column '{}' declares a negative value count", context, leaf.dotted_path);
  if (leaf.max_rep > 0 && meta.num_values < expected_rows) {
    return Corrupt("{}: column '{}' has {} values for {} rows", context, leaf.dotted_path, meta.num_values,
                   expected_rows);
  }
  int64_t start = meta.data_page_offset;
  // dictionary_page_offset 0 means absent (some writers set it so).
  if (meta.dictionary_page_offset.has_value() && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  const uint64_t file_size = source.size();
  if (start < 4 || length < 0 || static_cast<uint64_t>(start) > file_size ||
      static_cast<uint64_t>(length) > file_size - static_cast<uint64_t>(start)) {
    return Corrupt("{}: column '{}' chunk (offset {}, {} bytes) lies outside the {}-byte file", context,
                   leaf.dotted_path, start, length, file_size);
  }
  ChunkBuffers local;
  if (buffers == nullptr) buffers = &local;
  // The buffer only grows (by an eighth more, so that the next, slightly larger chunk fits),
  // and is zero-filled only when it does.
  std::string& buffer = buffers->chunk;
  if (buffer.size() < static_cast<size_t>(length)) {
    buffer.clear();
    buffer.resize(static_cast<size_t>(length + length / 8));
  }
  RETURN_IF_ERROR(source.ReadInto(static_cast<uint64_t>(start), static_cast<uint64_t>(length),
                                  reinterpret_cast<uint8_t*>(buffer.data())));
  const std::string_view bytes(buffer.data(), static_cast<size_t>(length));
  out->num_levels = 0;
  out->def.clear();
  out->rep.clear();
  out->values.Reset(leaf.layout.width);
  // Capacity only: a chunk's fixed-width values come to at most expected_levels.
  // An eighth more, so that a next row group a little larger fits the same buffer.
  if (leaf.layout.width > 0) {
    const int64_t want = std::min<int64_t>(expected_levels, kMaxReservedValues);
    if (static_cast<size_t>(want) * leaf.layout.width > out->values.capacity_bytes()) {
      out->values.Reserve(want + want / 8);
    }
  }
  ChunkDecoder decoder(chunk, meta, leaf, expected_levels, options, context, buffers, out);
  return decoder.Run(bytes);
}

}  // namespace icesync::parquet
