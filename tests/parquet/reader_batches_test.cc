// Scans in batches (ParquetReader::Scan / BatchReader): any batch size reads the rows that
// one batch per row group reads, with the right file positions, projections and reused
// buffers, on our own files and on the public conformance corpus (nested, repeated,
// nullable, dictionary, v2 pages, tiny pages, every encoding).
#include <filesystem>
#include <limits>

#include "parquet/rle.h"
#include "reader_test_util.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

namespace fs = std::filesystem;
using icesync::testing::TempDir;
using testing::ReadRows;

// Large enough that every row group is one batch: what the whole-row-group read gave.
constexpr int64_t kWholeGroups = std::numeric_limits<int64_t>::max();

// Our writer's file: every type, nullable and required, dictionary and plain pages of
// about 4 KiB (so that batches start and end inside pages), 12,000 rows in 4+ row groups.
std::string WriteOwnFile(const TempDir& dir) {
  auto schema = testdata::AllTypesSchema();
  std::vector<RecordBatch> parts;
  for (int i = 0; i < 4; ++i) parts.push_back(testdata::AllTypesBatch(schema, 3000, i * 3000));
  std::vector<const RecordBatch*> ptrs;
  for (const RecordBatch& b : parts) ptrs.push_back(&b);
  WriterOptions options;
  options.row_group_size = 256 << 10;
  options.page_size = 4 << 10;
  options.dictionary_page_size_limit = 2 << 10;  // some columns fall back to plain pages
  const std::string path = dir.file("own.parquet");
  testdata::WriteBatches(path, schema, ptrs, options);
  return path;
}

// Scans `path` with `scan` (with_row_position set) and checks every batch's size, row
// group and `_pos` column; returns the canonical rows (`_pos` included).
std::vector<std::string> ScanChecked(const std::string& path, ScanOptions scan) {
  auto reader = ParquetReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  const ParquetReader& r = **reader;
  auto stream = r.Scan(scan);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  if (!stream.ok()) return {};
  std::vector<std::string> rows;
  RecordBatch batch;
  int64_t expected_first = 0;
  while (true) {
    auto more = (*stream)->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    EXPECT_TRUE(batch.Validate().ok());
    const int g = (*stream)->row_group();
    const int64_t group_end = r.row_group_first_row(g) + r.row_group_num_rows(g);
    const int64_t first = (*stream)->first_row();
    if (first == r.row_group_first_row(g)) expected_first = first;  // a new row group
    EXPECT_EQ(first, expected_first) << "batches of a row group follow each other";
    // Full batches until the row group's last, which holds the rest.
    EXPECT_EQ(batch.num_rows(), std::min(scan.batch_rows, group_end - first));
    const ColumnVector& pos = batch.column(batch.num_columns() - 1);
    for (int64_t i = 0; i < batch.num_rows(); ++i) EXPECT_EQ(pos.Value<int64_t>(i), first + i);
    for (int64_t i = 0; i < batch.num_rows(); ++i) rows.push_back(ParquetCanonicalRow(batch, i, r.file_schema()));
    expected_first = first + batch.num_rows();
  }
  return rows;
}

TEST(ReaderBatches, AnyBatchSizeReadsTheRowsOfWholeGroups) {
  TempDir dir;
  const std::string path = WriteOwnFile(dir);
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok());
  ASSERT_GE((*reader)->num_row_groups(), 4);
  const std::vector<std::string> whole = ScanChecked(path, {.with_row_position = true, .batch_rows = kWholeGroups});
  ASSERT_EQ(whole.size(), 12000u);
  // 1, a prime that divides neither the groups nor the pages, a page-ish size, the
  // default, and more than a row group.
  for (int64_t batch_rows : {int64_t{1}, int64_t{7}, int64_t{1000}, kDefaultBatchRows, int64_t{20000}}) {
    SCOPED_TRACE(batch_rows);
    EXPECT_EQ(ScanChecked(path, {.with_row_position = true, .batch_rows = batch_rows}), whole);
  }
}

