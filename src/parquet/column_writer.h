#pragma once
// Writes one column chunk per row group: values are encoded into data pages (v1) as they
// arrive, each page compressed when full (~page_size bytes), and the compressed pages kept
// in memory until the row group ends; then the dictionary page (if any) and the data pages
// go to the file. So a column holds at most one row group of compressed pages.
//
// Encoding: RLE_DICTIONARY while the dictionary stays under its size limit and pays for
// itself on the first page, otherwise PLAIN (a chunk may switch from dictionary to PLAIN
// part way, as parquet-mr and arrow do). Optional columns carry RLE definition levels.
//
// A ColumnWriter is used by one thread at a time and shares nothing with other columns, so
// the ParquetWriter appends to and finishes its columns in parallel. Its errors do not name
// the column: the ParquetWriter adds the column's name and field id.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/value.h"
#include "parquet/file_sink.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

struct ColumnWriterOptions {
  CompressionCodec codec = CompressionCodec::ZSTD;
  int compression_level = 0;  // 0: the codec's default
  int64_t page_size = 1 << 20;
  int64_t dictionary_page_size_limit = 1 << 20;
  bool enable_dictionary = true;
};

// What Iceberg's manifest needs about one column, over the whole file.
struct ColumnFileMetrics {
  int64_t column_size = 0;  // compressed bytes of the column's chunks, page headers included
  int64_t value_count = 0;  // including nulls
  int64_t null_count = 0;
  std::optional<int64_t> nan_count;  // float/double columns only
  std::optional<Value> min, max;     // untruncated; NaN and nulls excluded
};

class ColumnWriter {
 public:
  // The writer for a top-level primitive field (Unsupported for nested types).
  static Result<std::unique_ptr<ColumnWriter>> Make(const Field& field, const ColumnWriterOptions& options);
  virtual ~ColumnWriter() = default;

  const Field& field() const { return field_; }
  const SchemaElement& schema_element() const { return element_; }

  // Appends rows [offset, offset + n) of `column`, whose type is field().type.
  virtual Status Append(const ColumnVector& column, int64_t offset, int64_t n) = 0;

  // Uncompressed, encoded bytes of the current chunk so far (for the row group size check).
  int64_t buffered_bytes() const { return chunk_uncompressed_ + PendingPageBytes(); }
  // Memory held by compressed pages of the current chunk.
  int64_t buffered_compressed_bytes() const { return static_cast<int64_t>(chunk_pages_.size()); }

  // Ends the current chunk: flushes its last page, encodes the dictionary page, statistics
  // and metadata (all but the file offsets) and adds them to metrics(). Touches only this
  // column, so the writer runs it for all columns in parallel.
  Status FinishChunk();
  // Appends the chunk FinishChunk() ended to `sink` and describes it in *chunk; the next
  // chunk starts empty.
  Status WriteChunk(FileSink& sink, ColumnChunk* chunk);

  const ColumnFileMetrics& metrics() const { return metrics_; }

 protected:
  ColumnWriter(Field field, SchemaElement element, ColumnWriterOptions options);

  // ---- implemented by the typed writers
  // Plain-encoded bytes of the page being built.
  virtual int64_t PendingPageBytes() const = 0;
  // Whether the page being built is dictionary-encoded.
  virtual bool page_uses_dictionary() const = 0;
  // Appends the page's value section and clears the page's values.
  virtual void EncodePageValues(std::string* out) = 0;
  // PLAIN encoding of the dictionary and its entry count; called only if a data page used it.
  virtual void EncodeDictionary(std::string* out, int32_t* count) = 0;
  // The chunk's min/max: parquet-encoded into *stats, and as values for Iceberg's bounds.
  virtual void FinishChunkStatistics(Statistics* stats, std::optional<Value>* min,
                                     std::optional<Value>* max) = 0;
  // Resets dictionary and statistics for the next chunk.
  virtual void ResetChunk() = 0;

  // Ends the page being built (no-op when empty): levels + values, compressed, buffered.
  Status FlushPage();
  Status CheckRequired(const ColumnVector& column, int64_t offset, int64_t n) const;

  Field field_;
  SchemaElement element_;
  ColumnWriterOptions options_;
  bool optional_;

  // The page being built.
  std::vector<uint8_t> page_levels_;  // optional columns: definition level per row
  int64_t page_rows_ = 0;
  int64_t page_nulls_ = 0;
  int32_t dictionary_pages_ = 0;  // data pages of this chunk that use the dictionary
  int64_t chunk_nan_ = 0;

 private:
  Status AppendPage(PageType type, const std::string& body, int32_t num_values, Encoding encoding,
                    std::string* dest, int64_t* uncompressed, int64_t* compressed);

  // The current chunk.
  std::string chunk_pages_;  // data pages, compressed, with headers
  // Set by FinishChunk for WriteChunk: the dictionary page (empty if none) and the metadata.
  std::string dictionary_page_;
  std::optional<ColumnMetaData> finished_;
  int64_t chunk_uncompressed_ = 0;
  int64_t chunk_compressed_ = 0;
  int64_t chunk_rows_ = 0;
  int64_t chunk_nulls_ = 0;
  int32_t plain_pages_ = 0;

  ColumnFileMetrics metrics_;
  // Scratch buffers reused across pages.
  std::string page_body_;
  std::string compressed_;
  std::vector<uint32_t> levels32_;
};

}  // namespace icesync::parquet
