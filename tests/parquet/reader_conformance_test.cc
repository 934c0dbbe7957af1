// The public Parquet conformance corpus (../shared/parquet-testing, see its README): every
// required file reads to exactly its expected rows, optional files read exactly or fail
// cleanly, checksum files fail only when checksums are verified, bad_data files are rejected.
#include <filesystem>
#include <set>

#include "reader_test_util.h"
#include "testing/test_util.h"

namespace icesync::parquet {
namespace {

namespace fs = std::filesystem;
using testing::CompareJsonRows;
using testing::ReadLines;
using testing::ReadRows;

// Files the README marks optional (reading or rejecting both acceptable).
const std::set<std::string> kOptional = {
    "byte_stream_split_extended.gzip.parquet",
    "float16_nonzeros_and_nans.parquet",
    "float16_zeros_and_nans.parquet",
    "hadoop_lz4_compressed.parquet",
    "hadoop_lz4_compressed_larger.parquet",
    "non_hadoop_lz4_compressed.parquet",
    "incorrect_map_schema.parquet",
    "int96_from_spark.parquet",
    "map_no_value.parquet",
    "nation.dict-malformed.parquet",
    "old_list_structure.parquet",
    "repeated_no_annotation.parquet",
    "repeated_primitive_no_list.parquet",
    "unknown-logical-type.parquet",
};
// Files whose pages carry deliberately wrong CRCs.
const std::set<std::string> kCorruptChecksum = {
    "datapage_v1-corrupt-checksum.parquet",
    "rle-dict-uncompressed-corrupt-checksum.parquet",
};

std::string Corpus() {
  const std::string shared = icesync::testing::SharedDir();
  return shared.empty() ? "" : shared + "/parquet-testing";
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".parquet") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ParquetConformance, DataFilesReadToExpectedRows) {
  const std::string corpus = Corpus();
  if (corpus.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  int required_passed = 0, optional_read = 0, optional_rejected = 0, required_total = 0;
  for (const std::string& path : Files(corpus + "/data")) {
    const std::string name = fs::path(path).filename().string();
    SCOPED_TRACE(name);
    const auto expected = ReadLines(corpus + "/expected/" + name + ".jsonl");
    auto rows = ReadRows(path);
    if (kOptional.count(name)) {
      if (rows.ok()) {
        EXPECT_EQ(CompareJsonRows(expected, *rows), "");
        ++optional_read;
      } else {
        // A clean rejection names the file.
        EXPECT_NE(rows.status().message().find(name), std::string::npos) << rows.status().message();
        ++optional_rejected;
      }
      continue;
    }
    ++required_total;
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    const std::string diff = CompareJsonRows(expected, *rows);
    EXPECT_EQ(diff, "");
    if (diff.empty()) ++required_passed;
  }
  std::printf("conformance: required %d/%d exact; optional %d read exactly, %d rejected\n", required_passed,
              required_total, optional_read, optional_rejected);
  EXPECT_GT(required_total, 40);
}

TEST(ParquetConformance, ChecksumsAreVerifiedOnlyWhenAsked) {
  const std::string corpus = Corpus();
  if (corpus.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  int checked = 0;
  for (const std::string& path : Files(corpus + "/data")) {
    const std::string name = fs::path(path).filename().string();
    if (name.find("checksum") == std::string::npos) continue;
    SCOPED_TRACE(name);
    ++checked;
    const auto expected = ReadLines(corpus + "/expected/" + name + ".jsonl");
    auto unverified = ReadRows(path);
    ASSERT_TRUE(unverified.ok()) << unverified.status().ToString();
    EXPECT_EQ(CompareJsonRows(expected, *unverified), "");
    auto verified = ReadRows(path, ReaderOptions{.verify_checksums = true});
    if (kCorruptChecksum.count(name)) {
      ASSERT_FALSE(verified.ok());
      EXPECT_EQ(verified.status().code(), ErrorCode::kCorrupt);
      EXPECT_NE(verified.status().message().find("checksum"), std::string::npos) << verified.status().message();
    } else {
      ASSERT_TRUE(verified.ok()) << verified.status().ToString();
      EXPECT_EQ(CompareJsonRows(expected, *verified), "");
    }
  }
  EXPECT_EQ(checked, 6);
}

TEST(ParquetConformance, BadDataIsRejected) {
  const std::string corpus = Corpus();
  if (corpus.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
  int rejected = 0;
  for (const std::string& path : Files(corpus + "/bad_data")) {
    const std::string name = fs::path(path).filename().string();
    SCOPED_TRACE(name);
    auto rows = ReadRows(path);
    if (name == "ARROW-GH-43605.parquet" && rows.ok()) {
      // Readable: dictionary index bit width 0 means every index is 0.
      EXPECT_EQ(CompareJsonRows(ReadLines(corpus + "/expected/" + name + ".jsonl"), *rows), "");
      continue;
    }
    ASSERT_FALSE(rows.ok()) << "accepted a malformed file";
    EXPECT_EQ(rows.status().code(), ErrorCode::kCorrupt) << rows.status().ToString();
    EXPECT_NE(rows.status().message().find(name), std::string::npos) << rows.status().message();
    ++rejected;
  }
  EXPECT_GE(rejected, 7);
}

}  // namespace
}  // namespace icesync::parquet
