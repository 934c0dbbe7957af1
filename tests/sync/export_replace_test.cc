// `icesync export --replace` and interrupted exports: a replace adds an overwrite snapshot
// while older snapshots stay readable; an export killed at any of its crash points leaves
// the table absent (new table) or at its previous snapshot (replace), and a re-run then
// commits exactly the source rows, whatever the killed run left behind.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kGeneratedRows = 60;  // ids 1..64
constexpr const char* kPartitionBy = "--partition-by 'month(day), bucket(4, id)'";

class ExportReplaceTest : public ExportFixture {
 protected:
  void SetUp() override {
    rows_ = AllTypesRows(schema_, kGeneratedRows, /*sqlite=*/true);
    CreateAndLoad(sqlite_url(), "all_types", schema_, rows_);
  }
  // Expected rows with id <= max_id.
  std::string RowsUpTo(int64_t max_id) const {
    return SortedCanonicalLines(rows_, [&](int64_t r) { return rows_.column(0).Value<int64_t>(r) <= max_id; });
  }
  void ExecuteOnSource(const std::string& sql) {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status st = (*conn)->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::shared_ptr<const Schema> schema_ = AllTypesSchema();
  RecordBatch rows_;
};

TEST_F(ExportReplaceTest, ReplaceAddsAnOverwriteSnapshotAndKeepsHistory) {
  const std::string table_dir = TableDir("shop.items");
  CommandResult first = Export(sqlite_url(), "all_types", "shop.items", kPartitionBy);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int64_t first_snapshot = LoadTable(table_dir).metadata.current_snapshot_id.value_or(0);
  ASSERT_NE(first_snapshot, 0);

  ExecuteOnSource("DELETE FROM all_types WHERE id > 40");
  if (HasFatalFailure()) return;

  // Without --replace: an error that says what to do, and nothing written.
  const std::vector<std::string> files_before = FilesUnder(table_dir);
  CommandResult refused = Export(sqlite_url(), "all_types", "shop.items", kPartitionBy);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("shop.items already exists"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--replace"), std::string::npos) << refused.err;
  EXPECT_EQ(FilesUnder(table_dir), files_before);

  CommandResult replaced = Export(sqlite_url(), "all_types", "shop.items", std::string(kPartitionBy) + " --replace --json");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  nlohmann::json j = nlohmann::json::parse(replaced.out);
  EXPECT_EQ(j["operation"], "overwrite");
  EXPECT_EQ(j["previous_snapshot_id"], first_snapshot);
  EXPECT_EQ(j["rows"], 40);

  iceberg::Table t = LoadTable(table_dir);
  ASSERT_EQ(t.metadata.snapshots.size(), 2u);
  const iceberg::Snapshot* current = t.metadata.CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->snapshot_id, j["snapshot_id"].get<int64_t>());
  EXPECT_EQ(current->operation(), "overwrite");
  EXPECT_EQ(current->parent_snapshot_id, first_snapshot);
  EXPECT_EQ(current->summary.at("added-records"), "40");
  EXPECT_EQ(current->summary.at("deleted-records"), "64");
  EXPECT_EQ(current->summary.at("total-records"), "40");

  ExpectReadersSeeRows(warehouse(), "shop.items", table_dir, RowsUpTo(40));
  // Time travel: the first snapshot still returns the old rows, to icesync and to icebird
  // (given the first metadata version, whose current snapshot is the first one).
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), "shop.items", first_snapshot), "scan --snapshot <first>");
  ExpectSameLines(IcebirdForm(table_dir, RowsUpTo(64)), IcebirdRows(table_dir, "v1.metadata.json"),
                  "icebird over v1.metadata.json");
}

// A replace follows the source's new shape: a column added (new field id, old ids kept) and a
// different partitioning (a new spec); the old snapshot still reads with its own schema.
TEST_F(ExportReplaceTest, ReplaceFollowsANewSchemaAndPartitioning) {
  const std::string table_dir = TableDir("shop.items");
  CommandResult first = Export(sqlite_url(), "all_types", "shop.items", kPartitionBy);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int64_t first_snapshot = LoadTable(table_dir).metadata.current_snapshot_id.value_or(0);

  ExecuteOnSource("ALTER TABLE all_types ADD COLUMN note TEXT");
  ExecuteOnSource("UPDATE all_types SET note = 'n' || id WHERE id % 2 = 0");
  if (HasFatalFailure()) return;
  CommandResult replaced = Export(sqlite_url(), "all_types", "shop.items", "--partition-by 'bucket(2, id)' --replace");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;

  iceberg::Table t = LoadTable(table_dir);
  const Schema* schema = t.metadata.CurrentSchema();
  ASSERT_NE(schema, nullptr);
  ASSERT_EQ(schema->num_fields(), 17u);
  EXPECT_EQ(schema->field(16).name, "note");
  EXPECT_EQ(schema->field(16).id, 17);
  EXPECT_EQ(schema->field(0).id, 1);
  EXPECT_EQ(t.metadata.schemas.size(), 2u);
  EXPECT_EQ(t.metadata.specs.size(), 2u);
  EXPECT_EQ(t.metadata.default_spec_id, 1);

  std::vector<Field> fields = schema_->fields();
  fields.push_back(Field{17, "note", DataType::String()});
  RecordBatch with_note(std::make_shared<const Schema>(std::move(fields), 0, std::vector<int>{1}));
  with_note.columns() = rows_.columns();
  with_note.columns().emplace_back(DataType::String());
  for (int64_t r = 0; r < rows_.num_rows(); ++r) {
    const int64_t id = rows_.column(0).Value<int64_t>(r);
    if (id % 2 == 0) {
      with_note.columns().back().AppendBytes(fmt::format("n{}", id));
    } else {
      with_note.columns().back().AppendNull();
    }
  }
  ExpectReadersSeeRows(warehouse(), "shop.items", table_dir, SortedCanonicalLines(with_note));
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), "shop.items", first_snapshot), "scan --snapshot <first>");
}

