// `icesync maintain` end to end on a table built by many small real `icesync sync` runs of a
// SQLite source that inserts, updates and deletes between runs. After every maintenance step
// the table is compared with the source (an `icesync export --replace` of it at that moment)
// through icesync scan, DuckDB applying the position deletes itself, and icebird.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/manifest.h"
#include "sync/watermark.h"
#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;

class MaintainTest : public ExportFixture {
 protected:
  void SetUp() override {
    url_ = sqlite_url();
    Execute("CREATE TABLE items (id INTEGER PRIMARY KEY, txt TEXT, n INTEGER, updated_at TIMESTAMP)");
    for (int id = 1; id <= 40; ++id) Execute(fmt::format("INSERT INTO items VALUES ({0}, 'row {0}', {0}, '{1}')", id, Stamp()));
    next_id_ = 41;
  }
  void Execute(const std::string& sql) {
    auto conn = db::Connection::Open(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status st = (*conn)->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  std::string Stamp() const { return fmt::format("2025-03-01 10:{:02}:{:02}", clock_ / 60, clock_ % 60); }
  std::string SyncArgs() const {
    return "sync --source " + ShellQuote(url_) + " --table items --warehouse " + ShellQuote(warehouse()) +
           " --to shop.items --detect timestamp:updated_at --detect-deletes --partition-by 'bucket(2, id)' --json";
  }
  nlohmann::json Json(const CommandResult& r) {
    size_t last = r.out.rfind('{');
    if (last == std::string::npos) return nlohmann::json::object();
    return nlohmann::json::parse(r.out.substr(last), nullptr, false);
  }
  nlohmann::json RunSync(int expect_exit = 0) {
    CommandResult r = Icesync(SyncArgs());
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    return Json(r);
  }
  nlohmann::json Maintain(const std::string& flags, int expect_exit = 0) {
    CommandResult r = Icesync("maintain --warehouse " + ShellQuote(warehouse()) + " shop.items --json " + flags);
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    return Json(r);
  }
  // A few updates (one of them to a row updated in the previous round), inserts and a delete,
  // stamped with a clock that only moves forward.
  void Changes(int round) {
    ++clock_;
    for (int k = 0; k < 3; ++k) {
      Execute(fmt::format("UPDATE items SET txt = 'round {} k {}', n = n + 1, updated_at = '{}' WHERE id = {}", round,
                          k, Stamp(), 1 + (round * 7 + k * 5) % 40));
    }
    for (int k = 0; k < 2; ++k) Execute(fmt::format("INSERT INTO items VALUES ({0}, 'new {0}', {0}, '{1}')", next_id_++, Stamp()));
    Execute(fmt::format("DELETE FROM items WHERE id = {}", 2 + (round * 11) % 40));
  }
  // `rounds` changes, each synced.
  void SmallSyncs(int rounds) {
    for (int round = 0; round < rounds && !HasFailure(); ++round) {
      Changes(round_++);
      EXPECT_EQ(RunSync()["status"], "ok");
    }
  }
  // The table equals the source now, through every reader.
  void ExpectEqualsSource(const std::string& what) {
    CommandResult ref = Export(url_, "items", "ref.items", "--replace");
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
    const std::string expected = ScanRows(warehouse(), "ref.items");
    ASSERT_GT(LineCount(expected), 30u);
    ExpectSameLines(expected, ScanRows(warehouse(), "shop.items"), what + ": icesync scan");
    ExpectSameLines(DuckdbRows(TableDir("ref.items")), DuckdbRowsWithDeletes(TableDir("shop.items")), what + ": DuckDB");
    ExpectSameLines(IcebirdRows(TableDir("ref.items")), IcebirdRows(TableDir("shop.items")), what + ": icebird");
  }
  iceberg::Table Table() { return LoadTable(TableDir("shop.items")); }
  // Files under data/ no snapshot of the current metadata references (what --remove-orphans
  // would take), by a dry run that ignores age.
  nlohmann::json OrphansNow() { return Maintain("--remove-orphans --older-than 0s --dry-run")["orphans"]; }
  size_t DataDirFiles() { return FilesUnder(TableDir("shop.items") + "/data").size(); }

  // Runs `icesync held_args` held at its commit point (ICESYNC_PAUSE_AT=commit) while
  // `icesync other_args` runs to its end, then lets the held one carry on. stdout:
  // "<other_name>=<exit>" then "<held_name>=<exit>"; each one's output in <name>.out.
  CommandResult HeldAtCommit(const std::string& held_args, const std::string& held_name, const std::string& other_args,
                             const std::string& other_name) {
    const std::string pause = ShellQuote(dir_.file("pause"));
    const std::string bin = ShellQuote(icesync::testing::IcesyncBinary());
    return icesync::testing::RunCommand(fmt::format(
        "ICESYNC_PAUSE_AT=commit ICESYNC_PAUSE_FILE={p} {bin} {held} > {held_out} 2>&1 & pid=$!; "
        "while [ ! -e {p} ]; do sleep 0.02; done; {bin} {other} > {other_out} 2>&1; echo {other_name}=$?; "
        "rm -f {p}; wait $pid; echo {held_name}=$?",
        fmt::arg("p", pause), fmt::arg("bin", bin), fmt::arg("held", held_args), fmt::arg("other", other_args),
        fmt::arg("held_out", ShellQuote(dir_.file(held_name + ".out"))),
        fmt::arg("other_out", ShellQuote(dir_.file(other_name + ".out"))), fmt::arg("held_name", held_name),
        fmt::arg("other_name", other_name)));
  }

  std::string url_;
  int next_id_ = 0;
  int clock_ = 0;
  int round_ = 0;
};

TEST_F(MaintainTest, CompactionKeepsTheRowsRemovesDeleteFilesAndTheWatermarkSurvives) {
  ASSERT_EQ(RunSync()["status"], "ok");
  SmallSyncs(8);
  if (HasFailure()) return;
  const LiveFiles before = CommittedFiles(TableDir("shop.items"));
  ASSERT_GT(before.position_deletes.size(), 0u);

  nlohmann::json dry = Maintain("--compact --min-input-files 2 --dry-run");
  EXPECT_GT(dry["rewritten_data_files"].get<int>(), 0) << dry;
  EXPECT_EQ(CommittedFiles(TableDir("shop.items")).data.size(), before.data.size()) << "a dry run changes nothing";

  nlohmann::json r = Maintain("--compact --min-input-files 2");
  EXPECT_EQ(r["data_files_before"].get<size_t>(), before.data.size()) << r;
  EXPECT_EQ(r["delete_files_before"].get<size_t>(), before.position_deletes.size()) << r;
  EXPECT_LT(r["data_files_after"].get<size_t>(), before.data.size()) << r;
  EXPECT_LE(r["data_files_after"].get<int>(), 2) << "one file per bucket: " << r;
  EXPECT_EQ(r["delete_files_after"], 0) << r;
  const LiveFiles after = CommittedFiles(TableDir("shop.items"));
  EXPECT_TRUE(after.position_deletes.empty());
  ExpectEqualsSource("after compaction");

  // One `replace` snapshot carrying the sync watermark forward.
  iceberg::Table t = Table();
  const iceberg::Snapshot* current = t.metadata.CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->summary.at("operation"), "replace");
  EXPECT_EQ(current->summary.at(kDetectKey), "timestamp:updated_at");
  const iceberg::Snapshot* parent = t.metadata.SnapshotById(*current->parent_snapshot_id);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(current->summary.at(kWatermarkKey), parent->summary.at(kWatermarkKey));
  EXPECT_EQ(current->summary.at(kWatermarkFromKey), std::to_string(parent->snapshot_id));
  EXPECT_EQ(current->sequence_number, parent->sequence_number + 1);
  // The removed entries are merged: one manifest of added files, one of removed data files, one
  // of removed delete files, not one per rewritten small sync.
  auto list = iceberg::ReadManifestList(*t.FileMapper(true).ToLocal(current->manifest_list));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 3u);

