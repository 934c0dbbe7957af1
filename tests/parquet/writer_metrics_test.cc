// Column-chunk statistics (as DuckDB reports them) and the Iceberg metrics Close() returns.
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/decimal.h"
#include "core/temporal.h"
#include "core/value.h"
#include "parquet/parquet_reader.h"
#include "parquet/writer.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using icesync::testing::RunNode;
using icesync::testing::ShellQuote;
using icesync::testing::TempDir;

std::string LE32(int32_t v) { return Value(DataType::Int32(), v).ToIcebergBytes(); }

struct MetricsFixture {
  std::shared_ptr<const Schema> schema;
  RecordBatch batch;
};

MetricsFixture MakeFixture() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Field> fields = {
      {1, "i", DataType::Int32(), false, "", ""},
      {2, "s", DataType::String(), false, "", ""},
      {3, "all_nan", DataType::Float64(), true, "", ""},
      {4, "f", DataType::Float32(), true, "", ""},
      {5, "d38", DataType::Decimal(38, 0), true, "", ""},
      {6, "b", DataType::Binary(), true, "", ""},
      {7, "all_null", DataType::Int64(), false, "", ""},
      {8, "dt", DataType::Date(), true, "", ""},
      {9, "d9", DataType::Decimal(9, 2), true, "", ""},
  };
  auto schema = std::make_shared<const Schema>(fields);
  RecordBatch b(schema);
  for (int32_t v : {5, -3, 0, 7}) {
    if (v == 0) b.column(0).AppendNull(); else b.column(0).Append(v);
  }
  b.column(1).AppendBytes("abc");
  b.column(1).AppendBytes("zzzzzzzzzzzzzzzzzzzz");  // 20 chars: the upper bound is truncated and incremented
  b.column(1).AppendNull();
  b.column(1).AppendBytes("");
  for (int i = 0; i < 4; ++i) b.column(2).Append(nan);
  for (float v : {static_cast<float>(nan), 1.5f, -0.0f, 0.25f}) b.column(3).Append(v);
  Int128 max38 = MaxUnscaled(38);
  for (Int128 v : {-max38, Int128{5}, Int128{-1}, Int128{0}}) b.column(4).Append(v);
  b.column(5).AppendBytes(std::string(20, '\xFF'));  // no upper bound exists for its 16-byte prefix
  b.column(5).AppendBytes("\x01");
  b.column(5).AppendBytes("");
  b.column(5).AppendBytes(std::string(20, '\xFF'));
  for (int i = 0; i < 4; ++i) b.column(6).AppendNull();
  for (int32_t d : {static_cast<int32_t>(DaysFromCivil(1, 1, 1)), 0, 100, static_cast<int32_t>(DaysFromCivil(9999, 12, 31))}) {
    b.column(7).Append(d);
  }
  for (Int128 v : {Int128{-12345}, Int128{99}, Int128{999999999}, Int128{-999999999}}) b.column(8).Append(v);
  return {schema, std::move(b)};
}