TEST_F(ExportReplaceTest, EmptySourceGivesAnEmptySnapshot) {
  ExecuteOnSource("DELETE FROM all_types");
  if (HasFatalFailure()) return;
  CommandResult r = Export(sqlite_url(), "all_types", "shop.items", std::string(kPartitionBy) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows"], 0);
  EXPECT_EQ(j["files"], 0);
  EXPECT_EQ(ScanRows(warehouse(), "shop.items"), "");
  EXPECT_EQ(DuckdbRows(TableDir("shop.items")), "");
  iceberg::Table t = LoadTable(TableDir("shop.items"));
  ASSERT_NE(t.metadata.CurrentSnapshot(), nullptr);
  EXPECT_EQ(t.metadata.CurrentSnapshot()->summary.at("total-records"), "0");
}

// (crash point, replace an existing table?)
class ExportCrashTest : public ExportReplaceTest,
                        public ::testing::WithParamInterface<std::tuple<const char*, bool>> {};

TEST_P(ExportCrashTest, KilledExportLeavesTheTableAsItWasAndARerunCommitsExactlyTheSource) {
  const auto [point, replace] = GetParam();
  const std::string target = "shop.items";
  const std::string table_dir = TableDir(target);
  std::optional<int64_t> previous;
  if (replace) {
    CommandResult old = Export(sqlite_url(), "all_types", target, std::string(kPartitionBy) + " --where 'id <= 20'");
    ASSERT_EQ(old.exit_code, 0) << old.err;
    previous = LoadTable(table_dir).metadata.current_snapshot_id;
  }
  // Small batches: at "extract" more rows are still to come and partition files are open.
  const std::string flags = std::string(kPartitionBy) + " --batch-rows 8" + (replace ? " --replace" : "");
  CommandResult killed = Export(sqlite_url(), "all_types", target, flags, std::string("ICESYNC_CRASH_AT=") + point);
  ASSERT_EQ(killed.exit_code, 128 + 9) << "the export should have been killed at " << point << "\n" << killed.err;

  auto id = iceberg::TableIdentifier::Parse(target);
  ASSERT_TRUE(id.ok());
  if (!replace) {
    EXPECT_FALSE(*iceberg::FilesystemCatalog(warehouse()).TableExists(*id));
    CommandResult scan = Icesync("scan --warehouse " + ShellQuote(warehouse()) + " " + target);
    EXPECT_EQ(scan.exit_code, 5) << scan.err;
    EXPECT_NE(scan.err.find("items"), std::string::npos) << scan.err;
  } else {
    iceberg::Table t = LoadTable(table_dir);
    EXPECT_EQ(t.metadata.current_snapshot_id, previous);
    EXPECT_EQ(t.metadata.snapshots.size(), 1u);
    ExpectSameLines(RowsUpTo(20), ScanRows(warehouse(), target), "scan after the killed replace");
    ExpectSameLines(RowsUpTo(20), DuckdbRows(table_dir), "DuckDB after the killed replace");
  }
  const size_t files_after_kill = FilesUnder(table_dir + "/data").size();
  const size_t committed = replace ? CommittedDataFiles(table_dir).size() : 0;
  EXPECT_GT(files_after_kill, committed) << "the killed run left data files behind (what the re-run must ignore)";

  CommandResult rerun = Export(sqlite_url(), "all_types", target, std::string(kPartitionBy) + (replace ? " --replace" : ""));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  iceberg::Table t = LoadTable(table_dir);
  EXPECT_EQ(t.metadata.snapshots.size(), replace ? 2u : 1u);
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), target), "scan after the re-run");
  ExpectSameLines(RowsUpTo(64), DuckdbRows(table_dir), "DuckDB over the re-run's committed files");
  EXPECT_GT(FilesUnder(table_dir + "/data").size(), CommittedDataFiles(table_dir).size())
      << "orphans stay on disk, unreferenced";
}

