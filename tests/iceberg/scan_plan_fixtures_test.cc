// Planning over the real third-party tables of ../shared/iceberg-fixtures: which data files
// a snapshot reads, with which delete files (sequence-number and partition rules), entries
// DELETED skipped, sequence numbers inherited (FIXTURES.md rules 2, 3, 6, 7, 8).
#include <gtest/gtest.h>

#include <filesystem>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/incremental_planner.h"
#include "iceberg/scan_planner.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

std::string Fixture(const std::string& name) {
  const std::string shared = testing::SharedDir();
  if (shared.empty()) return "";
  const std::string dir = shared + "/iceberg-fixtures/" + name;
  return std::filesystem::is_directory(dir) ? dir : "";
}

std::string Basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

Result<ScanPlan> Plan(const std::string& dir, ScanOptions options = {}) {
  ASSIGN_OR_RETURN(Table table, LoadTableDir(dir));
  options.allow_moved_paths = true;
  return PlanScan(table, options);
}

TEST(ScanPlanFixturesTest, JavaBunniesEqualityDeleteSkipsTheSameSequenceNumber) {
  const std::string dir = Fixture("icebird-java-bunnies");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto plan = Plan(dir);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->tasks.size(), 2u);
  for (const FileScanTask& task : plan->tasks) {
    const std::string name = Basename(task.data.path());
    std::vector<std::string> deletes;
    for (const ScanFile& d : task.deletes) deletes.push_back(Basename(d.path()));
    if (name == "bunnies-initial.parquet") {
      EXPECT_EQ(task.data.data_sequence_number, 1);
      EXPECT_EQ(deletes, (std::vector<std::string>{"bunnies-pos-deletes.parquet",
                                                   "bunnies-eq-delete-new-zealand.parquet"}));
    } else {
      EXPECT_EQ(name, "bunnies-updated-new-zealand.parquet");
      EXPECT_EQ(task.data.data_sequence_number, 3);
      EXPECT_TRUE(deletes.empty()) << deletes[0];
    }
  }
  EXPECT_EQ(plan->schema.schema_id(), 1);

  auto first = Plan(dir, ScanOptions{.snapshot_id = 4951213507629824583});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->tasks.size(), 1u);
  EXPECT_TRUE(first->tasks[0].deletes.empty());
  EXPECT_EQ(first->schema.schema_id(), 0);
  EXPECT_EQ(first->schema.num_fields(), 8u);
}

TEST(ScanPlanFixturesTest, SparkBunniesSkipsTheDeletedEntry) {
  const std::string dir = Fixture("icebird-spark-bunnies");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto plan = Plan(dir);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->tasks.size(), 1u);  // the rewritten file; the old one's entry is DELETED
  auto before = Plan(dir, ScanOptions{.snapshot_id = 469881615898633426});
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->tasks.size(), 1u);
  ASSERT_EQ(before->tasks[0].deletes.size(), 1u);
  EXPECT_EQ(before->tasks[0].deletes[0].content(), FileContent::kPositionDeletes);
}

// The hand-made manifest writes equality_ids (field 135) as an array of long where the spec
// says int: read because every value fits (avro/resolve.cc).
TEST(ScanPlanFixturesTest, CrossPartitionEqualityDeleteStaysInItsPartition) {
  const std::string dir = Fixture("duckdb-iceberg-equality_delete_cross_partition");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto plan = Plan(dir);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->tasks.size(), 2u);
  int with_delete = 0;
  for (const FileScanTask& task : plan->tasks) {
    ASSERT_EQ(task.data.file.partition.size(), 1u);
    const int64_t part = task.data.file.partition[0].get<int64_t>();
    EXPECT_EQ(task.deletes.size(), part == 0 ? 1u : 0u) << task.data.path();
    with_delete += !task.deletes.empty();
  }
  EXPECT_EQ(with_delete, 1);
}

TEST(ScanPlanFixturesTest, PrunesByIdentityPartition) {
  const std::string dir = Fixture("duckdb-iceberg-equality_deletes-mytable_partitioned");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  ScanOptions options;
  options.filter = {Predicate{Predicate::Op::kEq, 2, Value(DataType::String(), std::string("e"))}};
  auto plan = Plan(dir, options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->tasks.size(), 1u);
  EXPECT_NE(plan->tasks[0].data.path().find("name=e"), std::string::npos) << plan->tasks[0].data.path();
  EXPECT_GT(plan->data_files_pruned + plan->manifests_pruned, 0);
  auto all = Plan(dir);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tasks.size(), 6u);
}

TEST(ScanPlanFixturesTest, MissingManifestListNamesTheFile) {
  const std::string dir = Fixture("duckdb-iceberg-equality_deletes-mytable");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto plan = Plan(dir, ScanOptions{.snapshot_id = 7342794868382145167});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ErrorCode::kNotFound) << plan.status().ToString();
  EXPECT_NE(plan.status().message().find("snap-7342794868382145167-1-34f7dec7"), std::string::npos)
      << plan.status().message();
}

TEST(IncrementalPlanFixturesTest, ListsWhatEachSnapshotAdded) {
  const std::string dir = Fixture("icebird-java-bunnies");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto table = LoadTableDir(dir);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto changes = PlanIncremental(*table, std::nullopt, std::nullopt, true);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 3u);
  EXPECT_EQ((*changes)[0].snapshot.snapshot_id, 4951213507629824583);
  EXPECT_EQ((*changes)[0].added_data_files.size(), 1u);
  EXPECT_EQ((*changes)[0].added_delete_files.size(), 0u);
  EXPECT_EQ((*changes)[1].added_data_files.size(), 0u);
  ASSERT_EQ((*changes)[1].added_delete_files.size(), 1u);
  EXPECT_EQ((*changes)[1].added_delete_files[0].content(), FileContent::kPositionDeletes);
  EXPECT_EQ((*changes)[2].added_data_files.size(), 1u);
  ASSERT_EQ((*changes)[2].added_delete_files.size(), 1u);
  EXPECT_EQ((*changes)[2].added_delete_files[0].content(), FileContent::kEqualityDeletes);
  EXPECT_EQ((*changes)[2].added_delete_files[0].data_sequence_number, 3);

  auto since_first = PlanIncremental(*table, 4951213507629824583, std::nullopt, true);
  ASSERT_TRUE(since_first.ok());
  EXPECT_EQ(since_first->size(), 2u);
  auto none = PlanIncremental(*table, 9158179788527662767, std::nullopt, true);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // Backwards: the current snapshot is not an ancestor of the first.
  auto backwards = PlanIncremental(*table, 9158179788527662767, 4951213507629824583, true);
  EXPECT_EQ(backwards.status().code(), ErrorCode::kInvalidArgument);
}

TEST(IncrementalPlanFixturesTest, OverwriteReportsTheRemovedDataFile) {
  const std::string dir = Fixture("icebird-spark-bunnies");
  if (dir.empty()) GTEST_SKIP() << "fixture absent";
  auto table = LoadTableDir(dir);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto changes = PlanIncremental(*table, 469881615898633426, std::nullopt, true);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].added_data_files.size(), 1u);
  EXPECT_EQ((*changes)[0].removed_data_files.size(), 1u);
}

}  // namespace
}  // namespace icesync::iceberg
