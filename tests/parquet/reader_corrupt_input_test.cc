// Corrupt or truncated input must give a clear error naming the input, never a crash,
// hang or runaway allocation. Runs under the sanitizer preset too (scripts/test-sanitizers.sh).
#include <random>

#include "reader_test_util.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using testing::ReadRows;

std::string CorpusFile(const std::string& name) {
  const std::string shared = icesync::testing::SharedDir();
  return shared.empty() ? "" : shared + "/parquet-testing/data/" + name;
}

// Reads all rows of `bytes` (named "mutated.parquet"); the status of the attempt.
Status ReadBytes(const std::string& bytes) {
  auto rows = ReadRows(MemorySource(bytes, "mutated.parquet"));
  return rows.status();
}

void ExpectCorrupt(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt) << st.ToString();
  EXPECT_NE(st.message().find("mutated.parquet"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}

// A file our own writer produced (every type, dictionary and plain pages, zstd): always
// available, so these tests also run where the shared corpus is not.
std::string OwnFileBytes() {
  icesync::testing::TempDir dir;
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 200);
  WriterOptions options;
  options.row_group_size = 16 << 10;  // several row groups
  testdata::WriteBatches(dir.file("own.parquet"), schema, {&batch}, options);
  return icesync::testing::ReadFile(dir.file("own.parquet"));
}

// Each test runs on our own file and on a corpus file written by another writer.
class CorruptInput : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "own") {
      bytes_ = OwnFileBytes();
    } else {
      const std::string path = CorpusFile(GetParam());
      if (path.empty()) GTEST_SKIP() << "../shared/parquet-testing is absent";
      bytes_ = icesync::testing::ReadFile(path);
    }
    ASSERT_TRUE(ReadBytes(bytes_).ok());
  }
  std::string bytes_;
};

TEST_P(CorruptInput, TruncatedFilesAreRejected) {
  for (size_t keep : {size_t{0}, size_t{3}, size_t{4}, size_t{11}, size_t{12}, bytes_.size() / 2,
                      bytes_.size() - 9, bytes_.size() - 8, bytes_.size() - 1}) {
    SCOPED_TRACE(keep);
    Status st = ReadBytes(bytes_.substr(0, keep));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt) << st.ToString();
  }
  // Keeping the trailer but losing the middle: the footer length no longer fits.
  ExpectCorrupt(ReadBytes(bytes_.substr(0, 4) + bytes_.substr(bytes_.size() - 8)), "footer length");
}

TEST_P(CorruptInput, WrongMagicIsRejected) {
  std::string head = bytes_;
  head[0] = 'X';
  ExpectCorrupt(ReadBytes(head), "magic");
  std::string tail = bytes_;
  tail[tail.size() - 1] = '2';
  ExpectCorrupt(ReadBytes(tail), "magic");
}

TEST_P(CorruptInput, FooterLengthBeyondFileIsRejected) {
  std::string b = bytes_;
  const uint32_t huge = 0x7fffffff;
  std::memcpy(&b[b.size() - 8], &huge, 4);
  ExpectCorrupt(ReadBytes(b), "footer length");
}

TEST_P(CorruptInput, GarbageFooterIsRejected) {
  std::string b = bytes_;
  uint32_t footer_len;
  std::memcpy(&footer_len, &b[b.size() - 8], 4);
  for (size_t i = b.size() - 8 - footer_len; i < b.size() - 8; ++i) b[i] = static_cast<char>(0xff);
  ExpectCorrupt(ReadBytes(b), "footer");
}

TEST_P(CorruptInput, BadPageHeaderIsRejected) {
  auto reader = ParquetReader::Open(MemorySource(bytes_, "mutated.parquet"));
  ASSERT_TRUE(reader.ok());
  const ColumnMetaData& meta = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  const int64_t first_page = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  std::string b = bytes_;
  for (int i = 0; i < 6; ++i) b[first_page + i] = static_cast<char>(0xff);
  ExpectCorrupt(ReadBytes(b), "page header");
}

INSTANTIATE_TEST_SUITE_P(Files, CorruptInput, ::testing::Values("own", "alltypes_plain.parquet"),
                         [](const auto& info) { return info.param == "own" ? std::string("Own") : std::string("Corpus"); });

// Random byte flips over real files: every outcome is fine except a crash (which the
// sanitizer build turns any memory error into), a hang or an exception.
TEST(CorruptInputFuzz, RandomByteFlipsNeverCrash) {
  std::vector<std::string> names = {"alltypes_plain.parquet", "nested_maps.snappy.parquet",
                                    "delta_byte_array.parquet", "datapage_v2.snappy.parquet",
                                    "nullable.impala.parquet", "byte_stream_split.zstd.parquet"};
  std::vector<std::string> files = {OwnFileBytes()};
  if (!CorpusFile(names[0]).empty()) {
    for (const std::string& name : names) files.push_back(icesync::testing::ReadFile(CorpusFile(name)));
  }
  std::mt19937_64 rng(20261124);
  int errors = 0, total = 0;
  for (const std::string& original : files) {
    for (int iter = 0; iter < 150; ++iter) {
      std::string b = original;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
      Status st = ReadBytes(b);
      ++total;
      if (!st.ok()) {
        ++errors;
        EXPECT_NE(st.message().find("mutated.parquet"), std::string::npos) << st.message();
      }
    }
  }
  // Most flips land in data and some are harmless; a reader that never complains is broken.
  EXPECT_GT(errors, total / 10);
}

}  // namespace
}  // namespace icesync::parquet