  // Nothing to compact any more: no new snapshot.
  nlohmann::json again = Maintain("--compact --min-input-files 2");
  EXPECT_EQ(again["compaction_snapshot_id"], nullptr) << again;

  // A sync after compaction finds its watermark: nothing changed -> unchanged; then changes.
  EXPECT_EQ(RunSync()["status"], "unchanged");
  SmallSyncs(2);
  ExpectEqualsSource("syncs after compaction");
  EXPECT_EQ(RunSync()["status"], "unchanged");
}

TEST_F(MaintainTest, ExpiryDeletesUnreferencedFilesAndKeptSnapshotsStayReadable) {
  ASSERT_EQ(RunSync()["status"], "ok");
  SmallSyncs(5);
  if (HasFailure()) return;
  ASSERT_EQ(Maintain("--compact --min-input-files 2")["delete_files_after"], 0);
  // The newest sync snapshot before the compaction and the compaction itself are kept
  // (--retain-last 2); their rows are read back after the expiry.
  iceberg::Table t = Table();
  const int64_t compaction = *t.metadata.current_snapshot_id;
  const int64_t last_sync = *t.metadata.CurrentSnapshot()->parent_snapshot_id;
  const std::string rows_last_sync = ScanRows(warehouse(), "shop.items", last_sync);
  const size_t files_before = DataDirFiles();
  const size_t metadata_before = FilesUnder(TableDir("shop.items") + "/metadata").size();

  nlohmann::json dry = Maintain("--expire-snapshots --older-than 0s --retain-last 2 --dry-run");
  EXPECT_EQ(dry["snapshots_expired"], 5) << dry;
  EXPECT_EQ(Table().metadata.snapshots.size(), 7u) << "a dry run changes nothing";
  EXPECT_EQ(DataDirFiles(), files_before);

  nlohmann::json r = Maintain("--expire-snapshots --older-than 0s --retain-last 2");
  EXPECT_EQ(r["snapshots_expired"], 5) << r;
  EXPECT_GT(r["bytes_freed"].get<int64_t>(), 0) << r;
  t = Table();
  ASSERT_EQ(t.metadata.snapshots.size(), 2u);
  EXPECT_NE(t.metadata.SnapshotById(compaction), nullptr);
  EXPECT_NE(t.metadata.SnapshotById(last_sync), nullptr);
  // The kept sync snapshot still holds every small data and delete file live (mirror syncs
  // only add files), so only the expired snapshots' manifest lists and manifests went.
  EXPECT_EQ(DataDirFiles(), files_before);
  EXPECT_LT(FilesUnder(TableDir("shop.items") + "/metadata").size(), metadata_before);
  // Every file left is referenced by a kept snapshot, and both kept snapshots read back.
  EXPECT_TRUE(OrphansNow().empty()) << OrphansNow();
  ExpectSameLines(rows_last_sync, ScanRows(warehouse(), "shop.items", last_sync), "time travel to the kept sync");
  ExpectEqualsSource("after expiry");

  // Snapshots newer than the limit are kept; the watermark is still found (copied forward).
  EXPECT_EQ(Maintain("--expire-snapshots --older-than 1h")["snapshots_expired"], 0);
  EXPECT_EQ(Maintain("--expire-snapshots --older-than 0s")["snapshots_expired"], 1);
  // Now only the compacted files are left on disk.
  EXPECT_EQ(DataDirFiles(), CommittedFiles(TableDir("shop.items")).data.size());
  EXPECT_TRUE(OrphansNow().empty()) << OrphansNow();
  EXPECT_EQ(RunSync()["status"], "unchanged");
  SmallSyncs(2);
  ExpectEqualsSource("syncs after expiry");
}