// Killed after its metadata became current but before the version hint followed: the replace
// is committed. icebird trusts the hint, so it still reads the old snapshot until any icesync
// command loads the table (which puts the hint right); the re-run replaces again, same rows.
TEST_F(ExportReplaceTest, ReplaceKilledAfterItsCommitIsCommittedAndTheHintIsRepaired) {
  const std::string target = "shop.items";
  const std::string table_dir = TableDir(target);
  CommandResult old = Export(sqlite_url(), "all_types", target, std::string(kPartitionBy) + " --where 'id <= 20'");
  ASSERT_EQ(old.exit_code, 0) << old.err;
  CommandResult killed = Export(sqlite_url(), "all_types", target, std::string(kPartitionBy) + " --replace",
                                "ICESYNC_CRASH_AT=committed");
  ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
  EXPECT_EQ(icesync::testing::ReadFile(table_dir + "/metadata/version-hint.text"), "1");
  ExpectSameLines(IcebirdForm(table_dir, RowsUpTo(20)), IcebirdRows(table_dir), "icebird before any icesync load");
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), target), "scan: the replace is committed");
  EXPECT_EQ(icesync::testing::ReadFile(table_dir + "/metadata/version-hint.text"), "2");
  ExpectSameLines(IcebirdForm(table_dir, RowsUpTo(64)), IcebirdRows(table_dir), "icebird after the scan's load");
  CommandResult rerun = Export(sqlite_url(), "all_types", target, std::string(kPartitionBy) + " --replace");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(LoadTable(table_dir).metadata.snapshots.size(), 3u);
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), target), "scan after the re-run");
}

// ICESYNC_PAUSE_AT holds the export at a point so that it can be killed from outside (as an
// operator's kill or a host shutdown would): SIGTERM while data files are open.
TEST_F(ExportReplaceTest, ExportTerminatedFromOutsideLeavesNoTable) {
  CommandResult r = ExportPausedAt("extract", "", AfterPause::kTerminate, sqlite_url(), "all_types", "shop.items",
                                   std::string("--batch-rows 8 ") + kPartitionBy);
  EXPECT_EQ(r.out, "export=143\n") << "terminated by SIGTERM while paused; stderr: " << r.err;
  auto id = iceberg::TableIdentifier::Parse("shop.items");
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(*iceberg::FilesystemCatalog(warehouse()).TableExists(*id));
  EXPECT_FALSE(FilesUnder(TableDir("shop.items") + "/data").empty()) << "it was stopped with files open";
  CommandResult rerun = Export(sqlite_url(), "all_types", "shop.items", kPartitionBy);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), "shop.items"), "scan after the re-run");
}

// Another writer commits while an export waits between writing its files and committing. A
// new table someone else created meanwhile must not be overwritten: the export fails with the
// commit exit code and the other writer's snapshot stays current. A --replace replaces
// whatever the table holds, so losing the race re-applies it on the winner's snapshot: both
// commits land, the replace last.
TEST_F(ExportReplaceTest, ConcurrentCommitFailsANewTableAndReappliesAReplace) {
  for (const bool replace : {true, false}) {
    SCOPED_TRACE(replace ? "replace" : "new table");
    const std::string target = replace ? "shop.replaced" : "shop.created";
    if (replace) {
      CommandResult old = Export(sqlite_url(), "all_types", target, "--where 'id <= 20'");
      ASSERT_EQ(old.exit_code, 0) << old.err;
    }
    const std::string other = ExportCommand(sqlite_url(), "all_types", target, "--where 'id <= 30' --replace");
    CommandResult r = ExportPausedAt("files-written", other + " >/dev/null 2>&1; echo \"other=$?\"", AfterPause::kResume,
                                     sqlite_url(), "all_types", target, replace ? "--replace" : "");
    if (replace) {
      EXPECT_EQ(r.out, "other=0\nexport=0\n") << r.err;
      ExpectSameLines(RowsUpTo(64), ScanRows(warehouse(), target), "scan after the re-applied replace");
      iceberg::Table t = LoadTable(TableDir(target));
      ASSERT_EQ(t.metadata.snapshots.size(), 3u);
      EXPECT_EQ(t.metadata.CurrentSnapshot()->summary.at("deleted-records"), "30") << "it replaced the winner's rows";
    } else {
      EXPECT_EQ(r.out, "other=0\nexport=4\n") << r.err;
      EXPECT_NE(r.err.find("created by another writer"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("again with --replace"), std::string::npos) << r.err;
      ExpectSameLines(RowsUpTo(30), ScanRows(warehouse(), target), "scan after the conflict");
      EXPECT_EQ(LoadTable(TableDir(target)).metadata.snapshots.size(), 1u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Points, ExportCrashTest,
                         ::testing::Combine(::testing::Values("extract", "files-written", "commit"),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param);
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name + (std::get<1>(info.param) ? "_Replace" : "_NewTable");
                         });

}  // namespace
}  // namespace icesync::sync::testing
