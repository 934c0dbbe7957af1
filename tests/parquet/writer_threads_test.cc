// The writer encodes columns in parallel (WriterOptions::threads); the file must not depend
// on the thread count, and a column's error must come back as a Status naming the column.
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "parquet/column_encode_pool.h"
#include "parquet/metadata.h"
#include "parquet/parquet_reader.h"
#include "testing/test_util.h"
#include "writer_test_data.h"

namespace icesync::parquet {
namespace {

using testing::ReadFile;
using testing::TempDir;

// Batches of all types, one of them longer than the writer's 64Ki-row slice, so that a row
// group ends part way through a batch.
std::vector<RecordBatch> Batches(const std::shared_ptr<const Schema>& schema) {
  std::vector<RecordBatch> batches;
  int64_t first = 0;
  for (int64_t rows : {3000, 70000, 1, 5000}) {
    batches.push_back(testdata::AllTypesBatch(schema, rows, first, /*huge_binary=*/first == 0));
    first += rows;
  }
  return batches;
}

TEST(WriterThreads, SameBytesForEveryThreadCount) {
  auto schema = testdata::AllTypesSchema();
  std::vector<RecordBatch> batches = Batches(schema);
  std::vector<const RecordBatch*> ptrs;
  for (const RecordBatch& b : batches) ptrs.push_back(&b);
  for (bool dictionary : {true, false}) {
    SCOPED_TRACE(dictionary ? "dictionary" : "plain");
    WriterOptions options;
    options.enable_dictionary = dictionary;
    // Small pages, row groups and dictionaries: many pages and row groups, and dictionaries
    // that overflow part way through a chunk (fallback to PLAIN).
    options.page_size = 4 << 10;
    options.row_group_size = 256 << 10;
    options.dictionary_page_size_limit = 2 << 10;
    TempDir dir;
    options.threads = 1;
    const std::string one = dir.file("threads1.parquet");
    FileMetrics reference = testdata::WriteBatches(one, schema, ptrs, options);
    ASSERT_GT(reference.split_offsets.size(), 2u) << "expected several row groups";
    const std::string expected = ReadFile(one);
    auto reader = ParquetReader::Open(one);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    if (dictionary) {
      // Both encodings occur, so the fallback decisions are part of what is compared.
      bool dict_pages = false, plain_pages = false;
      for (const RowGroup& rg : (*reader)->metadata().row_groups) {
        for (const ColumnChunk& cc : rg.columns) {
          for (const PageEncodingStats& s : cc.meta_data->encoding_stats) {
            dict_pages |= s.encoding == Encoding::RLE_DICTIONARY;
            plain_pages |= s.page_type == PageType::DATA_PAGE && s.encoding == Encoding::PLAIN;
          }
        }
      }
      EXPECT_TRUE(dict_pages && plain_pages);
    }
    // (threads, call): 1 thread encodes WriteAsync's batches before returning; with more,
    // they are encoded while the next is handed over.
    for (auto [threads, call] : {std::pair{2, testdata::WriteCall::kWrite}, {4, testdata::WriteCall::kWrite},
                                 {0, testdata::WriteCall::kWrite}, {1, testdata::WriteCall::kWriteAsync},
                                 {2, testdata::WriteCall::kWriteAsync}, {3, testdata::WriteCall::kAlternate}}) {
      const std::string name = "threads" + std::to_string(threads) + "_call" + std::to_string(static_cast<int>(call));
      SCOPED_TRACE(name);
      options.threads = threads;
      const std::string path = dir.file(name + ".parquet");
      FileMetrics m = testdata::WriteBatches(path, schema, ptrs, options, call);
      EXPECT_TRUE(ReadFile(path) == expected) << "file bytes differ from the one-thread file";
      EXPECT_EQ(m.split_offsets, reference.split_offsets);
      EXPECT_EQ(m.column_sizes, reference.column_sizes);
      EXPECT_EQ(m.lower_bounds, reference.lower_bounds);
      EXPECT_EQ(m.upper_bounds, reference.upper_bounds);
    }
  }
}

TEST(WriterThreads, FirstFailingColumnIsNamedWhateverTheScheduling) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {1, "a", DataType::Int64(), true, "", ""},
      {2, "b", DataType::String(), true, "", ""},
      {3, "c", DataType::Int32(), true, "", ""},
  });
  RecordBatch batch(schema);
  for (int64_t r = 0; r < 1000; ++r) {
    batch.column(0).Append<int64_t>(r);
    if (r == 500) {
      batch.column(1).AppendNull();
      batch.column(2).AppendNull();
    } else {
      batch.column(1).AppendBytes("x");
      batch.column(2).Append<int32_t>(1);
    }
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    TempDir dir;
    WriterOptions options;
    options.threads = 3;
    auto w = ParquetWriter::Open(dir.file("f.parquet"), schema, options);
    ASSERT_TRUE(w.ok());
    Status st = (*w)->Write(batch);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("column 'b' (field id 2)"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("row 500"), std::string::npos) << st.message();
    EXPECT_FALSE((*w)->Close().ok());
  }
}