FileMetrics Write(const std::string& path, const MetricsFixture& f, WriterOptions options = {}) {
  auto w = ParquetWriter::Open(path, f.schema, options);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE((*w)->Write(f.batch).ok());
  auto m = (*w)->Close();
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

TEST(WriterMetrics, IcebergMetrics) {
  TempDir dir;
  MetricsFixture f = MakeFixture();
  std::string path = dir.file("m.parquet");
  FileMetrics m = Write(path, f);
  EXPECT_EQ(m.record_count, 4);
  EXPECT_EQ(m.file_size_in_bytes, static_cast<int64_t>(std::filesystem::file_size(path)));
  ASSERT_EQ(m.split_offsets, std::vector<int64_t>{4});
  int64_t total = 0;
  for (int id = 1; id <= 9; ++id) {
    EXPECT_GT(m.column_sizes[id], 0) << id;
    total += m.column_sizes[id];
    EXPECT_EQ(m.value_counts[id], 4) << id;
  }
  EXPECT_LT(total, m.file_size_in_bytes);
  EXPECT_EQ(m.null_value_counts[1], 1);
  EXPECT_EQ(m.null_value_counts[2], 1);
  EXPECT_EQ(m.null_value_counts[3], 0);
  EXPECT_EQ(m.null_value_counts[7], 4);

  EXPECT_EQ(m.lower_bounds[1], LE32(-3));
  EXPECT_EQ(m.upper_bounds[1], LE32(7));
  EXPECT_EQ(m.lower_bounds[2], "");
  EXPECT_EQ(m.upper_bounds[2], "zzzzzzzzzzzzzzz{");
  // All NaN: counted, but no bounds.
  EXPECT_EQ(m.nan_value_counts[3], 4);
  EXPECT_FALSE(m.lower_bounds.count(3));
  EXPECT_FALSE(m.upper_bounds.count(3));
  EXPECT_EQ(m.nan_value_counts[4], 1);
  EXPECT_EQ(m.lower_bounds[4], Value(DataType::Float32(), -0.0f).ToIcebergBytes());
  EXPECT_EQ(m.upper_bounds[4], Value(DataType::Float32(), 1.5f).ToIcebergBytes());
  EXPECT_FALSE(m.nan_value_counts.count(1));
  EXPECT_EQ(m.lower_bounds[5], DecimalToMinimalBytes(-MaxUnscaled(38)));
  EXPECT_EQ(m.upper_bounds[5], DecimalToMinimalBytes(5));
  EXPECT_EQ(m.lower_bounds[6], "");
  EXPECT_FALSE(m.upper_bounds.count(6));
  EXPECT_FALSE(m.lower_bounds.count(7));
  EXPECT_EQ(m.lower_bounds[8], LE32(static_cast<int32_t>(DaysFromCivil(1, 1, 1))));
  EXPECT_EQ(m.upper_bounds[8], LE32(static_cast<int32_t>(DaysFromCivil(9999, 12, 31))));
  EXPECT_EQ(m.lower_bounds[9], DecimalToMinimalBytes(-999999999));
  EXPECT_EQ(m.upper_bounds[9], DecimalToMinimalBytes(999999999));
}

// Bounds are kept per inserted value in dictionary mode and a run at a time in PLAIN mode
// (null-free fixed-width runs); both must give the same statistics and metrics, edge values
// included (NaN, ±inf, -0.0 next to 0.0, extreme integers and decimals).
TEST(WriterMetrics, PlainAndDictionaryAgree) {
  auto schema = testdata::AllTypesSchema();
  // From row 4 the float and double columns start with NaN, which must not start the bounds.
  RecordBatch batch = testdata::AllTypesBatch(schema, 5000, /*first_row=*/4);
  TempDir dir;
  std::map<bool, FileMetrics> metrics;
  std::map<bool, FileMetaData> footers;
  for (bool dictionary : {true, false}) {
    WriterOptions options;
    options.enable_dictionary = dictionary;
    options.page_size = 4 << 10;  // many pages: runs end at page boundaries
    const std::string path = dir.file(dictionary ? "dict.parquet" : "plain.parquet");
    metrics[dictionary] = testdata::WriteBatches(path, schema, {&batch}, options);
    auto reader = ParquetReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    footers[dictionary] = (*reader)->metadata();
  }
  EXPECT_EQ(metrics[true].lower_bounds, metrics[false].lower_bounds);
  EXPECT_EQ(metrics[true].upper_bounds, metrics[false].upper_bounds);
  EXPECT_EQ(metrics[true].nan_value_counts, metrics[false].nan_value_counts);
  EXPECT_EQ(metrics[true].null_value_counts, metrics[false].null_value_counts);
  const RowGroup& d = footers[true].row_groups.at(0);
  const RowGroup& p = footers[false].row_groups.at(0);
  ASSERT_EQ(d.columns.size(), p.columns.size());
  for (size_t c = 0; c < d.columns.size(); ++c) {
    SCOPED_TRACE(schema->field(c).name);
    const Statistics& ds = *d.columns[c].meta_data->statistics;
    const Statistics& ps = *p.columns[c].meta_data->statistics;
    EXPECT_EQ(ds.min_value, ps.min_value);
    EXPECT_EQ(ds.max_value, ps.max_value);
    EXPECT_EQ(ds.nan_count, ps.nan_count);
    EXPECT_EQ(ds.null_count, ps.null_count);
  }
}

TEST(WriterMetrics, DuckDbSeesOurStatistics) {
  TempDir dir;
  MetricsFixture f = MakeFixture();
  for (bool dictionary : {true, false}) {
    WriterOptions options;
    options.enable_dictionary = dictionary;
    std::string path = dir.file(dictionary ? "dict.parquet" : "plain.parquet");
    Write(path, f, options);
    auto out = RunNode("duckdb_read.mjs", ShellQuote(path) + " --stats");
    ASSERT_EQ(out.exit_code, 0) << out.err;
    std::map<std::string, nlohmann::json> by;
    std::istringstream in(out.out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      by[j["path_in_schema"]] = j;
    }
    auto expect = [&](const std::string& col, const char* min, const char* max, const char* nulls) {
      SCOPED_TRACE(col + (dictionary ? " dictionary" : " plain"));
      const auto& j = by[col];
      if (min) EXPECT_EQ(j["stats_min_value"], min); else EXPECT_TRUE(j["stats_min_value"].is_null()) << j;
      if (max) EXPECT_EQ(j["stats_max_value"], max); else EXPECT_TRUE(j["stats_max_value"].is_null()) << j;
      EXPECT_EQ(j["stats_null_count"], nulls);
    };
    expect("i", "-3", "7", "1");
    expect("s", "", "zzzzzzzzzzzzzzzzzzzz", "1");
    expect("all_nan", nullptr, nullptr, "0");
    expect("f", "-0.0", "1.5", "0");
    expect("d38", "-99999999999999999999999999999999999999", "5", "0");
    expect("all_null", nullptr, nullptr, "4");
    expect("dt", "0001-01-01", "9999-12-31", "0");
    expect("d9", "-9999999.99", "9999999.99", "0");
  }
}

TEST(WriterAtomicity, NothingVisibleUntilCloseAndNothingLeftOnAbort) {
  TempDir dir;
  MetricsFixture f = MakeFixture();
  std::string path = dir.file("a.parquet");
  {
    auto w = ParquetWriter::Open(path, f.schema, {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(f.batch).ok());
    EXPECT_FALSE(std::filesystem::exists(path));
    // Destroyed without Close(): the temporary file goes too.
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  auto w = ParquetWriter::Open(path, f.schema, {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(f.batch).ok());
  (*w)->Abort();
  EXPECT_FALSE((*w)->Close().ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(WriterAtomicity, NullInRequiredColumnFailsAndLeavesNoFile) {
  TempDir dir;
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{1, "id", DataType::Int64(), true, "", ""}});
  RecordBatch b(schema);
  b.column(0).Append<int64_t>(1);
  b.column(0).AppendNull();
  std::string path = dir.file("r.parquet");
  auto w = ParquetWriter::Open(path, schema, {});
  ASSERT_TRUE(w.ok());
  Status st = (*w)->Write(b);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'id'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("required"), std::string::npos) << st.message();
  EXPECT_FALSE((*w)->Close().ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(WriterAtomicity, RejectsNestedTypesAndMismatchedBatches) {
  TempDir dir;
  auto nested = std::make_shared<const Schema>(std::vector<Field>{
      {1, "l", DataType::List(Field{2, "element", DataType::Int32(), false, "", ""}), false, "", ""}});
  auto w = ParquetWriter::Open(dir.file("n.parquet"), nested, {});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(w.status().message().find("'l'"), std::string::npos);

  MetricsFixture f = MakeFixture();
  auto other = std::make_shared<const Schema>(std::vector<Field>{{1, "x", DataType::Int32(), false, "", ""}});
  auto w2 = ParquetWriter::Open(dir.file("m.parquet"), other, {});
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ((*w2)->Write(f.batch).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace icesync::parquet
