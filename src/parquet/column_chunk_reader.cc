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

}  // namespace

Status ColumnChunkReader::Open(const ByteSource* source, const ColumnChunk& chunk, const LeafColumn& leaf,
                               int64_t row_group_rows, const ColumnReadOptions& options, const std::string& context) {
  source_ = source;
  leaf_ = &leaf;
  options_ = options;
  context_ = context;
  started_levels_ = 0;
  has_dictionary_ = false;
  page_levels_ = page_next_ = 0;
  page_def_.clear();
  page_rep_.clear();
  if (!chunk.meta_data.has_value()) {
    return Unsupported("{}: column '{}' has no inline metadata (external column chunks are not supported)", context,
                       leaf.dotted_path);
  }
  meta_ = &*chunk.meta_data;
  const ColumnMetaData& meta = *meta_;
  if (chunk.file_path.has_value()) {
    return Unsupported("{}: column '{}' lives in another file ({})", context, leaf.dotted_path, *chunk.file_path);
  }
  if (meta.type != leaf.physical) {
    return Corrupt("{}: column '{}' chunk has physical type {}, the schema says {}", context, leaf.dotted_path,
                   TypeName(meta.type), TypeName(leaf.physical));
  }
  // Non-repeated columns have one level entry per row; repeated ones say how many in the chunk.
  expected_levels_ = leaf.max_rep == 0 ? row_group_rows : meta.num_values;
  if (expected_levels_ < 0) return Corrupt("{}: column '{}' declares a negative value count", context, leaf.dotted_path);
  if (leaf.max_rep > 0 && meta.num_values < row_group_rows) {
    return Corrupt("{}: column '{}' has {} values for {} rows", context, leaf.dotted_path, meta.num_values,
                   row_group_rows);
  }
  int64_t start = meta.data_page_offset;
  // dictionary_page_offset 0 means absent (some writers set it so).
  if (meta.dictionary_page_offset.has_value() && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  const uint64_t file_size = source->size();
  if (start < 4 || length < 0 || static_cast<uint64_t>(start) > file_size ||
      static_cast<uint64_t>(length) > file_size - static_cast<uint64_t>(start)) {
    return Corrupt("{}: column '{}' chunk (offset {}, {} bytes) lies outside the {}-byte file", context,
                   leaf.dotted_path, start, length, file_size);
  }
  pages_.Open(source, static_cast<uint64_t>(start), static_cast<uint64_t>(length));
  dictionary_.Reset(leaf.layout.width);
  return Status::OK();
}

Status ColumnChunkReader::Fail(const std::string& what) const {
  return Corrupt("{}: column '{}': {}", context_, leaf_->dotted_path, what);
}

Status ColumnChunkReader::ReadRows(int64_t rows, LeafData* out) {
  out->num_levels = 0;
  out->def.clear();
  out->rep.clear();
  out->values.Reset(leaf_->layout.width);
  if (leaf_->max_rep == 0) {
    while (out->num_levels < rows) {
      if (page_next_ == page_levels_) RETURN_IF_ERROR(NextDataPage());
      RETURN_IF_ERROR(TakeLevels(std::min(rows - out->num_levels, page_levels_ - page_next_), out));
    }
    return Status::OK();
  }
  // Repeated: a row starts at each repetition level 0, so take levels until the one that
  // would start row rows + 1 (possibly on a later page: a row may span pages).
  int64_t started_rows = 0;
  while (true) {
    if (page_next_ == page_levels_) {
      if (started_levels_ == expected_levels_) return Status::OK();  // the chunk's last level is taken
      RETURN_IF_ERROR(NextDataPage());
      continue;
    }
    int64_t end = page_next_;
    for (; end < page_levels_; ++end) {
      if (page_rep_[end] != 0) continue;
      if (started_rows == rows) break;
      ++started_rows;
    }
    RETURN_IF_ERROR(TakeLevels(end - page_next_, out));
    if (end < page_levels_) return Status::OK();
  }
}

Status ColumnChunkReader::TakeLevels(int64_t n, LeafData* out) {
  int64_t present = n;
  if (leaf_->max_def > 0) {
    const int16_t* def = page_def_.data() + page_next_;
    out->def.insert(out->def.end(), def, def + n);
    present = 0;
    for (int64_t i = 0; i < n; ++i) present += def[i] == leaf_->max_def;
  }
  if (leaf_->max_rep > 0) out->rep.insert(out->rep.end(), page_rep_.data() + page_next_, page_rep_.data() + page_next_ + n);
  Status st = page_values_.Take(present, &out->values);
  if (!st.ok()) return Fail(st.message());
  page_next_ += n;
  out->num_levels += n;
  return Status::OK();
}

Status ColumnChunkReader::Finish() const {
  if (page_next_ != page_levels_ || started_levels_ != expected_levels_) {
    return Corrupt("{}: column '{}' holds more levels ({}) than the row group's rows use", context_,
                   leaf_->dotted_path, expected_levels_);
  }
  return Status::OK();
}

Status ColumnChunkReader::NextDataPage() {
  page_levels_ = page_next_ = 0;
  while (page_levels_ == 0) {
    if (started_levels_ >= expected_levels_ || pages_.done()) {
      return Corrupt("{}: column '{}' ends after {} of its {} values", context_, leaf_->dotted_path, started_levels_,
                     expected_levels_);
    }
    PageHeader h;
    std::string_view body;
    const uint64_t offset = pages_.chunk_offset();
    Status st = pages_.Next(&h, &body);
    if (!st.ok()) return Fail(st.message());
    if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes) {
      return Fail(fmt::format("corrupt page header at chunk offset {}: uncompressed size {}", offset,
                              h.uncompressed_page_size));
    }
    if (options_.verify_checksums && h.crc.has_value()) {
      const uint32_t crc =
          static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
      if (crc != static_cast<uint32_t>(*h.crc)) {
        return Fail(fmt::format("page checksum mismatch (CRC32 {:08x}, header says {:08x})", crc,
                                static_cast<uint32_t>(*h.crc)));
      }
    }
    switch (h.type) {
      case PageType::DICTIONARY_PAGE: RETURN_IF_ERROR(DictionaryPage(h, body)); break;
      case PageType::DATA_PAGE: RETURN_IF_ERROR(DataPageV1(h, body)); break;
      case PageType::DATA_PAGE_V2: RETURN_IF_ERROR(DataPageV2(h, body)); break;
      default: break;  // index pages and unknown page types carry no rows
    }
  }
  return Status::OK();
}

