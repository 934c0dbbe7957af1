// A disk that fills up or a warehouse that turns read-only in the middle of export, sync and
// maintain (injected: core/write_fault.h; CI runs as root, where chmod does not bite). Every
// write budget from 0 bytes up to what the job needs is tried, so the failure lands in each
// data file, manifest, manifest list and metadata file in turn. Each failing run must exit
// non-zero naming the cause and the file, leave the table exactly as it was (same current
// snapshot, same rows, the same files on disk: no stray temporary or half-written file), and
// the run after the failure is lifted must converge.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

class WriteFailureTest : public ExportFixture {
 protected:
  void SetUp() override {
    Execute("CREATE TABLE items (id INTEGER PRIMARY KEY, txt TEXT, updated_at TIMESTAMP)");
    for (int id = 1; id <= 30; ++id) {
      Execute(fmt::format("INSERT INTO items VALUES ({0}, 'row {0}', '2025-01-01 00:00:{0:02}')", id));
    }
  }
  void Execute(const std::string& sql) {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status st = (*conn)->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  std::string SyncArgs() const {
    return "sync --source " + ShellQuote(sqlite_url()) + " --table items --warehouse " + ShellQuote(warehouse()) +
           " --to shop.items --detect timestamp:updated_at --detect-deletes --partition-by 'bucket(2, id)' -q";
  }
  std::string ExportArgs() const {
    return "export --source " + ShellQuote(sqlite_url()) + " --table items --warehouse " + ShellQuote(warehouse()) +
           " --to shop.items -q";
  }
  // One maintenance step: each is its own commit, so each must leave the table as it was
  // when it fails (a failed expiry after a compaction that committed keeps the compaction).
  std::string MaintainArgs(const std::string& step) const {
    return "maintain --warehouse " + ShellQuote(warehouse()) + " shop.items " + step;
  }

  // What a failed run must leave unchanged.
  struct State {
    int64_t snapshot = 0;
    std::string rows;
    std::vector<std::string> files;
  };
  State Capture() const {
    State s;
    auto t = iceberg::LoadTableDir(TableDir("shop.items"));
    if (t.ok() && t->metadata.current_snapshot_id) s.snapshot = *t->metadata.current_snapshot_id;
    if (t.ok()) s.rows = ScanRows(warehouse(), "shop.items");
    s.files = FilesUnder(TableDir("shop.items"));
    return s;
  }

  // Runs `args` with ever larger write budgets (then read-only) until it succeeds; each
  // failing run is checked against the state before. Returns how many runs failed.
  int FailEverywhere(const std::string& args, int step) {
    const State before = Capture();
    int failed = 0;
    std::vector<std::string> injections = {"ICESYNC_FAIL_WRITES=EROFS", "ICESYNC_FAIL_WRITES=ENOSPC"};
    for (int budget = 0; budget < 4'000'000; budget += step) {
      injections.push_back(fmt::format("ICESYNC_FAIL_WRITES_AFTER_BYTES={}", budget));
    }
    for (const std::string& env : injections) {
      CommandResult r = Icesync(args, env);
      if (r.exit_code == 0) {
        EXPECT_TRUE(env.find("AFTER_BYTES") != std::string::npos) << env << " did not fail " << args;
        // A budget large enough: the job went through. Undo nothing; the caller re-checks.
        return failed;
      }
      ++failed;
      const bool rofs = env.find("EROFS") != std::string::npos;
      EXPECT_NE(r.err.find(rofs ? "read-only file system writing " : "no space left on device writing "),
                std::string::npos)
          << env << ": " << r.err;
      EXPECT_NE(r.err.find(warehouse()), std::string::npos) << env << ": the error names no file: " << r.err;
      const State after = Capture();
      EXPECT_EQ(after.snapshot, before.snapshot) << env << ": " << r.err;
      EXPECT_EQ(after.rows, before.rows) << env;
      EXPECT_EQ(after.files, before.files) << env << ": stray files after " << r.err;
      if (HasFailure()) return failed;
    }
    ADD_FAILURE() << args << " never succeeded";
    return failed;
  }
};

TEST_F(WriteFailureTest, ExportLeavesNoTableAndTheRerunConverges) {
  EXPECT_GT(FailEverywhere(ExportArgs(), 512), 3);
  // The budget that let it through committed the table; a fresh export of a fresh name agrees.
  CommandResult again = Export(sqlite_url(), "items", "shop.check");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ExpectSameLines(ScanRows(warehouse(), "shop.check"), ScanRows(warehouse(), "shop.items"), "after the failures");
}

TEST_F(WriteFailureTest, SyncOnAnExistingTableLeavesItAsItWas) {
  ASSERT_EQ(Icesync(SyncArgs()).exit_code, 0);
  Execute("UPDATE items SET txt = 'changed', updated_at = '2025-02-01 00:00:00' WHERE id IN (3, 17)");
  Execute("DELETE FROM items WHERE id = 5");
  Execute("INSERT INTO items VALUES (31, 'new', '2025-02-01 00:00:01')");
  EXPECT_GT(FailEverywhere(SyncArgs(), 512), 3);
  // The run that went through holds every change exactly once; another finds nothing to do.
  ASSERT_EQ(Icesync(SyncArgs()).exit_code, 0);
  ASSERT_EQ(Export(sqlite_url(), "items", "shop.check").exit_code, 0);
  ExpectSameLines(ScanRows(warehouse(), "shop.check"), ScanRows(warehouse(), "shop.items"), "sync after the failures");
}

TEST_F(WriteFailureTest, MaintainLeavesTheTableAsItWas) {
  ASSERT_EQ(Icesync(SyncArgs()).exit_code, 0);
  for (int round = 0; round < 3; ++round) {
    Execute(fmt::format("UPDATE items SET txt = 'r{0}', updated_at = '2025-02-01 00:00:0{0}' WHERE id = {1}", round,
                        round + 2));
    ASSERT_EQ(Icesync(SyncArgs()).exit_code, 0);
  }
  const std::string rows = ScanRows(warehouse(), "shop.items");
  EXPECT_GT(FailEverywhere(MaintainArgs("--compact --min-input-files 2"), 512), 3);
  ExpectSameLines(rows, ScanRows(warehouse(), "shop.items"), "compaction after the failures");
  EXPECT_GT(FailEverywhere(MaintainArgs("--expire-snapshots --older-than 0s"), 512), 1);
  ExpectSameLines(rows, ScanRows(warehouse(), "shop.items"), "expiry after the failures");
  auto t = iceberg::LoadTableDir(TableDir("shop.items"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->metadata.snapshots.size(), 1u) << "the expiry that went through kept more than the current snapshot";
}

}  // namespace
}  // namespace icesync::sync::testing
