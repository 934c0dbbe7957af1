// `export --parallel N`: key-range readers over separate connections, one commit.
#include <gtest/gtest.h>

#include <set>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"
#include "sync/exporter.h"
#include "sync/parallel_reader.h"
#include "testing/postgres_server.h"
#include "testing/test_util.h"

namespace icesync::sync {
namespace {

using icesync::testing::PostgresServer;

TEST(SplitKeySpanTest, CoversTheSpanInOrder) {
  EXPECT_EQ(SplitKeySpan(1, 100, 4), (std::vector<int64_t>{25, 50, 75}));
  EXPECT_EQ(SplitKeySpan(-10, -1, 2), (std::vector<int64_t>{-6}));
  EXPECT_EQ(SplitKeySpan(7, 7, 1), (std::vector<int64_t>{}));
  // The whole int64 range does not overflow.
  std::vector<int64_t> b = SplitKeySpan(INT64_MIN, INT64_MAX, 2);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], -1);
}

class ExportParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = PostgresServer::Shared(&error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Psql("DROP SCHEMA IF EXISTS par CASCADE; CREATE SCHEMA par;"
                  "CREATE TABLE par.t (id integer PRIMARY KEY, name varchar(20), amount numeric(10,2));"
                  "INSERT INTO par.t SELECT g * 3, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END, g / 100.0 "
                  "FROM generate_series(-5000, 5000) g;"
                  "CREATE TABLE par.nokey (id integer, name text); INSERT INTO par.nokey VALUES (1, 'a');");
  }

  ExportOptions Options(const std::string& table, int parallel) const {
    ExportOptions o;
    o.source = server_->Url();
    o.table = table;
    o.warehouse = dir_.file("lake");
    o.target = "ns.t" + std::to_string(parallel);
    o.parallel = parallel;
    o.batch_rows = 1000;  // many batches per reader
    return o;
  }

  PostgresServer* server_ = nullptr;
  icesync::testing::TempDir dir_;
};

TEST_F(ExportParallelTest, ReadsEveryRowOnceFromOneSharedSnapshot) {
  ExportOptions o = Options("par.t", 3);
  o.where = "id <> 0";
  Result<ExportResult> r = Export(o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 10000);
  EXPECT_GE(r->files, 3);  // each reader writes its own files
  EXPECT_NE(r->isolation.find("one snapshot shared by 3 readers"), std::string::npos) << r->isolation;

  auto table = iceberg::LoadTableDir(r->table_dir);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const auto& summary = table->metadata.CurrentSnapshot()->summary;
  EXPECT_EQ(summary.at("icesync.parallel-readers"), "3");
  auto plan = iceberg::PlanScan(*table, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  iceberg::TableReader reader(*table, *plan, false);
  auto rows = reader.ReadAll();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::set<int32_t> ids;
  int64_t nulls = 0;
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    ids.insert(rows->column(0).Value<int32_t>(i));
    nulls += rows->column(1).IsNull(i) ? 1 : 0;
  }
  EXPECT_EQ(ids.size(), 10000u);
  EXPECT_EQ(*ids.begin(), -15000);
  EXPECT_EQ(*ids.rbegin(), 15000);
  EXPECT_EQ(ids.count(0), 0u);
  EXPECT_EQ(nulls, 1428);  // g % 7 == 0 for g in [-5000, 5000] without g = 0
}

TEST_F(ExportParallelTest, TinyTableUsesOneReader) {
  server_->Psql("CREATE TABLE par.tiny (id bigint PRIMARY KEY, v text); INSERT INTO par.tiny VALUES (42, 'x');");
  Result<ExportResult> r = Export(Options("par.tiny", 4), nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 1);
  EXPECT_EQ(r->isolation, "repeatable-read (snapshot)");
}

TEST_F(ExportParallelTest, NeedsASingleIntegerKey) {
  Result<ExportResult> r = Export(Options("par.nokey", 2), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(r.status().message().find("single integer primary key"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("no primary key"), std::string::npos) << r.status().ToString();
}

// Without a snapshot to share (SQLite) every reader has its own transaction, and the result
// says that the read was not one consistent view.
TEST(ExportParallelSqliteTest, ReadsEveryRowButSaysTheViewIsNotShared) {
  icesync::testing::TempDir dir;
  const std::string url = "sqlite://" + dir.file("src.db");
  {
    auto conn = db::Connect(url);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE((*conn)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v varchar(8))").ok());
    ASSERT_TRUE((*conn)->Execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) "
                                 "INSERT INTO t SELECT x, 'v' || x FROM c")
                    .ok());
  }
  ExportOptions o;
  o.source = url;
  o.table = "t";
  o.warehouse = dir.file("lake");
  o.target = "ns.t";
  o.parallel = 2;
  o.batch_rows = 500;
  Result<ExportResult> r = Export(o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 3000);
  EXPECT_GE(r->files, 2);
  EXPECT_NE(r->isolation.find("2 key-range readers, not one consistent view"), std::string::npos) << r->isolation;
}

}  // namespace
}  // namespace icesync::sync
