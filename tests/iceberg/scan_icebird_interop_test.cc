// Interoperability: tables we write (appends, an overwrite, row deltas with position and
// equality deletes; unpartitioned and identity-partitioned) read by icebird, an independent
// JavaScript Iceberg reader, give exactly the rows our reader gives, for every snapshot
// (time travel: tests/js/icebird_scan.mjs hands icebird a metadata object whose current
// snapshot is the one asked for). Each snapshot's row count is also checked against what
// the operations imply, so two readers agreeing on a wrong answer still fails.
//
// Where icebird is known to be wrong (INTEROP-NOTES.md: it applies equality deletes across
// partitions), the test says so and checks what it can: that icebird's rows are ours minus
// exactly the rows a cross-partition application would wrongly drop.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "core/canonical_json.h"
#include "iceberg/file_writer.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/incremental_planner.h"
#include "iceberg/snapshot_producer.h"
#include "iceberg/table_reader.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

using testing::RunNode;
using testing::ShellQuote;
using testing::TempDir;

struct Row {
  int64_t id;
  const char* name;  // nullptr: null
  double score;
  bool active;
  int32_t day;
  const char* region;
};

std::shared_ptr<const Schema> TableSchema() {
  static const auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {1, "id", DataType::Int64(), true},
      {2, "name", DataType::String()},
      {3, "score", DataType::Float64()},
      {4, "active", DataType::Boolean()},
      {5, "day", DataType::Date()},
      {6, "region", DataType::String()},
  });
  return schema;
}

RecordBatch MakeBatch(const std::vector<Row>& rows) {
  RecordBatch batch(TableSchema());
  for (const Row& r : rows) {
    batch.column(0).Append<int64_t>(r.id);
    if (r.name) {
      batch.column(1).AppendBytes(r.name);
    } else {
      batch.column(1).AppendNull();
    }
    batch.column(2).Append<double>(r.score);
    batch.column(3).Append<uint8_t>(r.active ? 1 : 0);
    batch.column(4).Append<int32_t>(r.day);
    batch.column(5).AppendBytes(r.region);
  }
  return batch;
}

// Writes `batch` as a Parquet file of `table` and describes it for a manifest.
Result<DataFile> WriteFile(const Table& table, const RecordBatch& batch, FileContent content,
                           std::vector<Value> partition, std::vector<int> equality_ids = {}) {
  return WriteNewFile(table, batch, content, std::move(partition), std::move(equality_ids));
}

// Data files for `rows`: one per region when partitioned (identity(region)), else one.
Result<std::vector<DataFile>> WriteRows(const Table& table, bool partitioned, const std::vector<Row>& rows) {
  std::vector<DataFile> files;
  if (!partitioned) {
    ASSIGN_OR_RETURN(DataFile f, WriteFile(table, MakeBatch(rows), FileContent::kData, {}));
    files.push_back(std::move(f));
    return files;
  }
  std::vector<std::string> regions;
  for (const Row& r : rows) {
    if (std::find(regions.begin(), regions.end(), r.region) == regions.end()) regions.push_back(r.region);
  }
  for (const std::string& region : regions) {
    std::vector<Row> part;
    for (const Row& r : rows) {
      if (region == r.region) part.push_back(r);
    }
    ASSIGN_OR_RETURN(DataFile f, WriteFile(table, MakeBatch(part), FileContent::kData,
                                           {Value(DataType::String(), region)}));
    files.push_back(std::move(f));
  }
  return files;
}

std::string JoinSorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Our reader's rows of one snapshot, canonical and sorted.
Result<std::string> OurRows(const std::string& table_dir, SnapshotId snapshot_id) {
  ASSIGN_OR_RETURN(Table table, LoadTableDir(table_dir));
  ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(table, ScanOptions{.snapshot_id = snapshot_id}));
  TableReader reader(table, plan, false);
  ASSIGN_OR_RETURN(RecordBatch rows, reader.ReadAll());
  std::vector<std::string> lines;
  for (int64_t r = 0; r < rows.num_rows(); ++r) lines.push_back(CanonicalRow(rows, r));
  return JoinSorted(std::move(lines));
}