// WriteAsync reports a batch's encoding error from the next call (or Close), naming the
// column, and the file is aborted.
TEST(WriterThreads, WriteAsyncErrorComesFromTheNextCall) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {1, "a", DataType::Int64(), true, "", ""},
      {2, "b", DataType::String(), true, "", ""},
  });
  for (bool close_next : {false, true}) {
    SCOPED_TRACE(close_next ? "then Close" : "then WriteAsync");
    TempDir dir;
    WriterOptions options;
    options.threads = 2;
    auto w = ParquetWriter::Open(dir.file("f.parquet"), schema, options);
    ASSERT_TRUE(w.ok());
    RecordBatch batch(schema);
    batch.column(0).Append<int64_t>(1);
    batch.column(1).AppendNull();
    ASSERT_TRUE((*w)->WriteAsync(&batch).ok()) << "the error belongs to the next call";
    batch.column(0).Append<int64_t>(2);
    batch.column(1).AppendBytes("x");
    Status st = close_next ? (*w)->Close().status() : (*w)->WriteAsync(&batch);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("column 'b' (field id 2)"), std::string::npos) << st.message();
    EXPECT_FALSE((*w)->Close().ok());
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  }
}

// With threads the file is written on a background thread; a failing write must still
// come back as an error (from a later Write or from Close) and leave no file. The write
// fails through a file size limit (EFBIG, with SIGXFSZ ignored), restored afterwards.
TEST(WriterThreads, BackgroundWriteErrorIsReported) {
  auto schema = testdata::AllTypesSchema();
  RecordBatch batch = testdata::AllTypesBatch(schema, 20000);
  TempDir dir;
  const std::string path = dir.file("big.parquet");
  WriterOptions options;
  options.threads = 2;
  options.row_group_size = 256 << 10;
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 512 << 10;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Status st;
  {
    auto w = ParquetWriter::Open(path, schema, options);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (int i = 0; i < 10 && st.ok(); ++i) st = (*w)->Write(batch);
    if (st.ok()) st = (*w)->Close().status();
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kIOError) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ColumnEncodePool, RunsEveryTaskOnceAndTurnsExceptionsIntoStatuses) {
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    ColumnEncodePool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int round = 0; round < 50; ++round) {
      std::vector<int> runs(8, 0);
      std::vector<Status> st = pool.Run({7, 0, 3, 1, 6, 2, 5, 4}, [&](int i) -> Status {
        ++runs[i];  // each index is one task: no two threads touch the same slot
        if (i == 3) throw std::runtime_error("boom");
        if (i == 5) return InvalidArgument("bad five");
        return Status::OK();
      });
      ASSERT_EQ(st.size(), 8u);
      EXPECT_EQ(runs, std::vector<int>(8, 1));
      EXPECT_EQ(st[3].code(), ErrorCode::kInternal);
      EXPECT_NE(st[3].message().find("boom"), std::string::npos);
      EXPECT_EQ(st[5].code(), ErrorCode::kInvalidArgument);
      for (int i : {0, 1, 2, 4, 6, 7}) EXPECT_TRUE(st[i].ok());
    }
  }
}

}  // namespace
}  // namespace icesync::parquet
