// Files written by ParquetWriter, read back by independent readers (DuckDB and hyparquet,
// tests/js) and compared with the canonical rows of the batches that were written.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/decimal.h"
#include "core/temporal.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using icesync::testing::RunNode;
using icesync::testing::ShellQuote;
using icesync::testing::TempDir;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Compares line by line so that a failure names the first differing row.
void ExpectSameRows(const std::string& actual, const std::string& expected, const std::string& reader) {
  std::vector<std::string> a = Lines(actual), e = Lines(expected);
  ASSERT_EQ(a.size(), e.size()) << reader << " returned a different number of rows";
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != e[i]) {
      ADD_FAILURE() << reader << " row " << i << " differs\n  got:      " << a[i].substr(0, 2000)
                    << "\n  expected: " << e[i].substr(0, 2000);
      return;
    }
  }
}

void ExpectReadersSeeRows(const std::string& file, const std::string& expected) {
  auto duck = RunNode("duckdb_read.mjs", ShellQuote(file));
  ASSERT_EQ(duck.exit_code, 0) << duck.err;
  ExpectSameRows(duck.out, expected, "DuckDB");
  auto hyp = RunNode("hyparquet_read.mjs", ShellQuote(file));
  ASSERT_EQ(hyp.exit_code, 0) << hyp.err;
  ExpectSameRows(hyp.out, expected, "hyparquet");
}

TEST(WriterRoundTrip, EveryTypeAndEdgeValueReadByDuckDbAndHyparquet) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 60, 0, /*huge_binary=*/true);
  std::string path = dir.file("all.parquet");
  FileMetrics m = testdata::WriteBatches(path, schema, {&batch}, WriterOptions{});
  EXPECT_EQ(m.record_count, 60);
  EXPECT_EQ(m.file_size_in_bytes, static_cast<int64_t>(std::filesystem::file_size(path)));
  ExpectReadersSeeRows(path, testdata::CanonicalJsonl({&batch}));
}

// A column chunk holding only nulls has an empty dictionary; its data page must still
// announce a valid index bit width (it once said 64, and DuckDB refused the file).
TEST(WriterRoundTrip, ColumnsOfOnlyNullsInDictionaryMode) {
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch(schema);
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    for (int64_t r = 0; r < 3; ++r) {
      if (schema->field(c).required) {
        testdata::detail::AppendValue(batch.column(c), r, false);
      } else {
        batch.column(c).AppendNull();
      }
    }
  }
  TempDir dir;
  std::string path = dir.file("nulls.parquet");
  testdata::WriteBatches(path, schema, {&batch}, WriterOptions{});
  ExpectReadersSeeRows(path, testdata::CanonicalJsonl({&batch}));
}

TEST(WriterRoundTrip, EveryCodecAndPlainOnly) {
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 500);
  std::string expected = testdata::CanonicalJsonl({&batch});
  testdata::ForEachCodecAndEncoding(schema, batch, [&](const std::string& path, const WriterOptions& options) {
    auto duck = RunNode("duckdb_read.mjs", ShellQuote(path) + " --stats");
    ASSERT_EQ(duck.exit_code, 0) << duck.err;
    for (const std::string& line : Lines(duck.out)) {
      auto j = nlohmann::json::parse(line);
      EXPECT_EQ(j["compression"], CodecName(options.compression));
      std::string enc = j["encodings"];
      if (!options.enable_dictionary) {
        EXPECT_EQ(enc.find("DICTIONARY"), std::string::npos) << enc;
      }
    }
    ExpectReadersSeeRows(path, expected);
  });
}

TEST(WriterRoundTrip, ManyRowGroupsPagesAndDictionaryFallback) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  std::vector<RecordBatch> batches;
  for (int i = 0; i < 5; ++i) batches.push_back(testdata::AllTypesBatch(schema, 4000, i * 4000));
  std::vector<const RecordBatch*> ptrs;
  for (auto& b : batches) ptrs.push_back(&b);
  WriterOptions options;
  options.row_group_size = 256 << 10;          // several row groups
  options.page_size = 8 << 10;                 // many pages per chunk
  options.dictionary_page_size_limit = 2 << 10;  // dictionaries overflow and fall back to PLAIN
  std::string path = dir.file("multi.parquet");
  FileMetrics m = testdata::WriteBatches(path, schema, ptrs, options);
  EXPECT_EQ(m.record_count, 20000);
  EXPECT_GT(m.split_offsets.size(), 2u);
  EXPECT_EQ(m.split_offsets[0], 4);
  for (size_t i = 1; i < m.split_offsets.size(); ++i) EXPECT_GT(m.split_offsets[i], m.split_offsets[i - 1]);

  auto duck = RunNode("duckdb_read.mjs", ShellQuote(path) + " --stats");
  ASSERT_EQ(duck.exit_code, 0) << duck.err;
  std::set<int64_t> groups;
  bool mixed = false;  // a chunk with both dictionary and plain pages
  for (const std::string& line : Lines(duck.out)) {
    auto j = nlohmann::json::parse(line);
    groups.insert(std::stoll(j["row_group_id"].get<std::string>()));
    std::string enc = j["encodings"];
    if (enc.find("RLE_DICTIONARY") != std::string::npos && enc.find("PLAIN") != std::string::npos) mixed = true;
  }
  EXPECT_EQ(groups.size(), m.split_offsets.size());
  EXPECT_TRUE(mixed) << duck.out.substr(0, 3000);
  ExpectReadersSeeRows(path, testdata::CanonicalJsonl(ptrs));
}