TEST(ReaderBatches, ProjectionAndRowGroupSelection) {
  TempDir dir;
  const std::string path = WriteOwnFile(dir);
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok());
  const int groups = (*reader)->num_row_groups();
  // Field ids 2 (bool_opt), 27 (str_req), 28 (str_opt), 34 (bin_opt): booleans, dictionary
  // strings with and without nulls, plain binary.
  ScanOptions projection{.field_ids = {28, 2, 34, 27}, .with_row_position = true, .batch_rows = kWholeGroups};
  const std::vector<std::string> whole = ScanChecked(path, projection);
  projection.batch_rows = 7;
  EXPECT_EQ(ScanChecked(path, projection), whole);
  // The last two row groups, in reverse order: positions are the file's.
  projection.row_groups = std::vector<int>{groups - 1, groups - 2};
  projection.batch_rows = 333;
  const std::vector<std::string> tail = ScanChecked(path, projection);
  const int64_t last = (*reader)->row_group_num_rows(groups - 1);
  const int64_t before_last = (*reader)->row_group_num_rows(groups - 2);
  ASSERT_EQ(tail.size(), static_cast<size_t>(last + before_last));
  const size_t n = whole.size();
  EXPECT_TRUE(std::equal(tail.begin(), tail.begin() + last, whole.begin() + (n - last)));
  EXPECT_TRUE(std::equal(tail.begin() + last, tail.end(), whole.begin() + (n - last - before_last)));
}

// A batch passed back keeps its buffers: from the second full batch on, a fixed-width
// column's values stay at the same address (no reallocation, no fresh pages to fault in).
TEST(ReaderBatches, ReusedBatchKeepsItsBuffers) {
  TempDir dir;
  const std::string path = WriteOwnFile(dir);
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok());
  // long_req (id 5: shares storage, decoded in place) and dec18_opt (id 14: int64 widened
  // to decimal, with nulls).
  auto stream = (*reader)->Scan({.field_ids = {5, 14}, .batch_rows = 500});
  ASSERT_TRUE(stream.ok());
  RecordBatch batch;
  const void* first_address[2] = {nullptr, nullptr};
  int batches = 0;
  while (*(*stream)->Next(&batch)) {
    ++batches;
    ASSERT_EQ(batch.num_columns(), 2u);
    for (size_t c = 0; c < 2; ++c) {
      const void* address = batch.column(c).data().data();
      if (batches == 2) first_address[c] = address;
      if (batches > 2) {
        EXPECT_EQ(address, first_address[c]) << "column " << c << ", batch " << batches;
      }
    }
  }
  int expected = 0;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) expected += ((*reader)->row_group_num_rows(g) + 499) / 500;
  EXPECT_EQ(batches, expected);
}

// A ByteSource over memory that records the largest single read.
class ReadRecordingSource : public ByteSource {
 public:
  explicit ReadRecordingSource(std::string data) : data_(std::move(data)), inner_(MemorySource(data_, "big.parquet")) {}
  uint64_t size() const override { return inner_->size(); }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const override {
    largest_read_ = std::max(largest_read_, length);
    return inner_->ReadAt(offset, length, out);
  }
  Status ReadInto(uint64_t offset, uint64_t length, uint8_t* out) const override {
    largest_read_ = std::max(largest_read_, length);
    return inner_->ReadInto(offset, length, out);
  }
  const std::string& name() const override { return inner_->name(); }
  uint64_t largest_read() const { return largest_read_; }

 private:
  std::string data_;
  std::unique_ptr<ByteSource> inner_;
  mutable uint64_t largest_read_ = 0;
};

