// Files written by ParquetWriter read back by our own ParquetReader: same schema (field ids,
// types, nullability), same rows, and the footer entries Iceberg relies on.
#include <gtest/gtest.h>

#include "core/canonical_json.h"
#include "core/version.h"
#include "parquet/parquet_reader.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using icesync::testing::TempDir;

std::string ReadAllCanonical(const std::string& path, const Schema& expected_schema, int* row_groups = nullptr) {
  auto reader = ParquetReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return "";
  EXPECT_TRUE(*(*reader)->schema() == expected_schema);
  if (row_groups) *row_groups = (*reader)->num_row_groups();
  std::string out;
  auto scan = (*reader)->Scan(ScanOptions{});
  EXPECT_TRUE(scan.ok()) << scan.status().ToString();
  if (!scan.ok()) return "";
  RecordBatch batch;
  while (true) {
    auto more = (*scan)->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      out += CanonicalRow(batch, r);
      out.push_back('\n');
    }
  }
  return out;
}

TEST(WriterOwnReader, EveryTypeEveryCodecRoundTrips) {
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 300, 0, /*huge_binary=*/true);
  std::string expected = testdata::CanonicalJsonl({&batch});
  testdata::ForEachCodecAndEncoding(schema, batch, [&](const std::string& path, const WriterOptions&) {
    EXPECT_EQ(ReadAllCanonical(path, *schema), expected);
  });
}

TEST(WriterOwnReader, ManyRowGroupsAndFooter) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  std::vector<RecordBatch> batches;
  std::vector<const RecordBatch*> ptrs;
  for (int i = 0; i < 8; ++i) batches.push_back(testdata::AllTypesBatch(schema, 5000, i * 5000));
  for (auto& b : batches) ptrs.push_back(&b);
  WriterOptions options;
  options.row_group_size = 200 << 10;
  options.page_size = 4 << 10;
  options.dictionary_page_size_limit = 1 << 10;
  std::string path = dir.file("multi.parquet");
  FileMetrics m = testdata::WriteBatches(path, schema, ptrs, options);
  int row_groups = 0;
  EXPECT_EQ(ReadAllCanonical(path, *schema, &row_groups), testdata::CanonicalJsonl(ptrs));
  EXPECT_EQ(static_cast<size_t>(row_groups), m.split_offsets.size());
  EXPECT_GT(row_groups, 3);

  // The reader's view of our footer: split offsets are the row groups' first bytes.
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok());
  const FileMetaData& md = (*reader)->metadata();
  for (int rg = 0; rg < row_groups; ++rg) {
    const ColumnMetaData& first = *md.row_groups[rg].columns[0].meta_data;
    EXPECT_EQ(m.split_offsets[rg], first.dictionary_page_offset.value_or(first.data_page_offset));
  }
  EXPECT_EQ(md.created_by, ICESYNC_CREATED_BY);
  ASSERT_FALSE(md.key_value_metadata.empty());
  EXPECT_EQ(md.key_value_metadata[0].key, "iceberg.schema");
  EXPECT_EQ(md.column_orders.size(), schema->num_fields());
}

// A string dictionary of thousands of entries: lookups then hash rows ahead of the lookup
// (DictionaryLookahead), across nulls, slice ends and a row group end; every row must come
// back, and the column must stay dictionary-encoded.
TEST(WriterOwnReader, LargeStringDictionaryRoundTrips) {
  TempDir dir;
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {1, "name", DataType::String(), false, "", ""},
  });
  std::vector<RecordBatch> batches;
  std::vector<const RecordBatch*> ptrs;
  for (int b = 0; b < 3; ++b) {
    RecordBatch batch(schema);
    for (int64_t r = 0; r < 70000; ++r) {
      const int64_t k = (r * 7919 + b * 13) % 6000;
      if (k % 17 == 0) batch.column(0).AppendNull();
      else batch.column(0).AppendBytes("customer number " + std::to_string(k) + (k % 3 ? " ltd" : ""));
    }
    batches.push_back(std::move(batch));
  }
  for (auto& b : batches) ptrs.push_back(&b);
  WriterOptions options;
  // Several 64Ki-row slices per row group: the dictionary persists from one slice to the
  // next, which is when lookups look ahead. The ~5,650 distinct names take ~150 KiB.
  options.row_group_size = 1 << 20;
  options.dictionary_page_size_limit = 192 << 10;
  std::string path = dir.file("names.parquet");
  testdata::WriteBatches(path, schema, ptrs, options);
  int row_groups = 0;
  EXPECT_EQ(ReadAllCanonical(path, *schema, &row_groups), testdata::CanonicalJsonl(ptrs));
  EXPECT_GT(row_groups, 1);
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok());
  // A lookup that missed its entry would insert a duplicate, and the duplicates would
  // overflow the dictionary's size limit into PLAIN pages.
  for (const RowGroup& rg : (*reader)->metadata().row_groups) {
    for (const PageEncodingStats& s : rg.columns[0].meta_data->encoding_stats) {
      if (s.page_type == PageType::DATA_PAGE) {
        EXPECT_EQ(s.encoding, Encoding::RLE_DICTIONARY);
      }
    }
  }
}

// The reader decodes into the buffers of the batch it is given when that batch has the
// scan's schema (kept from the previous batch) and spreads nulls in place. One batch reused
// over row groups with and without nulls, and over a projection in between, must read what
// fresh batches read.
TEST(WriterOwnReader, ReusedBatchReadsTheSameRows) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  RecordBatch with_nulls = testdata::AllTypesBatch(schema, 3000, 0);
  RecordBatch without_nulls(schema);
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    for (int64_t r = 0; r < 3000; ++r) testdata::detail::AppendValue(without_nulls.column(c), r + c, false);
  }
  WriterOptions options;
  options.row_group_size = 64 << 10;
  options.page_size = 4 << 10;
  std::string path = dir.file("reuse.parquet");
  std::vector<const RecordBatch*> written = {&with_nulls, &without_nulls, &with_nulls};
  testdata::WriteBatches(path, schema, written, options);
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->num_row_groups(), 3);  // one per Write: nulls, none, nulls

  // Two scans in step over the same batch object: a full one and a projection, whose batch
  // of another schema replaces the full one's (and the other way round), against a
  // projection scan into batches of its own.
  ScanOptions projection{.field_ids = {2, 7}, .batch_rows = 1000};
  auto full = (*reader)->Scan(ScanOptions{.batch_rows = 1000});
  auto projected = (*reader)->Scan(projection);
  auto projected_alone = (*reader)->Scan(projection);
  ASSERT_TRUE(full.ok() && projected.ok() && projected_alone.ok());
  RecordBatch reused, alone;
  std::string all;
  int batches = 0;
  while (true) {
    auto more = (*full)->Next(&reused);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++batches;
    ASSERT_TRUE(reused.Validate().ok());
    for (int64_t r = 0; r < reused.num_rows(); ++r) all += CanonicalRow(reused, r) + "\n";
    ASSERT_TRUE(*(*projected)->Next(&reused));
    ASSERT_TRUE(*(*projected_alone)->Next(&alone));
    ASSERT_EQ(reused.num_rows(), alone.num_rows());
    ASSERT_EQ(reused.num_columns(), 2u);
    for (int64_t r = 0; r < alone.num_rows(); ++r) ASSERT_EQ(CanonicalRow(reused, r), CanonicalRow(alone, r));
  }
  EXPECT_EQ(batches, 9);
  EXPECT_EQ(all, testdata::CanonicalJsonl(written));
}

}  // namespace
}  // namespace icesync::parquet