Status ColumnChunkReader::Decompress(std::string_view body, int64_t uncompressed, std::string_view* out) {
  if (meta_->codec == CompressionCodec::UNCOMPRESSED) {
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
  Status st = parquet::Decompress(meta_->codec, reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                                  reinterpret_cast<uint8_t*>(page_buffer_.data()), size);
  if (!st.ok()) return Fail(fmt::format("cannot decompress {} page: {}", CodecName(meta_->codec), st.message()));
  *out = std::string_view(page_buffer_.data(), size);
  return Status::OK();
}

Status ColumnChunkReader::DictionaryPage(const PageHeader& h, std::string_view body) {
  if (!h.dictionary_page_header.has_value()) return Fail("corrupt page header: dictionary page without its header");
  const DictionaryPageHeader& d = *h.dictionary_page_header;
  if (d.num_values < 0) return Fail(fmt::format("corrupt page header: negative value count {}", d.num_values));
  if (d.encoding != Encoding::PLAIN && d.encoding != Encoding::PLAIN_DICTIONARY) {
    return Unsupported("{}: column '{}': dictionary page encoding {} is not supported", context_, leaf_->dotted_path,
                       EncodingName(d.encoding));
  }
  std::string_view data;
  RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
  dictionary_.Reset(leaf_->layout.width);
  Status st = DecodePlain(data, leaf_->layout, d.num_values, &dictionary_);
  if (!st.ok()) return Fail("dictionary page: " + st.message());
  has_dictionary_ = true;
  return Status::OK();
}

// Reads `n` levels of max `max_level` from an RLE run of `bytes` into *out (replaced).
Status ColumnChunkReader::DecodeLevels(std::string_view bytes, int64_t n, int max_level, const char* kind,
                                       std::vector<int16_t>* out) {
  RleDecoder dec(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), BitWidth(max_level));
  level_scratch_.resize(static_cast<size_t>(n));
  Status st = dec.Get(level_scratch_.data(), static_cast<size_t>(n));
  if (!st.ok()) return Fail(fmt::format("not enough {} levels in page: {}", kind, st.message()));
  // One pass for the check (the maximum), one for the narrowing copy: both vectorize.
  uint32_t max_seen = 0;
  for (int64_t i = 0; i < n; ++i) max_seen = std::max(max_seen, level_scratch_[i]);
  if (max_seen > static_cast<uint32_t>(max_level)) {
    return Fail(fmt::format("{} level {} exceeds the max {}", kind, max_seen, max_level));
  }
  out->resize(static_cast<size_t>(n));
  int16_t* dst = out->data();
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<int16_t>(level_scratch_[i]);
  return Status::OK();
}