std::string IcebirdRows(const std::string& table_dir, SnapshotId snapshot_id) {
  testing::CommandResult r =
      RunNode("icebird_scan.mjs", ShellQuote(table_dir) + " " + SnapshotIdToString(snapshot_id));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

int64_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

class IcebirdInteropTest : public ::testing::TestWithParam<bool> {
 protected:
  struct Step {
    SnapshotId id;
    int64_t expected_rows;
  };

  // Builds table db.events (unpartitioned) or db.events_by_region (identity(region)) with
  // five snapshots; `steps` gets each snapshot id and the rows it must read as.
  void BuildTable() {
    const bool partitioned = GetParam();
    FilesystemCatalog catalog(warehouse.path().string());
    const TableIdentifier ident{{"db"}, partitioned ? "events_by_region" : "events"};
    Result<PartitionSpec> spec = ParsePartitionSpec(partitioned ? "region" : "", *TableSchema());
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    Result<Table> created = catalog.CreateTable(ident, *TableSchema(), *spec);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    dir = created->table_dir;

    Table t;
    // Records the committed snapshot and makes it the base of the next step.
    auto commit = [&](Result<Table> committed, int64_t expected_rows) {
      if (!committed.ok()) {
        ADD_FAILURE() << committed.status().ToString();
        return false;
      }
      t = *committed;
      steps.push_back({*t.metadata.current_snapshot_id, expected_rows});
      return true;
    };

    // 1. append ids 1-5 (id 3 with a null name).
    auto files1 = WriteRows(*created, partitioned,
                            {{1, "ann", 1.5, true, 19001, "eu"}, {2, "bob", 3, false, 19002, "us"},
                             {3, nullptr, 4.5, true, 19003, "eu"}, {4, "dan", -6.25, false, 19004, "us"},
                             {5, "eve", 0.1, true, 19005, "eu"}});
    ASSERT_TRUE(files1.ok()) << files1.status().ToString();
    ASSERT_TRUE(commit(AppendFiles(dir, *files1), 5));
    // 2. append ids 6, 7, 8, and a second id 7 in the other region.
    auto files2 = WriteRows(t, partitioned,
                            {{6, "fay", 7, true, 19006, "eu"}, {7, "gus", 8.5, false, 19007, "eu"},
                             {8, "hal", 9, true, 19008, "us"}, {7, "ida", 10, true, 19009, "us"}});
    ASSERT_TRUE(files2.ok()) << files2.status().ToString();
    ASSERT_TRUE(commit(AppendFiles(dir, *files2), 9));
    // 3. overwrite: snapshot 1's files replaced by the same ids with new scores.
    auto files3 = WriteRows(t, partitioned,
                            {{1, "ann", 101.5, true, 19001, "eu"}, {2, "bob", 103, false, 19002, "us"},
                             {3, nullptr, 104.5, true, 19003, "eu"}, {4, "dan", 106.25, false, 19004, "us"},
                             {5, "eve", 100.1, true, 19005, "eu"}});
    ASSERT_TRUE(files3.ok()) << files3.status().ToString();
    removed.clear();
    for (const DataFile& f : *files1) removed.push_back(f.file_path);
    ASSERT_TRUE(commit(OverwriteFiles(dir, removed, *files3), 9));
    // 4. row delta: position deletes remove ids 6 and 8 (the first row of each region's file
    //    when partitioned; positions 0 and 2 of the single file otherwise).
    {
      auto schema = std::make_shared<const Schema>(std::vector<Field>{
          {2147483546, "file_path", DataType::String(), true}, {2147483545, "pos", DataType::Int64(), true}});
      std::vector<DataFile> deletes;
      for (const DataFile& target : *files2) {
        RecordBatch batch(schema);
        const std::vector<int64_t> positions = partitioned ? std::vector<int64_t>{0} : std::vector<int64_t>{0, 2};
        for (int64_t pos : positions) {
          batch.column(0).AppendBytes(target.file_path);
          batch.column(1).Append<int64_t>(pos);
        }
        auto del = WriteFile(t, batch, FileContent::kPositionDeletes, target.partition);
        ASSERT_TRUE(del.ok()) << del.status().ToString();
        deletes.push_back(*del);
      }
      ASSERT_TRUE(commit(RowDelta(dir, {}, deletes), 7));
    }
    // 5. row delta: equality delete id = 7 (in region eu only when partitioned) and, in the
    //    same commit, new rows 9 and 7 in eu, which the delete must not remove (same sequence
    //    number). Unpartitioned: both older id-7 rows go; partitioned: only eu's.
    {
      auto schema = std::make_shared<const Schema>(std::vector<Field>{{1, "id", DataType::Int64(), true}});
      RecordBatch batch(schema);
      batch.column(0).Append<int64_t>(7);
      std::vector<Value> partition;
      if (partitioned) partition = {Value(DataType::String(), std::string("eu"))};
      auto del = WriteFile(t, batch, FileContent::kEqualityDeletes, partition, {1});
      ASSERT_TRUE(del.ok()) << del.status().ToString();
      auto added = WriteRows(t, partitioned, {{9, "jo", 11, false, 19010, "eu"}, {7, "gus", 12, true, 19011, "eu"}});
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      ASSERT_TRUE(commit(RowDelta(dir, *added, {*del}), partitioned ? 8 : 7));
    }
  }

  TempDir warehouse;
  std::string dir;
  std::vector<Step> steps;
  std::vector<std::string> removed;  // data files the overwrite (snapshot 3) removed
};

TEST_P(IcebirdInteropTest, EverySnapshotReadsTheSame) {
  const bool partitioned = GetParam();
  BuildTable();
  if (::testing::Test::HasFatalFailure()) return;

  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("snapshot " + std::to_string(i + 1));
    Result<std::string> ours = OurRows(dir, steps[i].id);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    EXPECT_EQ(CountLines(*ours), steps[i].expected_rows) << *ours;
    const std::string theirs = IcebirdRows(dir, steps[i].id);
    const bool cross_partition_delete = partitioned && i == 4;
    if (!cross_partition_delete) {
      EXPECT_EQ(theirs, *ours);
      continue;
    }
    // icebird applies the eu-only equality delete to region us as well: it must return our
    // rows minus exactly the us row with id 7.
    std::istringstream in(*ours);
    std::vector<std::string> expected;
    int dropped = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"id\":\"7\"") != std::string::npos && line.find("\"region\":\"us\"") != std::string::npos) {
        ++dropped;
        continue;
      }
      expected.push_back(line);
    }
    EXPECT_EQ(dropped, 1);
    EXPECT_EQ(theirs, JoinSorted(expected)) << "icebird changed its equality-delete handling: compare fully";
  }
  // The current state is the last snapshot.
  Result<Table> loaded = LoadTableDir(dir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded->metadata.current_snapshot_id, steps.back().id);
}