// A column chunk of several MiB (one row group, uncompressed, plain pages of 64 KiB) is
// read through a window of about a MiB, never whole: memory does not grow with the chunk.
TEST(ReaderBatches, ChunksAreReadThroughABoundedWindow) {
  TempDir dir;
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{1, "v", DataType::Int64(), true, "", ""}});
  RecordBatch batch(schema);
  constexpr int64_t kRows = 600'000;  // 4.8 MB of values
  for (int64_t i = 0; i < kRows; ++i) batch.column(0).Append<int64_t>(i * 2654435761LL);
  WriterOptions options;
  options.compression = CompressionCodec::UNCOMPRESSED;
  options.enable_dictionary = false;
  options.page_size = 64 << 10;
  const std::string path = dir.file("big.parquet");
  testdata::WriteBatches(path, schema, {&batch}, options);
  auto source = std::make_unique<ReadRecordingSource>(icesync::testing::ReadFile(path));
  const ReadRecordingSource* recording = source.get();
  auto reader = ParquetReader::Open(std::move(source));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->num_row_groups(), 1);
  const int64_t chunk_bytes = (*reader)->metadata().row_groups[0].columns[0].meta_data->total_compressed_size;
  ASSERT_GT(chunk_bytes, 4 << 20);
  auto stream = (*reader)->Scan({.batch_rows = 10'000});
  ASSERT_TRUE(stream.ok());
  RecordBatch out;
  int64_t rows = 0;
  while (*(*stream)->Next(&out)) {
    for (int64_t i = 0; i < out.num_rows(); ++i) ASSERT_EQ(out.column(0).Value<int64_t>(i), (rows + i) * 2654435761LL);
    rows += out.num_rows();
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_LE(recording->largest_read(), uint64_t{1} << 20);
}

// One data page v1 of the list column below: `rep`/`def` levels and the present values.
std::string ListPage(const std::vector<uint32_t>& rep, const std::vector<uint32_t>& def,
                     const std::vector<int32_t>& values) {
  std::string body;
  for (const auto& [levels, bit_width] : {std::pair{&rep, 1}, std::pair{&def, 2}}) {
    std::string run;
    RleEncode(levels->data(), levels->size(), bit_width, &run);
    const auto length = static_cast<uint32_t>(run.size());
    body.append(reinterpret_cast<const char*>(&length), 4);
    body += run;
  }
  body.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(int32_t));
  PageHeader h;
  h.type = PageType::DATA_PAGE;
  h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(body.size());
  h.data_page_header = DataPageHeader{static_cast<int32_t>(rep.size()), Encoding::PLAIN, Encoding::RLE, Encoding::RLE,
                                      std::nullopt};
  std::string page;
  AppendPageHeader(h, &page);
  return page + body;
}

// A list<int> column (optional list, required elements) in three uncompressed v1 pages
// whose boundaries fall inside rows (as v1 pages may): rows [1, 2, 3], [], null, [4],
// [5, 6, 7, 8], [9]; the pages hold levels 0-1, 2-7 and 8-10. The footer says the row
// group has `num_rows` rows (6 is right).
std::string ListsAcrossPagesFile(int64_t num_rows = 6) {
  std::string file = "PAR1";
  const int64_t data_offset = static_cast<int64_t>(file.size());
  file += ListPage({0, 1}, {2, 2}, {1, 2});
  file += ListPage({1, 0, 0, 0, 0, 1}, {2, 1, 0, 2, 2, 2}, {3, 4, 5, 6});
  file += ListPage({1, 1, 0}, {2, 2, 2}, {7, 8, 9});
  const int64_t chunk_size = static_cast<int64_t>(file.size()) - data_offset;
  FileMetaData md;
  SchemaElement root, list, repeated, element;
  root.name = "schema";
  root.num_children = 1;
  list.name = "vals";
  list.repetition_type = FieldRepetitionType::OPTIONAL;
  list.converted_type = ConvertedType::LIST;
  list.num_children = 1;
  list.field_id = 1;
  repeated.name = "list";
  repeated.repetition_type = FieldRepetitionType::REPEATED;
  repeated.num_children = 1;
  element.name = "element";
  element.type = Type::INT32;
  element.repetition_type = FieldRepetitionType::REQUIRED;
  element.field_id = 2;
  md.schema = {root, list, repeated, element};
  md.num_rows = num_rows;
  ColumnMetaData meta;
  meta.type = Type::INT32;
  meta.encodings = {Encoding::PLAIN, Encoding::RLE};
  meta.path_in_schema = {"vals", "list", "element"};
  meta.num_values = 11;
  meta.total_uncompressed_size = meta.total_compressed_size = chunk_size;
  meta.data_page_offset = data_offset;
  ColumnChunk chunk;
  chunk.file_offset = data_offset;
  chunk.meta_data = meta;
  RowGroup group;
  group.columns = {chunk};
  group.total_byte_size = chunk_size;
  group.num_rows = num_rows;
  md.row_groups = {group};
  const std::string footer = SerializeFileMetaData(md);
  file += footer;
  const auto footer_length = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&footer_length), 4);
  return file + "PAR1";
}