// v1 levels: 4-byte length + RLE data, advancing `data`.
Status ColumnChunkReader::LevelsV1(std::string_view& data, Encoding encoding, int64_t n, int max_level,
                                   const char* kind, std::vector<int16_t>* out) {
  if (max_level == 0) return Status::OK();
  if (encoding != Encoding::RLE) {
    return Unsupported("{}: column '{}': {} level encoding {} is not supported", context_, leaf_->dotted_path, kind,
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

Status ColumnChunkReader::CheckValueCount(int64_t n) const {
  if (n < 0) return Fail(fmt::format("corrupt page header: negative value count {}", n));
  if (n > kMaxPageValues) return Fail(fmt::format("page declares {} values, more than icesync reads per page", n));
  if (n > expected_levels_ - started_levels_) {
    return Fail(fmt::format("page holds {} values but the column chunk has only {} left", n,
                            expected_levels_ - started_levels_));
  }
  return Status::OK();
}

Status ColumnChunkReader::StartValues(Encoding encoding, std::string_view data) {
  int64_t present = page_levels_;
  if (leaf_->max_def > 0) {
    present = 0;
    for (int16_t d : page_def_) present += d == leaf_->max_def;
  }
  Status st = page_values_.Start(encoding, data, present, leaf_->layout, has_dictionary_ ? &dictionary_ : nullptr);
  if (st.ok()) return st;
  if (st.code() == ErrorCode::kUnsupported) return st.WithContext(context_ + ": column '" + leaf_->dotted_path + "': ");
  return Fail(st.message());
}

Status ColumnChunkReader::DataPageV1(const PageHeader& h, std::string_view body) {
  if (!h.data_page_header.has_value()) return Fail("corrupt page header: data page without its header");
  const DataPageHeader& d = *h.data_page_header;
  RETURN_IF_ERROR(CheckValueCount(d.num_values));
  std::string_view data;
  RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
  RETURN_IF_ERROR(LevelsV1(data, d.repetition_level_encoding, d.num_values, leaf_->max_rep, "repetition", &page_rep_));
  RETURN_IF_ERROR(LevelsV1(data, d.definition_level_encoding, d.num_values, leaf_->max_def, "definition", &page_def_));
  page_levels_ = d.num_values;
  started_levels_ += d.num_values;
  return StartValues(d.encoding, data);
}

Status ColumnChunkReader::DataPageV2(const PageHeader& h, std::string_view body) {
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
  if (leaf_->max_rep > 0) {
    RETURN_IF_ERROR(DecodeLevels(body.substr(0, rep_len), d.num_values, leaf_->max_rep, "repetition", &page_rep_));
  }
  if (leaf_->max_def > 0) {
    RETURN_IF_ERROR(DecodeLevels(body.substr(rep_len, def_len), d.num_values, leaf_->max_def, "definition", &page_def_));
  }
  std::string_view values = body.substr(rep_len + def_len);
  const int64_t uncompressed_values = static_cast<int64_t>(h.uncompressed_page_size) - rep_len - def_len;
  std::string_view data = values;
  // An empty body is not a valid compressed stream for every codec: nothing to decompress.
  if (d.is_compressed && meta_->codec != CompressionCodec::UNCOMPRESSED && !values.empty()) {
    if (uncompressed_values < 0) return Fail("corrupt page header: uncompressed size smaller than the levels");
    RETURN_IF_ERROR(Decompress(values, uncompressed_values, &data));
  }
  page_levels_ = d.num_values;
  started_levels_ += d.num_values;
  return StartValues(d.encoding, data);
}

}  // namespace icesync::parquet
