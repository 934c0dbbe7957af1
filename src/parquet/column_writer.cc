#include "parquet/column_writer.h"

#include "parquet/compression.h"
#include "parquet/encoding_plain.h"
#include "parquet/rle.h"
#include "parquet/writer_schema.h"

namespace icesync::parquet {

ColumnWriter::ColumnWriter(Field field, SchemaElement element, ColumnWriterOptions options)
    : field_(std::move(field)),
      element_(std::move(element)),
      options_(options),
      optional_(!field_.required) {
  if (field_.type.id() == TypeId::kFloat32 || field_.type.id() == TypeId::kFloat64) metrics_.nan_count = 0;
}

Status ColumnWriter::CheckRequired(const ColumnVector& column, int64_t offset, int64_t n) const {
  if (optional_ || !column.has_nulls()) return Status::OK();
  const uint8_t* valid = column.validity().data();
  for (int64_t i = offset; i < offset + n; ++i) {
    if (!valid[i]) {
      return InvalidArgument("required, but row {} of the batch is null", i);
    }
  }
  return Status::OK();
}

Status ColumnWriter::AppendPage(PageType type, const std::string& body, int32_t num_values,
                                Encoding encoding, std::string* dest, int64_t* uncompressed,
                                int64_t* compressed) {
  if (body.size() > INT32_MAX) {
    return InvalidArgument("a page exceeds 2 GiB; values this large cannot be written");
  }
  RETURN_IF_ERROR(Compress(options_.codec, reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                           &compressed_, options_.compression_level));
  PageHeader h;
  h.type = type;
  h.uncompressed_page_size = static_cast<int32_t>(body.size());
  h.compressed_page_size = static_cast<int32_t>(compressed_.size());
  if (type == PageType::DICTIONARY_PAGE) {
    h.dictionary_page_header = DictionaryPageHeader{num_values, Encoding::PLAIN, std::nullopt};
  } else {
    h.data_page_header = DataPageHeader{num_values, encoding, Encoding::RLE, Encoding::RLE, std::nullopt};
  }
  size_t before = dest->size();
  AppendPageHeader(h, dest);
  size_t header = dest->size() - before;
  dest->append(compressed_);
  *uncompressed += static_cast<int64_t>(header + body.size());
  *compressed += static_cast<int64_t>(header + compressed_.size());
  return Status::OK();
}

Status ColumnWriter::FlushPage() {
  if (page_rows_ == 0) return Status::OK();
  page_body_.clear();
  if (optional_) {
    // v1 data page: definition levels as RLE with a 4-byte length prefix (max level 1).
    levels32_.assign(page_levels_.begin(), page_levels_.end());
    page_body_.resize(4);
    RleEncode(levels32_.data(), levels32_.size(), 1, &page_body_);
    uint32_t len = static_cast<uint32_t>(page_body_.size() - 4);
    std::memcpy(page_body_.data(), &len, 4);
  }
  bool dict = page_uses_dictionary();
  EncodePageValues(&page_body_);
  if (page_rows_ > INT32_MAX) return Internal("page of {} rows", page_rows_);
  RETURN_IF_ERROR(AppendPage(PageType::DATA_PAGE, page_body_, static_cast<int32_t>(page_rows_),
                             dict ? Encoding::RLE_DICTIONARY : Encoding::PLAIN, &chunk_pages_,
                             &chunk_uncompressed_, &chunk_compressed_));
  (dict ? dictionary_pages_ : plain_pages_) += 1;
  chunk_rows_ += page_rows_;
  chunk_nulls_ += page_nulls_;
  page_rows_ = 0;
  page_nulls_ = 0;
  page_levels_.clear();
  return Status::OK();
}

Status ColumnWriter::FinishChunk() {
  RETURN_IF_ERROR(FlushPage());
  ColumnMetaData md;
  md.type = *element_.type;
  md.path_in_schema = {field_.name};
  md.codec = options_.codec;
  md.num_values = chunk_rows_;
  int64_t uncompressed = chunk_uncompressed_, compressed = chunk_compressed_;
  dictionary_page_.clear();
  if (dictionary_pages_ > 0) {
    std::string dict_body;
    int32_t count = 0;
    EncodeDictionary(&dict_body, &count);
    RETURN_IF_ERROR(AppendPage(PageType::DICTIONARY_PAGE, dict_body, count, Encoding::PLAIN, &dictionary_page_,
                               &uncompressed, &compressed));
    md.encoding_stats.push_back({PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1});
  }
  md.total_uncompressed_size = uncompressed;
  md.total_compressed_size = compressed;
  // Encodings in use: PLAIN for the dictionary page and/or plain data pages.
  if (dictionary_pages_ > 0 || plain_pages_ > 0) md.encodings.push_back(Encoding::PLAIN);
  if (optional_) md.encodings.push_back(Encoding::RLE);
  if (dictionary_pages_ > 0) {
    md.encodings.push_back(Encoding::RLE_DICTIONARY);
    md.encoding_stats.push_back({PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, dictionary_pages_});
  }
  if (plain_pages_ > 0) md.encoding_stats.push_back({PageType::DATA_PAGE, Encoding::PLAIN, plain_pages_});

  Statistics stats;
  std::optional<Value> min, max;
  FinishChunkStatistics(&stats, &min, &max);
  stats.null_count = chunk_nulls_;
  if (metrics_.nan_count) stats.nan_count = chunk_nan_;
  md.statistics = std::move(stats);

  metrics_.column_size += compressed;
  metrics_.value_count += chunk_rows_;
  metrics_.null_count += chunk_nulls_;
  if (metrics_.nan_count) *metrics_.nan_count += chunk_nan_;
  if (min && (!metrics_.min || min->Compare(*metrics_.min) < 0)) metrics_.min = std::move(min);
  if (max && (!metrics_.max || max->Compare(*metrics_.max) > 0)) metrics_.max = std::move(max);
  finished_ = std::move(md);

  chunk_uncompressed_ = chunk_compressed_ = chunk_rows_ = chunk_nulls_ = chunk_nan_ = 0;
  dictionary_pages_ = plain_pages_ = 0;
  ResetChunk();
  return Status::OK();
}

Status ColumnWriter::WriteChunk(FileSink& sink, ColumnChunk* chunk) {
  if (!finished_) return Internal("column chunk written before it was finished");
  ColumnMetaData& md = *finished_;
  const int64_t start = sink.position();
  if (!dictionary_page_.empty()) {
    md.dictionary_page_offset = start;
    RETURN_IF_ERROR(sink.AppendAndClear(&dictionary_page_));
  }
  md.data_page_offset = sink.position();
  // A sink writing in the background takes the buffer; otherwise its capacity is kept for
  // the next chunk, up to a limit.
  RETURN_IF_ERROR(sink.AppendAndClear(&chunk_pages_));
  if (chunk_pages_.capacity() > (64 << 20)) chunk_pages_.shrink_to_fit();
  chunk->file_offset = start;
  chunk->meta_data = std::move(md);
  finished_.reset();
  return Status::OK();
}

}  // namespace icesync::parquet
