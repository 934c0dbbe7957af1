#pragma once
// Streams one column chunk to record assembly: each ReadRows call hands over the
// definition/repetition levels and values of the chunk's next rows, decoding pages
// (dictionary, data v1, data v2) as they are reached. In memory at any time: the page being
// consumed (decompressed), its levels, and a window of the chunk's stored bytes
// (PageReader), whatever the chunk's size.
//
// One reader serves the chunks of one leaf column over successive row groups: Open starts
// the next chunk and keeps the buffers of the previous one.
#include <string>
#include <vector>

#include "parquet/byte_source.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"
#include "parquet/page_reader.h"
#include "parquet/page_values.h"
#include "parquet/record_assembler.h"

namespace icesync::parquet {

struct ColumnReadOptions {
  bool verify_checksums = false;
};

class ColumnChunkReader {
 public:
  // Checks `chunk`'s metadata against `leaf` and the file size; reads no page yet.
  // `row_group_rows` is the row group's num_rows (it bounds the levels of non-repeated
  // columns). `context` ("file.parquet, row group 2") prefixes error messages. `source`
  // must outlive the reads.
  Status Open(const ByteSource* source, const ColumnChunk& chunk, const LeafColumn& leaf, int64_t row_group_rows,
              const ColumnReadOptions& options, const std::string& context);

  // Replaces *out with the levels and values of the chunk's next `rows` rows (keeping its
  // buffers' capacity). A non-repeated column gives exactly `rows` levels, else Corrupt; a
  // repeated one gives the levels up to the start of row `rows` + 1 (fewer when the chunk
  // ends first: record assembly reports the missing rows).
  Status ReadRows(int64_t rows, LeafData* out);

  // After the row group's last ReadRows: Corrupt if the chunk holds levels no row used.
  Status Finish() const;

 private:
  Status Fail(const std::string& what) const;
  // Reads pages until the next data page has been started (dictionary pages are loaded on
  // the way, index pages skipped).
  Status NextDataPage();
  Status Decompress(std::string_view body, int64_t uncompressed, std::string_view* out);
  Status DictionaryPage(const PageHeader& h, std::string_view body);
  Status DataPageV1(const PageHeader& h, std::string_view body);
  Status DataPageV2(const PageHeader& h, std::string_view body);
  Status CheckValueCount(int64_t n) const;
  Status DecodeLevels(std::string_view bytes, int64_t n, int max_level, const char* kind, std::vector<int16_t>* out);
  Status LevelsV1(std::string_view& data, Encoding encoding, int64_t n, int max_level, const char* kind,
                  std::vector<int16_t>* out);
  // Starts the page's values: present ones are those whose level is max_def.
  Status StartValues(Encoding encoding, std::string_view data);
  // Moves page levels [page_next_, page_next_ + n) and their values to *out.
  Status TakeLevels(int64_t n, LeafData* out);

  const ByteSource* source_ = nullptr;
  const ColumnMetaData* meta_ = nullptr;
  const LeafColumn* leaf_ = nullptr;
  ColumnReadOptions options_;
  std::string context_;
  int64_t expected_levels_ = 0;  // level entries in the chunk
  int64_t started_levels_ = 0;   // level entries of the pages started so far

  PageReader pages_;
  std::string page_buffer_;      // the decompressed page; only grows
  std::vector<uint32_t> level_scratch_;
  DecodedValues dictionary_;
  bool has_dictionary_ = false;

  // The current data page. Invariant: levels [page_next_, page_levels_) and the
  // page_values_.remaining() values they define are not taken yet; page_def_ / page_rep_
  // are empty when the column's max level is 0.
  std::vector<int16_t> page_def_;
  std::vector<int16_t> page_rep_;
  int64_t page_levels_ = 0;
  int64_t page_next_ = 0;
  PageValues page_values_;
};

}  // namespace icesync::parquet