TEST(WriterRoundTrip, EmptyFileHasSchemaAndNoRows) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  std::string path = dir.file("empty.parquet");
  FileMetrics m = testdata::WriteBatches(path, schema, {}, WriterOptions{});
  EXPECT_EQ(m.record_count, 0);
  EXPECT_TRUE(m.split_offsets.empty());
  ExpectReadersSeeRows(path, "");
  auto schema_out = RunNode("duckdb_read.mjs", ShellQuote(path) + " --schema");
  ASSERT_EQ(schema_out.exit_code, 0) << schema_out.err;
  EXPECT_EQ(Lines(schema_out.out).size(), schema->num_fields() + 1);
}

TEST(WriterRoundTrip, DuckDbSchemaShowsFieldIdsAndTypes) {
  TempDir dir;
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 10);
  std::string path = dir.file("schema.parquet");
  testdata::WriteBatches(path, schema, {&batch}, WriterOptions{});
  auto out = RunNode("duckdb_read.mjs", ShellQuote(path) + " --schema");
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::vector<std::string> lines = Lines(out.out);
  ASSERT_EQ(lines.size(), schema->num_fields() + 1);  // the root, then one per column
  std::map<std::string, nlohmann::json> by_name;
  for (size_t i = 1; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    by_name[j["name"]] = j;
  }
  for (const Field& f : schema->fields()) {
    ASSERT_TRUE(by_name.count(f.name)) << f.name;
    const auto& j = by_name[f.name];
    EXPECT_EQ(j["field_id"].get<std::string>(), std::to_string(f.id)) << f.name;
    EXPECT_EQ(j["repetition_type"], f.required ? "REQUIRED" : "OPTIONAL") << f.name;
  }
  EXPECT_EQ(by_name["dec9_req"]["type"], "INT32");
  EXPECT_EQ(by_name["dec18_req"]["type"], "INT64");
  EXPECT_EQ(by_name["dec38_req"]["type"], "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(by_name["dec38_req"]["type_length"], "16");
  EXPECT_EQ(by_name["dec25_req"]["type_length"], "11");
  EXPECT_EQ(by_name["uuid_req"]["type_length"], "16");
  EXPECT_EQ(by_name["fixed_req"]["type_length"], "5");
  EXPECT_EQ(by_name["str_req"]["converted_type"], "UTF8");
  EXPECT_EQ(by_name["dec18_req"]["converted_type"], "DECIMAL");
  EXPECT_EQ(by_name["dec18_req"]["precision"], "18");
  EXPECT_EQ(by_name["dec18_req"]["scale"], "4");
  EXPECT_EQ(by_name["date_req"]["converted_type"], "DATE");
  EXPECT_EQ(by_name["tstz_req"]["converted_type"], "TIMESTAMP_MICROS");

  // hyparquet sees the same field ids and logical types.
  auto hyp = RunNode("hyparquet_read.mjs", ShellQuote(path) + " --schema");
  ASSERT_EQ(hyp.exit_code, 0) << hyp.err;
  std::vector<std::string> hlines = Lines(hyp.out);
  ASSERT_EQ(hlines.size(), schema->num_fields());
  for (size_t i = 0; i < hlines.size(); ++i) {
    auto j = nlohmann::json::parse(hlines[i]);
    EXPECT_EQ(j["field_id"], schema->field(i).id);
  }
  EXPECT_EQ(nlohmann::json::parse(hlines[20])["logical_type"], "TIME");       // time_req
  EXPECT_EQ(nlohmann::json::parse(hlines[22])["logical_type"], "TIMESTAMP");  // ts_req
  EXPECT_EQ(nlohmann::json::parse(hlines[28])["logical_type"], "UUID");       // uuid_req
}

}  // namespace
}  // namespace icesync::parquet