TEST_F(MaintainTest, OrphansOfAKilledExportAreRemovedAndFreshFilesKept) {
  ASSERT_EQ(RunSync()["status"], "ok");
  SmallSyncs(2);
  const std::vector<std::string> live_before = FilesUnder(TableDir("shop.items") + "/data");
  // An export into the same table killed after writing its files: orphans. Aged past the limit.
  Changes(round_++);
  CommandResult killed = Export(url_, "items", "shop.items", "--replace", "ICESYNC_CRASH_AT=files-written");
  ASSERT_NE(killed.exit_code, 0);
  std::vector<std::string> old_orphans;
  for (const std::string& f : FilesUnder(TableDir("shop.items") + "/data")) {
    if (std::find(live_before.begin(), live_before.end(), f) != live_before.end()) continue;
    old_orphans.push_back(f);
    fs::last_write_time(f, fs::file_time_type::clock::now() - std::chrono::hours(48));
  }
  ASSERT_FALSE(old_orphans.empty());
  // A fresh file (a writer still running): younger than the limit, so kept.
  const std::string fresh = TableDir("shop.items") + "/data/fresh-writer-file.parquet";
  icesync::testing::WriteFile(fresh, "not yet committed");

  nlohmann::json dry = Maintain("--remove-orphans --dry-run");
  EXPECT_EQ(dry["orphans_removed"].get<size_t>(), old_orphans.size()) << dry;
  nlohmann::json r = Maintain("--remove-orphans");
  EXPECT_EQ(r["orphans_removed"].get<size_t>(), old_orphans.size()) << r;
  EXPECT_GT(r["bytes_freed"].get<int64_t>(), 0);
  for (const std::string& f : old_orphans) EXPECT_FALSE(fs::exists(f)) << f;
  EXPECT_TRUE(fs::exists(fresh));
  // The table's own (committed) files were not touched; the sync catches up with the change.
  EXPECT_EQ(RunSync()["status"], "ok");
  ExpectEqualsSource("after orphan removal");
}

