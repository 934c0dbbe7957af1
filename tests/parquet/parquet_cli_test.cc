// `icesync parquet schema|meta|cat`, run as the real binary.
#include "reader_test_util.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using icesync::testing::IcesyncBinary;
using icesync::testing::RunCommand;
using icesync::testing::ShellQuote;

std::string DataFile(const std::string& name) {
  const std::string shared = icesync::testing::SharedDir();
  return shared.empty() ? "" : shared + "/parquet-testing/data/" + name;
}

icesync::testing::CommandResult Icesync(const std::string& args) {
  return RunCommand(ShellQuote(IcesyncBinary()) + " " + args);
}

TEST(ParquetCli, CatJsonlIsTheCanonicalForm) {
  const std::string file = DataFile("nested_maps.snappy.parquet");
  if (file.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  auto r = Icesync("parquet cat " + ShellQuote(file));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Byte-identical to the corpus' expected rows (not only equal as values).
  EXPECT_EQ(r.out, icesync::testing::ReadFile(icesync::testing::SharedDir() +
                                              "/parquet-testing/expected/nested_maps.snappy.parquet.jsonl"));
}

TEST(ParquetCli, CatLimitColumnsAndCsv) {
  const std::string file = DataFile("alltypes_plain.parquet");
  if (file.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  auto r = Icesync("parquet cat " + ShellQuote(file) + " --limit 2 --columns id,string_col");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"id\":4,\"string_col\":\"30\"}\n{\"id\":5,\"string_col\":\"31\"}\n");
  auto csv = Icesync("parquet cat " + ShellQuote(file) + " --format csv --limit 1 --columns id,timestamp_col");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "id,timestamp_col\n4,2009-03-01T00:00:00.000000000\n");
  auto unknown = Icesync("parquet cat " + ShellQuote(file) + " --columns nope");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos);
}

TEST(ParquetCli, SchemaShowsFieldIdsAndTypes) {
  const std::string file = DataFile("delta_length_byte_array.parquet");
  if (file.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  auto r = Icesync("parquet schema " + ShellQuote(file));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("BYTE_ARRAY FRUIT = 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1: FRUIT optional string"), std::string::npos) << r.out;
}

TEST(ParquetCli, MetaShowsChunksAndStatistics) {
  const std::string file = DataFile("int32_decimal.parquet");
  if (file.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  auto r = Icesync("parquet meta " + ShellQuote(file));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("row group 0: 24 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INT32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("statistics: nulls 0, min 1.00, max 24.00"), std::string::npos) << r.out;
}

// On a file our writer produced (runs without the shared corpus): cat prints exactly the
// canonical rows, schema shows field ids, meta shows row groups, a damaged copy is exit 5.
TEST(ParquetCli, OwnFileSchemaMetaCatAndDamage) {
  icesync::testing::TempDir dir;
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 50);
  const std::string file = dir.file("own.parquet");
  testdata::WriteBatches(file, schema, {&batch}, WriterOptions{});
  auto cat = Icesync("parquet cat " + ShellQuote(file));
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, testdata::CanonicalJsonl({&batch}));
  auto sch = Icesync("parquet schema " + ShellQuote(file));
  ASSERT_EQ(sch.exit_code, 0) << sch.err;
  const Field& first = schema->field(0);
  EXPECT_NE(sch.out.find(std::to_string(first.id) + ": " + first.name), std::string::npos) << sch.out;
  auto meta = Icesync("parquet meta " + ShellQuote(file));
  ASSERT_EQ(meta.exit_code, 0) << meta.err;
  EXPECT_NE(meta.out.find("row group 0: 50 rows"), std::string::npos) << meta.out;
  std::string damaged = icesync::testing::ReadFile(file);
  damaged[damaged.size() - 1] = 'X';
  icesync::testing::WriteFile(dir.file("damaged.parquet"), damaged);
  auto bad = Icesync("parquet cat " + ShellQuote(dir.file("damaged.parquet")));
  EXPECT_EQ(bad.exit_code, 5);
  EXPECT_NE(bad.err.find("damaged.parquet"), std::string::npos) << bad.err;
}

TEST(ParquetCli, ErrorsNameTheFileAndSetExitCodes) {
  auto missing = Icesync("parquet cat /nonexistent/x.parquet");
  EXPECT_EQ(missing.exit_code, 5);
  EXPECT_NE(missing.err.find("/nonexistent/x.parquet"), std::string::npos) << missing.err;
  const std::string bad = icesync::testing::SharedDir();
  if (bad.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  auto corrupt = Icesync("parquet cat " + ShellQuote(bad + "/parquet-testing/bad_data/ARROW-GH-45185.parquet"));
  EXPECT_EQ(corrupt.exit_code, 5);
  EXPECT_NE(corrupt.err.find("ARROW-GH-45185.parquet"), std::string::npos) << corrupt.err;
  auto crc = Icesync("parquet cat --verify-checksums " +
                     ShellQuote(bad + "/parquet-testing/data/datapage_v1-corrupt-checksum.parquet"));
  EXPECT_EQ(crc.exit_code, 5);
  EXPECT_NE(crc.err.find("checksum"), std::string::npos) << crc.err;
  auto usage = Icesync("parquet cat --format xml " + ShellQuote(DataFile("alltypes_plain.parquet")));
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace icesync::parquet
