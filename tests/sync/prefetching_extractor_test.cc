// PrefetchingExtractor: the extractor's batches, in order, fetched on another thread.
#include "sync/prefetching_extractor.h"

#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "testing/test_util.h"

namespace icesync::sync {
namespace {

class PrefetchingExtractorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = db::Connect("sqlite://" + dir_.file("p.db"));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
    ASSERT_TRUE(conn_->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v varchar(12))").ok());
    ASSERT_TRUE(conn_->Execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
                               "INSERT INTO t SELECT x, 'v' || x FROM c")
                    .ok());
    auto t = db::DiscoverTable(*conn_, "t");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    db::ExtractOptions o;
    o.batch_rows = 64;
    o.order_by_key = true;
    auto ex = db::Extractor::Open(*conn_, *t, o);
    ASSERT_TRUE(ex.ok()) << ex.status().ToString();
    extractor_ = std::move(ex).value();
  }

  icesync::testing::TempDir dir_;
  std::unique_ptr<db::Connection> conn_;
  std::unique_ptr<db::Extractor> extractor_;
};

TEST_F(PrefetchingExtractorTest, YieldsEveryBatchInOrder) {
  PrefetchingExtractor fetch(extractor_.get());
  RecordBatch batch;
  int64_t next_id = 1, batches = 0;
  for (;;) {
    Result<bool> more = fetch.Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++batches;
    ASSERT_LE(batch.num_rows(), 64);
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      ASSERT_EQ(batch.column(0).Value<int64_t>(r), next_id);
      std::string expected = "v";  // (not "v" + to_string: GCC 12 -Wrestrict false positive)
      expected += std::to_string(next_id);
      ASSERT_EQ(batch.column(1).GetBytes(r), expected);
      ++next_id;
    }
  }
  EXPECT_EQ(next_id, 1001);
  EXPECT_GE(batches, 16);
  EXPECT_EQ(batch.num_rows(), 0);
  Result<bool> again = fetch.Next(&batch);  // stays at the end
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_F(PrefetchingExtractorTest, StopsWhenDroppedMidStream) {
  RecordBatch batch;
  {
    PrefetchingExtractor fetch(extractor_.get(), 1);
    Result<bool> more = fetch.Next(&batch);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(batch.column(0).Value<int64_t>(0), 1);
  }  // joins without reading the rest
  // The extractor is free again and continues where the thread left it.
  Result<bool> more = extractor_->Next(&batch);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_TRUE(*more);
  EXPECT_GT(batch.column(0).Value<int64_t>(0), 64);
}

}  // namespace
}  // namespace icesync::sync
