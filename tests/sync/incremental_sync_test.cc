// `icesync sync` end to end, on real SQLite files and the test PostgreSQL: the real binary
// syncs a table that random inserts, updates and deletes change between runs, and after every
// run the table is compared row by row with the source through three readers (icesync scan,
// DuckDB applying the position deletes itself, icebird). The source side of the comparison is
// an `icesync export --replace` of the same source at the same moment: a different path (one
// full read, no deletes) whose exactness the export tests establish against the loaded rows.
// A failing round prints its seed; ICESYNC_TEST_SEED=N reproduces it.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <random>
#include <set>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "sync/incremental_sync.h"
#include "sync/watermark.h"
#include "testing/export_support.h"
#include "testing/postgres_server.h"

namespace icesync::sync::testing {
namespace {

using icesync::testing::PostgresServer;
using icesync::testing::TestSeed;

class SyncTest : public ExportFixture {
 protected:
  // The AllTypes table (every mapped type, edge rows, NULLs, unicode, binary) plus an
  // updated_at column the changes stamp.
  void CreateSource(const std::string& url, int generated) {
    url_ = url;
    auto schema = AllTypesSchema();
    CreateAndLoad(url, "items", schema, AllTypesRows(schema, generated, url.rfind("sqlite", 0) == 0));
    Execute("ALTER TABLE items ADD COLUMN updated_at TIMESTAMP");
    Execute("UPDATE items SET updated_at = '2025-01-01 00:00:00'");
    for (int64_t id = 1; id <= generated + 4; ++id) ids_.insert(id);
    next_id_ = generated + 100;
  }
  void Execute(const std::string& sql) {
    auto conn = db::Connection::Open(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status st = (*conn)->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  std::string Sync(const std::string& extra = "") {
    return "sync --source " + ShellQuote(url_) + " --table items --warehouse " + ShellQuote(warehouse()) +
           " --to shop.items --json " + extra;
  }
  nlohmann::json RunSync(const std::string& extra = "", int expect_exit = 0) {
    CommandResult r = Icesync(Sync(extra));
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    size_t last = r.out.rfind('{');
    if (last == std::string::npos) return nlohmann::json::object();
    return nlohmann::json::parse(r.out.substr(last), nullptr, false);
  }
  std::string Stamp() const { return fmt::format("2025-02-01 00:{:02}:{:02}.{:06}", clock_ / 60, clock_ % 60, clock_ * 7 % 1000000); }
  std::string Blob(std::mt19937_64& rng) const {
    std::string hex;
    for (int i = 0; i < 5; ++i) hex += fmt::format("{:02x}", static_cast<unsigned>(rng() % 256));
    return url_.rfind("sqlite", 0) == 0 ? "X'" + hex + "'" : "'\\x" + hex + "'::bytea";
  }

  // One batch of random changes: updates (some stamped with exactly the last watermark, as a
  // transaction committing late would), inserts and deletes.
  void RandomChanges(std::mt19937_64& rng, int updates, int inserts, int deletes) {
    static const char* kTexts[] = {"Z\xc3\xbcrich", "\xe6\x9d\xb1\xe4\xba\xac", "\xf0\x9f\x98\x80", "", "it''s", "plain"};
    const std::string previous_stamp = Stamp();
    ++clock_;
    std::vector<int64_t> live(ids_.begin(), ids_.end());
    for (int i = 0; i < updates && !live.empty(); ++i) {
      const int64_t id = live[rng() % live.size()];
      const std::string stamp = rng() % 4 == 0 ? previous_stamp : Stamp();
      const std::string txt = rng() % 5 == 0 ? "NULL" : fmt::format("'{} {}'", kTexts[rng() % 6], rng() % 1000);
      Execute(fmt::format("UPDATE items SET txt = {}, i32 = {}, blob = {}, updated_at = '{}' WHERE id = {}", txt,
                          rng() % 3 == 0 ? std::string("NULL") : std::to_string(static_cast<int32_t>(rng())),
                          Blob(rng), stamp, id));
    }
    for (int i = 0; i < inserts && !live.empty(); ++i) {
      const int64_t from = live[rng() % live.size()];
      const int64_t id = next_id_++;
      Execute(fmt::format("INSERT INTO items SELECT {}, flag, i32, i64, f32, f64, dec38_0, dec38_10, dec9_2, day, "
                          "clock, ts, tstz, '{} new', guid, blob, '{}' FROM items WHERE id = {}",
                          id, kTexts[rng() % 6], Stamp(), from));
      ids_.insert(id);
    }
    for (int i = 0; i < deletes && ids_.size() > 1; ++i) {
      std::vector<int64_t> now(ids_.begin(), ids_.end());
      const int64_t id = now[rng() % now.size()];
      Execute(fmt::format("DELETE FROM items WHERE id = {}", id));
      ids_.erase(id);
    }
  }

  // The synced table equals the source now, through every reader.
  void ExpectTableEqualsSource(const std::string& what) {
    CommandResult ref = Export(url_, "items", "ref.items", "--replace");
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
    const std::string expected = ScanRows(warehouse(), "ref.items");
    ASSERT_EQ(LineCount(expected), ids_.size()) << what;
    ExpectSameLines(expected, ScanRows(warehouse(), "shop.items"), what + ": icesync scan");
    ExpectSameLines(DuckdbRows(TableDir("ref.items")), DuckdbRowsWithDeletes(TableDir("shop.items")),
                    what + ": DuckDB applying the position deletes");
    ExpectSameLines(IcebirdRows(TableDir("ref.items")), IcebirdRows(TableDir("shop.items")), what + ": icebird");
  }
  size_t Snapshots() { return LoadTable(TableDir("shop.items")).metadata.snapshots.size(); }

  // The second hop: `icesync import --strategy upsert` of the synced table into a target
  // SQLite database, which must then hold the source's rows too (read back through an export
  // of the target table, compared with the export of the source).
  void ExpectImportedTargetEqualsSource(const std::string& what) {
    const std::string target = "sqlite://" + dir_.file("target.db");
    CommandResult imp = Icesync("import --warehouse " + ShellQuote(warehouse()) + " --from shop.items --target " +
                                ShellQuote(target) + " --table items --strategy upsert --create --json");
    ASSERT_EQ(imp.exit_code, 0) << what << ": " << imp.err << imp.out;
    CommandResult back = Export(target, "items", "back.items", "--replace");
    ASSERT_EQ(back.exit_code, 0) << back.err;
    ExpectSameLines(ScanRows(warehouse(), "ref.items"), ScanRows(warehouse(), "back.items"),
                    what + ": the import target");
  }

  void RandomRounds(const std::string& detect, int rounds, uint64_t seed) {
    SCOPED_TRACE(fmt::format("seed {} (ICESYNC_TEST_SEED={} reproduces), {}", seed, seed, detect));
    std::mt19937_64 rng(seed);
    nlohmann::json first = RunSync(detect);
    ASSERT_EQ(first["status"], "ok") << first;
    ASSERT_TRUE(first["created"].get<bool>());
    ExpectTableEqualsSource("initial sync");
    for (int round = 1; round <= rounds && !HasFailure(); ++round) {
      RandomChanges(rng, static_cast<int>(rng() % 6), static_cast<int>(rng() % 4), static_cast<int>(rng() % 3));
      nlohmann::json r = RunSync(detect);
      ASSERT_NE(r["status"], "failed") << r;
      ExpectTableEqualsSource(fmt::format("round {}", round));
      if (import_each_round_) ExpectImportedTargetEqualsSource(fmt::format("round {}", round));
      // Nothing changed since: no snapshot, status unchanged.
      const size_t before = Snapshots();
      nlohmann::json again = RunSync(detect);
      EXPECT_EQ(again["status"], "unchanged") << "round " << round << ": " << again;
      EXPECT_EQ(Snapshots(), before) << "round " << round;
    }
  }

  bool import_each_round_ = false;
  std::string url_;
  std::set<int64_t> ids_;
  int64_t next_id_ = 0;
  int clock_ = 0;
};

TEST_F(SyncTest, TimestampMirrorRoundsOnSqlite) {
  CreateSource(sqlite_url(), 30);
  if (HasFatalFailure()) return;
  import_each_round_ = true;  // source -> Iceberg -> target, compared every round
  RandomRounds("--detect timestamp:updated_at --detect-deletes --on-null-cursor include", 10, TestSeed(20261206));
}

// Without the re-read hashes every re-read is compared with the table's row instead.
TEST_F(SyncTest, TimestampMirrorRoundsComparingReReadsWithTheTable) {
  CreateSource(sqlite_url(), 30);
  if (HasFatalFailure()) return;
  RandomRounds("--detect timestamp:updated_at --lag 2s --max-reread-rows 0 --detect-deletes --on-null-cursor include", 6,
               TestSeed(31));
}

TEST_F(SyncTest, FullDetectionRoundsOnSqlite) {
  CreateSource(sqlite_url(), 30);
  if (HasFatalFailure()) return;
  RandomRounds("--detect full", 6, TestSeed(7));
}

TEST_F(SyncTest, MirrorCommitsOneRowDeltaWithWatermarkAndMirrorFile) {
  CreateSource(sqlite_url(), 10);
  if (HasFatalFailure()) return;
  nlohmann::json first = RunSync("--detect timestamp:updated_at --on-null-cursor include");
  ASSERT_EQ(first["status"], "ok");
  EXPECT_EQ(first["watermark"], "2025-01-01T00:00:00.000000");
  EXPECT_EQ(first["inserted"], 14);
  Execute("UPDATE items SET txt = 'changed', updated_at = '2025-01-02 03:04:05.123456' WHERE id = 6");
  Execute("DELETE FROM items WHERE id = 7");
  nlohmann::json r = RunSync("--detect timestamp:updated_at --detect-deletes --on-null-cursor include");
  EXPECT_EQ(r["status"], "ok") << r;
  EXPECT_EQ(r["updated"], 1) << r;
  EXPECT_EQ(r["deleted"], 1) << r;
  EXPECT_EQ(r["inserted"], 0) << r;
  EXPECT_EQ(r["watermark"], "2025-01-02T03:04:05.123456") << r;
  EXPECT_EQ(r["delete_files"], 1) << r;
  iceberg::Table t = LoadTable(TableDir("shop.items"));
  ASSERT_EQ(t.metadata.snapshots.size(), 2u);
  const iceberg::Snapshot* s = t.metadata.CurrentSnapshot();
  EXPECT_EQ(s->summary.at("operation"), "overwrite");
  EXPECT_EQ(s->summary.at("icesync.watermark"), "2025-01-02T03:04:05.123456");
  EXPECT_EQ(s->summary.at("icesync.detect"), "timestamp:updated_at");
  EXPECT_EQ(s->summary.at("icesync.mode"), "mirror");
  EXPECT_EQ(s->summary.at("added-position-deletes"), "2");  // the old version of 6, and 7
  // The identifier field is the source's primary key.
  EXPECT_EQ(t.metadata.CurrentSchema()->identifier_field_ids(), std::vector<int>{1});
  // The mirror file for people and tools.
  auto mirror = nlohmann::json::parse(icesync::testing::ReadFile(warehouse() + "/_icesync/watermarks/shop.items.json"));
  EXPECT_EQ(mirror["watermark"], "2025-01-02T03:04:05.123456");
  EXPECT_EQ(mirror["snapshot_id"], s->snapshot_id);
  // status reads the same watermark back from the table.
  CommandResult st = Icesync("status --warehouse " + ShellQuote(warehouse()) + " shop.items --json");
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto sj = nlohmann::json::parse(st.out);
  EXPECT_EQ(sj["watermark"], "2025-01-02T03:04:05.123456");
  EXPECT_EQ(sj["rows"], 13);
  EXPECT_EQ(sj["delete_files"], 1);
}

TEST_F(SyncTest, RowsStampedWithTheWatermarkAfterASyncAreSeen) {
  CreateSource(sqlite_url(), 4);
  if (HasFatalFailure()) return;
  Execute("UPDATE items SET updated_at = '2025-03-01 10:00:00.5' WHERE id = 1");
  ASSERT_EQ(RunSync("--detect timestamp:updated_at --on-null-cursor include")["watermark"], "2025-03-01T10:00:00.500000");
  // A transaction that committed after that sync stamped its rows with the same instant.
  Execute("UPDATE items SET txt = 'late', updated_at = '2025-03-01 10:00:00.5' WHERE id = 2");
  Execute("INSERT INTO items (id, txt, updated_at) VALUES (500, 'late insert', '2025-03-01 10:00:00.500000')");
  ids_.insert(500);
  nlohmann::json r = RunSync("--detect timestamp:updated_at --on-null-cursor include");
  EXPECT_EQ(r["updated"], 1) << r;
  EXPECT_EQ(r["inserted"], 1) << r;
  ExpectTableEqualsSource("after the late commit");
  EXPECT_EQ(RunSync("--detect timestamp:updated_at --on-null-cursor include")["status"], "unchanged");
}

TEST_F(SyncTest, NullCursorIsAnErrorUnlessIncludedOrExcluded) {
  CreateSource(sqlite_url(), 4);
  if (HasFatalFailure()) return;
  Execute("UPDATE items SET updated_at = NULL WHERE id IN (2, 3)");
  CommandResult r = Icesync(Sync("--detect timestamp:updated_at"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("2 row(s) of items have NULL in updated_at"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--on-null-cursor include"), std::string::npos) << r.err;
  EXPECT_FALSE(*iceberg::FilesystemCatalog(warehouse()).TableExists(*iceberg::TableIdentifier::Parse("shop.items")));
  EXPECT_TRUE(FilesUnder(TableDir("shop.items")).empty()) << "a failed first sync leaves nothing";
  nlohmann::json excluded = RunSync("--detect timestamp:updated_at --on-null-cursor exclude");
  EXPECT_EQ(excluded["status"], "ok");
  EXPECT_EQ(excluded["inserted"], 6) << "the two rows without a cursor are left out: " << excluded;
}

TEST_F(SyncTest, AddedAndWidenedColumnsEvolveTheSchema) {
  CreateSource(sqlite_url(), 4);
  if (HasFatalFailure()) return;
  ASSERT_EQ(RunSync("--detect timestamp:updated_at --on-null-cursor include")["status"], "ok");
  Execute("ALTER TABLE items ADD COLUMN note VARCHAR(20)");
  Execute("UPDATE items SET note = 'new column', updated_at = '2025-05-05 05:05:05' WHERE id = 3");
  nlohmann::json r = RunSync("--detect timestamp:updated_at --on-null-cursor include");
  ASSERT_EQ(r["status"], "ok") << r;
  ASSERT_EQ(r["schema_changes"].size(), 1u) << r;
  EXPECT_EQ(r["schema_changes"][0], "added column note");
  iceberg::Table t = LoadTable(TableDir("shop.items"));
  const Schema* schema = t.metadata.CurrentSchema();
  auto note = schema->FindTopLevelIndex("note");
  ASSERT_TRUE(note);
  EXPECT_GT(schema->field(*note).id, 17) << "a new field id, above every earlier one";
  ExpectTableEqualsSource("after adding a column");
  // --on-schema-change fail refuses a change and commits nothing.
  Execute("ALTER TABLE items ADD COLUMN other INTEGER");
  Execute("UPDATE items SET updated_at = '2025-06-06 06:06:06' WHERE id = 4");
  CommandResult refused = Icesync(Sync("--detect timestamp:updated_at --on-null-cursor include --on-schema-change fail"));
  EXPECT_EQ(refused.exit_code, 6) << refused.err;
  EXPECT_NE(refused.err.find("'other'"), std::string::npos) << refused.err;
  EXPECT_EQ(LoadTable(TableDir("shop.items")).metadata.snapshots.size(), 2u);
}

TEST_F(SyncTest, ChangelogAppendsEveryChangeWithOperationAndSequence) {
  CreateSource(sqlite_url(), 4);
  if (HasFatalFailure()) return;
  const std::string detect = "--mode changelog --detect timestamp:updated_at --detect-deletes --on-null-cursor include";
  nlohmann::json first = RunSync(detect);
  ASSERT_EQ(first["status"], "ok") << first;
  EXPECT_EQ(first["mode"], "changelog");
  Execute("UPDATE items SET txt = 'v2', updated_at = '2025-07-01 00:00:00' WHERE id = 5");
  Execute("DELETE FROM items WHERE id = 6");
  nlohmann::json second = RunSync(detect);
  ASSERT_EQ(second["status"], "ok") << second;
  EXPECT_EQ(second["updated"], 1);
  EXPECT_EQ(second["deleted"], 1);
  EXPECT_EQ(RunSync(detect)["status"], "unchanged");
  // 8 initial rows (I), one U and one D; sequence numbers 1..10, each once.
  const std::string rows = ScanRows(warehouse(), "shop.items");
  EXPECT_EQ(LineCount(rows), 10u) << rows;
  std::set<int64_t> seqs;
  std::map<std::string, int> ops;
  std::istringstream in(rows);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    seqs.insert(std::stoll(j["_change_seq"].get<std::string>()));
    ops[j["_change_op"].get<std::string>()]++;
    if (j["_change_op"] == "U") {
      EXPECT_EQ(j["id"], "5");
      EXPECT_EQ(j["txt"], "v2");
    }
    if (j["_change_op"] == "D") {
      EXPECT_EQ(j["id"], "6");
    }
  }
  EXPECT_EQ(seqs.size(), 10u);
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), 10);
  EXPECT_EQ(ops["I"], 8);
  EXPECT_EQ(ops["U"], 1);
  EXPECT_EQ(ops["D"], 1);
  // No deletes in a changelog: every reader sees the whole history.
  EXPECT_EQ(LoadTable(TableDir("shop.items")).metadata.CurrentSnapshot()->summary.count("total-position-deletes") == 0 ||
                LoadTable(TableDir("shop.items")).metadata.CurrentSnapshot()->summary.at("total-position-deletes") == "0",
            true);
}

TEST_F(SyncTest, IdDetectionReadsOnlyNewIds) {
  CreateSource(sqlite_url(), 4);
  if (HasFatalFailure()) return;
  ASSERT_EQ(RunSync("--detect id:id")["watermark"], "8");
  Execute("INSERT INTO items (id, txt) VALUES (20, 'twenty'), (21, 'twenty-one')");
  Execute("UPDATE items SET txt = 'not seen by id detection' WHERE id = 1");
  nlohmann::json r = RunSync("--detect id:id");
  EXPECT_EQ(r["rows_extracted"], 2) << r;
  EXPECT_EQ(r["inserted"], 2) << r;
  EXPECT_EQ(r["watermark"], "21") << r;
}

TEST_F(SyncTest, TwoSyncsAtOnceNeverBothApplyAWindow) {
  CreateSource(sqlite_url(), 6);
  if (HasFatalFailure()) return;
  const std::string detect = "--detect timestamp:updated_at --on-null-cursor include";
  ASSERT_EQ(RunSync(detect)["status"], "ok");
  Execute("UPDATE items SET txt = 'first', updated_at = '2025-08-01 00:00:00' WHERE id = 2");
  // The first sync holds before its metadata commit while a second one runs to the end.
  const std::string pause = dir_.file("pause");
  const std::string script = fmt::format(
      "ICESYNC_PAUSE_AT=commit ICESYNC_PAUSE_FILE={p} {bin} {args} > {out} 2>&1 & pid=$!; "
      "while [ ! -e {p} ]; do sleep 0.02; done; "
      "{bin} {args} > {out2} 2>&1; echo second=$?; rm -f {p}; wait $pid; echo first=$?",
      fmt::arg("p", ShellQuote(pause)), fmt::arg("bin", ShellQuote(icesync::testing::IcesyncBinary())),
      fmt::arg("args", Sync(detect)), fmt::arg("out", ShellQuote(dir_.file("out1"))),
      fmt::arg("out2", ShellQuote(dir_.file("out2"))));
  CommandResult r = icesync::testing::RunCommand(script);
  EXPECT_NE(r.out.find("second=0"), std::string::npos) << r.out << icesync::testing::ReadFile(dir_.file("out2"));
  EXPECT_NE(r.out.find("first=4"), std::string::npos) << r.out << icesync::testing::ReadFile(dir_.file("out1"));
  EXPECT_NE(icesync::testing::ReadFile(dir_.file("out1")).find("another sync"), std::string::npos);
  EXPECT_EQ(Snapshots(), 2u) << "one window, applied once";
  ExpectTableEqualsSource("after the race");
  EXPECT_EQ(RunSync(detect)["status"], "unchanged");
}

TEST_F(SyncTest, KilledAtAnyCrashPointTheNextRunConverges) {
  CreateSource(sqlite_url(), 10);
  if (HasFatalFailure()) return;
  const std::string detect = "--detect timestamp:updated_at --detect-deletes --on-null-cursor include";
  std::mt19937_64 rng(TestSeed(99));
  // The first sync (which creates the table) killed: no table, and the re-run creates it.
  CommandResult first = Icesync(Sync(detect), "ICESYNC_CRASH_AT=extract");
  EXPECT_NE(first.exit_code, 0);
  EXPECT_FALSE(*iceberg::FilesystemCatalog(warehouse()).TableExists(*iceberg::TableIdentifier::Parse("shop.items")));
  ASSERT_EQ(RunSync(detect)["status"], "ok");
  for (const char* point : {"extract", "data-written", "files-written", "commit", "committed"}) {
    SCOPED_TRACE(point);
    RandomChanges(rng, 3, 2, 1);
    const size_t before = Snapshots();
    CommandResult killed = Icesync(Sync(detect), std::string("ICESYNC_CRASH_AT=") + point);
    EXPECT_EQ(killed.exit_code, 128 + 9) << killed.out << killed.err;
    // Killed before its metadata became current a sync commits nothing; after, everything
    // (watermark included: the re-run finds nothing new) but the version hint and the
    // watermark mirror, which stay behind until the re-run puts them right.
    const bool committed = std::string(point) == "committed";
    const std::string hint_path = warehouse() + "/shop/items/metadata/version-hint.text";
    const std::string mirror_path = warehouse() + "/_icesync/watermarks/shop.items.json";
    const std::string hint_after_kill = icesync::testing::ReadFile(hint_path);  // before any load repairs it
    EXPECT_EQ(Snapshots(), before + (committed ? 1 : 0));
    nlohmann::json r = RunSync(detect);
    EXPECT_EQ(r["status"], committed ? "unchanged" : "ok") << r;
    const int64_t current = *iceberg::FilesystemCatalog(warehouse())
                                 .LoadTable(*iceberg::TableIdentifier::Parse("shop.items"))
                                 ->metadata.current_snapshot_id;
    if (committed) EXPECT_NE(std::stoi(hint_after_kill), std::stoi(icesync::testing::ReadFile(hint_path)));
    EXPECT_EQ(nlohmann::json::parse(icesync::testing::ReadFile(mirror_path))["snapshot_id"], current);
    ExpectTableEqualsSource(std::string("re-run after a kill at ") + point);
    EXPECT_EQ(RunSync(detect)["status"], "unchanged");
  }
}

class PostgresSyncTest : public SyncTest {
 protected:
  void SetUp() override {
    std::string error;
    server_ = PostgresServer::Shared(&error);
    if (server_ == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << error;
  }
  PostgresServer* server_ = nullptr;
};

TEST_F(PostgresSyncTest, TimestampMirrorRoundsOnPostgres) {
  server_->Psql("DROP TABLE IF EXISTS items");
  CreateSource(server_->Url(), 30);
  if (HasFatalFailure()) return;
  RandomRounds("--detect timestamp:updated_at --detect-deletes --on-null-cursor include", 6, TestSeed(4242));
}

}  // namespace
}  // namespace icesync::sync::testing

namespace icesync::sync::testing {
namespace {

// The change-tracking path of the sync (a read that names each row's operation, deletes by
// key) driven on SQLite: a change-log table stands in for SQL Server's CHANGETABLE, read by a
// strategy shaped like ChangeTrackingDetection (derived FROM with the operation column,
// version watermark). The T-SQL itself is tested as text in change_detection_test.cc.
class ChangeLogDetection final : public ChangeDetection {
 public:
  std::string spec() const override { return "change-log"; }
  Status Bind(const db::SourceTable&) override { return Status::OK(); }
  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    ASSIGN_OR_RETURN(version_, source.QueryScalar("SELECT coalesce(max(version), 0) FROM changes"));
    DetectionPlan plan;
    if (!previous) return plan;
    plan.from = "(SELECT c.id AS id, i.txt AS txt, c.op AS " + std::string(kChangeOperationColumn) +
                " FROM changes c LEFT JOIN items i ON i.id = c.id WHERE c.version > ? AND c.version = (SELECT "
                "max(version) FROM changes c2 WHERE c2.id = c.id)) AS changes";
    plan.from_params.push_back(Value(DataType::Int64(), static_cast<int64_t>(std::stoll(*previous))));
    plan.op_column = kChangeOperationColumn;
    return plan;
  }
  Status Observe(const RecordBatch&) override { return Status::OK(); }
  std::string NewWatermark() const override { return version_; }