// The same table through `icesync scan`: every form of the table argument, --snapshot for
// each snapshot, --as-of at each snapshot's commit time.
TEST_P(IcebirdInteropTest, ScanCommandReadsEveryTableArgumentForm) {
  BuildTable();
  if (HasFatalFailure()) return;
  const std::string bin = ShellQuote(testing::IcesyncBinary());
  auto scan = [&](const std::string& args) {
    testing::CommandResult r = testing::RunCommand(bin + " scan " + args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    std::istringstream in(r.out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return JoinSorted(std::move(lines));
  };
  Result<Table> table = LoadTableDir(dir);
  ASSERT_TRUE(table.ok());
  Result<std::string> current = OurRows(dir, steps.back().id);
  ASSERT_TRUE(current.ok());
  const std::string name = GetParam() ? "db.events_by_region" : "db.events";
  EXPECT_EQ(scan("--warehouse " + ShellQuote(warehouse.path().string()) + " " + name), *current);
  EXPECT_EQ(scan(ShellQuote(dir)), *current);
  EXPECT_EQ(scan(ShellQuote(table->metadata_path)), *current);
  for (size_t i = 0; i < steps.size(); ++i) {
    Result<std::string> rows = OurRows(dir, steps[i].id);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(scan(ShellQuote(dir) + " --snapshot " + SnapshotIdToString(steps[i].id)), *rows);
    const Snapshot* s = table->metadata.SnapshotById(steps[i].id);
    ASSERT_NE(s, nullptr);
    // Two commits within one millisecond share a time; --as-of then means the later one.
    const Snapshot* next = i + 1 < steps.size() ? table->metadata.SnapshotById(steps[i + 1].id) : nullptr;
    if (next && next->timestamp_ms == s->timestamp_ms) continue;
    EXPECT_EQ(scan(ShellQuote(dir) + " --as-of " + std::to_string(s->timestamp_ms)), *rows);
  }
}

// What each snapshot added and removed, as sync/import consume it.
TEST_P(IcebirdInteropTest, IncrementalPlanListsEachSnapshotsFiles) {
  const bool partitioned = GetParam();
  BuildTable();
  if (HasFatalFailure()) return;
  Result<Table> table = LoadTableDir(dir);
  ASSERT_TRUE(table.ok());
  auto changes = PlanIncremental(*table, steps[0].id, std::nullopt);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 4u);
  const size_t per_write = partitioned ? 2 : 1;  // files per WriteRows of both regions
  EXPECT_EQ((*changes)[0].snapshot.snapshot_id, steps[1].id);
  EXPECT_EQ((*changes)[0].added_data_files.size(), per_write);
  EXPECT_EQ((*changes)[1].added_data_files.size(), per_write);
  ASSERT_EQ((*changes)[1].removed_data_files.size(), removed.size());
  std::vector<std::string> removed_paths;
  for (const ScanFile& f : (*changes)[1].removed_data_files) removed_paths.push_back(f.path());
  std::sort(removed_paths.begin(), removed_paths.end());
  std::vector<std::string> want = removed;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(removed_paths, want);
  EXPECT_EQ((*changes)[2].added_data_files.size(), 0u);
  EXPECT_EQ((*changes)[2].added_delete_files.size(), per_write);
  ASSERT_EQ((*changes)[3].added_delete_files.size(), 1u);
  EXPECT_EQ((*changes)[3].added_delete_files[0].content(), FileContent::kEqualityDeletes);
  EXPECT_EQ((*changes)[3].added_delete_files[0].data_sequence_number, 5);
  EXPECT_EQ((*changes)[3].added_data_files.size(), 1u);
  // From the start of history: the first append too.
  auto all = PlanIncremental(*table, std::nullopt, steps[1].id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].added_data_files.size(), per_write);
}

// A table with no snapshot reads as no rows, not as an error.
TEST(ScanEmptyTableTest, NoSnapshotNoRows) {
  TempDir warehouse;
  FilesystemCatalog catalog(warehouse.path().string());
  Result<Table> created = catalog.CreateTable(TableIdentifier{{"db"}, "empty"}, *TableSchema(), PartitionSpec());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  testing::CommandResult r = testing::RunCommand(ShellQuote(testing::IcesyncBinary()) + " scan " +
                                                 ShellQuote(created->table_dir) + " --format csv");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "id,name,score,active,day,region\n");  // the header only
  testing::CommandResult jsonl = testing::RunCommand(ShellQuote(testing::IcesyncBinary()) + " scan " +
                                                     ShellQuote(created->table_dir));
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(jsonl.out, "");
}

INSTANTIATE_TEST_SUITE_P(Tables, IcebirdInteropTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("IdentityPartitioned") : std::string("Unpartitioned");
                         });

}  // namespace
}  // namespace icesync::iceberg