// Expiry killed after its commit, before deleting anything: the table is readable at the new
// metadata, and the files it no longer references are orphans that --remove-orphans deletes.
TEST_F(MaintainTest, ExpiryKilledAfterItsCommitLeavesOnlyOrphans) {
  ASSERT_EQ(RunSync()["status"], "ok");
  SmallSyncs(3);
  if (HasFailure()) return;
  ASSERT_EQ(Maintain("--compact --min-input-files 2")["delete_files_after"], 0);
  const size_t files_before = DataDirFiles();
  CommandResult killed = Icesync("maintain --warehouse " + ShellQuote(warehouse()) +
                                     " shop.items --expire-snapshots --older-than 0s",
                                 "ICESYNC_CRASH_AT=expire-committed");
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_EQ(Table().metadata.snapshots.size(), 1u) << "the expiry was committed";
  EXPECT_EQ(DataDirFiles(), files_before) << "nothing deleted before the kill";
  ExpectEqualsSource("after the killed expiry");
  const size_t orphans = OrphansNow().size();
  EXPECT_GT(orphans, 0u);
  nlohmann::json r = Maintain("--remove-orphans --older-than 0s");
  EXPECT_EQ(r["orphans_removed"].get<size_t>(), orphans) << r;
  EXPECT_EQ(DataDirFiles(), CommittedFiles(TableDir("shop.items")).data.size());
  ExpectEqualsSource("after removing the orphans");
  EXPECT_EQ(RunSync()["status"], "unchanged");
}

// A compaction held before its metadata commit while a sync commits deletes against the files
// it rewrites: it must give up (exit 4), commit nothing and leave no data files behind.
TEST_F(MaintainTest, CompactionRacingASyncLosesNothing) {
  ASSERT_EQ(RunSync()["status"], "ok");
  SmallSyncs(3);
  if (HasFailure()) return;
  Changes(round_++);
  const std::string compact_args = "maintain --warehouse " + ShellQuote(warehouse()) + " shop.items --compact --min-input-files 2";
  CommandResult r = HeldAtCommit(compact_args, "compact", SyncArgs(), "sync");
  const std::string compact_out = icesync::testing::ReadFile(dir_.file("compact.out"));
  EXPECT_NE(r.out.find("sync=0"), std::string::npos) << r.out << icesync::testing::ReadFile(dir_.file("sync.out"));
  EXPECT_NE(r.out.find("compact=4"), std::string::npos) << r.out << compact_out;
  EXPECT_NE(compact_out.find("added delete file"), std::string::npos) << compact_out;
  EXPECT_NE(Table().metadata.CurrentSnapshot()->summary.at("operation"), "replace");
  for (const auto& f : OrphansNow()) {
    EXPECT_FALSE(f.get<std::string>().ends_with(".parquet")) << "the failed compaction left a data file: " << f;
  }
  ExpectEqualsSource("after the lost race");

  // The other order: a sync held at its commit while a compaction rewrites the files its
  // deletes target. The sync then fails (exit 4, nothing committed: its targets are no longer
  // live) and its re-run applies the window to the compacted files.
  Changes(round_++);
  CommandResult r2 = HeldAtCommit(SyncArgs(), "sync", compact_args, "compact");
  EXPECT_NE(r2.out.find("compact=0"), std::string::npos) << r2.out << icesync::testing::ReadFile(dir_.file("compact.out"));
  const std::string sync_out = icesync::testing::ReadFile(dir_.file("sync.out"));
  EXPECT_NE(r2.out.find("sync=4"), std::string::npos) << r2.out << sync_out;
  EXPECT_NE(sync_out.find("no longer live"), std::string::npos) << sync_out;
  EXPECT_EQ(Table().metadata.CurrentSnapshot()->summary.at("operation"), "replace");
  EXPECT_EQ(RunSync()["status"], "ok");
  ExpectEqualsSource("after a sync raced a compaction");
  EXPECT_EQ(RunSync()["status"], "unchanged");
}

}  // namespace
}  // namespace icesync::sync::testing