// Batches of a repeated column end at row starts, also when a row continues on the next
// page; every batch size reads the same lists.
TEST(ReaderBatches, ListRowsSpanningPages) {
  const std::string file = ListsAcrossPagesFile();
  const std::vector<std::string> expected = {R"({"vals":[1,2,3]})", R"({"vals":[]})", R"({"vals":null})",
                                             R"({"vals":[4]})", R"({"vals":[5,6,7,8]})", R"({"vals":[9]})"};
  for (int64_t batch_rows : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}, kWholeGroups}) {
    SCOPED_TRACE(batch_rows);
    auto rows = ReadRows(MemorySource(file, "lists.parquet"), {}, ScanOptions{.batch_rows = batch_rows});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, expected);
  }
  // A row group declaring more rows than the levels hold, or fewer than they hold, is
  // corrupt in any batch size.
  for (int64_t num_rows : {5, 7}) {
    const std::string wrong = ListsAcrossPagesFile(num_rows);
    for (int64_t batch_rows : {int64_t{1}, int64_t{4}, kWholeGroups}) {
      SCOPED_TRACE(std::to_string(num_rows) + " rows, batches of " + std::to_string(batch_rows));
      auto rows = ReadRows(MemorySource(wrong, "lists.parquet"), {}, ScanOptions{.batch_rows = batch_rows});
      ASSERT_FALSE(rows.ok());
      EXPECT_EQ(rows.status().code(), ErrorCode::kCorrupt) << rows.status().ToString();
      EXPECT_NE(rows.status().message().find("lists.parquet"), std::string::npos) << rows.status().message();
    }
  }
}

std::vector<std::string> CorpusFiles() {
  const std::string shared = icesync::testing::SharedDir();
  std::vector<std::string> out;
  if (shared.empty()) return out;
  for (const auto& e : fs::directory_iterator(shared + "/parquet-testing/data")) {
    if (e.path().extension() == ".parquet") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every corpus file that reads at all reads the same in batches of 1 (small files), 7 and
// 1000 rows: nested and repeated columns (rows spanning pages), v2 pages, tiny pages, every
// encoding and codec.
TEST(ReaderBatches, CorpusReadsTheSameInAnyBatchSize) {
  const std::vector<std::string> files = CorpusFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  int compared = 0;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    auto whole = ReadRows(path, {}, ScanOptions{.batch_rows = kWholeGroups});
    if (!whole.ok()) continue;  // optional or bad files: the conformance test covers them
    for (int64_t batch_rows : {int64_t{1}, int64_t{7}, int64_t{1000}}) {
      if (batch_rows == 1 && whole->size() > 20000) continue;
      auto rows = ReadRows(path, {}, ScanOptions{.batch_rows = batch_rows});
      ASSERT_TRUE(rows.ok()) << batch_rows << ": " << rows.status().ToString();
      ASSERT_EQ(*rows, *whole) << "batch_rows " << batch_rows;
    }
    ++compared;
  }
  EXPECT_GT(compared, 40);
}

}  // namespace
}  // namespace icesync::parquet