 private:
  std::string version_;
};

TEST_F(ExportFixture, ChangeTrackingShapedReadAppliesUpsertsAndDeletesByKey) {
  auto conn = db::Connection::Open(sqlite_url());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  for (const char* sql : {"CREATE TABLE items (id INTEGER PRIMARY KEY, txt TEXT)",
                          "CREATE TABLE changes (version INTEGER, id INTEGER, op TEXT)",
                          "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                          "INSERT INTO changes VALUES (1, 1, 'I'), (2, 2, 'I'), (3, 3, 'I')"}) {
    ASSERT_TRUE((*conn)->Execute(sql).ok()) << sql;
  }
  SyncOptions o;
  o.source = sqlite_url();
  o.table = "items";
  o.warehouse = warehouse();
  o.target = "shop.items";
  o.make_detection = [] { return std::make_unique<ChangeLogDetection>(); };
  Result<SyncResult> first = Sync(o, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->watermark, "3");
  EXPECT_EQ(first->inserted, 3);
  for (const char* sql : {"UPDATE items SET txt = 'B' WHERE id = 2", "DELETE FROM items WHERE id = 3",
                          "INSERT INTO items VALUES (4, 'd')",
                          "INSERT INTO changes VALUES (4, 2, 'U'), (5, 3, 'D'), (6, 4, 'I')"}) {
    ASSERT_TRUE((*conn)->Execute(sql).ok()) << sql;
  }
  Result<SyncResult> second = Sync(o, nullptr);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->rows_extracted, 3);
  EXPECT_EQ(second->updated, 1);
  EXPECT_EQ(second->deleted, 1);
  EXPECT_EQ(second->inserted, 1);
  EXPECT_EQ(second->watermark, "6");
  ExpectSameLines("{\"id\":\"1\",\"txt\":\"a\"}\n{\"id\":\"2\",\"txt\":\"B\"}\n{\"id\":\"4\",\"txt\":\"d\"}\n",
                  ScanRows(warehouse(), "shop.items"), "after the change-log sync");
  // Nothing new in the log: unchanged.
  Result<SyncResult> third = Sync(o, nullptr);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->status, "unchanged");
}

}  // namespace
}  // namespace icesync::sync::testing
