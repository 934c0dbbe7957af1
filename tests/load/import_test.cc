// `icesync import` end to end, on a real SQLite file and a real PostgreSQL server: an Iceberg
// table written by `icesync export` and changed by hand through the row-delta API (position
// deletes + new data files, as the sync feature commits them) is imported with each strategy,
// first in full and then incrementally, and the target must hold exactly what the snapshot
// holds (as `icesync scan` reads it). Also: re-imports are no-ops, overwrites force a full
// read, SCD2 history, kill -9 at the two crash points, type-by-type round trips and errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/temporal.h"
#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "testing/import_support.h"
#include "testing/postgres_server.h"

namespace icesync::load::testing {
namespace {

using icesync::testing::PostgresServer;
using sync::testing::AllTypesRows;
using sync::testing::AllTypesSchema;
using sync::testing::CreateAndLoad;
using sync::testing::ExpectSameLines;
using sync::testing::LineCount;
using sync::testing::LoadTable;
using sync::testing::ScanRows;
using sync::testing::SortedCanonicalLines;

std::shared_ptr<const Schema> ItemsSchema() {
  static const auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{1, "id", DataType::Int64(), true},
                         {2, "name", DataType::String()},
                         {3, "qty", DataType::Int32()},
                         {4, "ts", DataType::TimestampTz()}},
      0, std::vector<int>{1});
  return schema;
}

// Rows `ids` with name "<tag>-<id>" (NULL for id % 7 == 0), qty id * 10, ts a fixed µs time.
RecordBatch Items(const std::vector<int64_t>& ids, const std::string& tag) {
  RecordBatch b(ItemsSchema());
  for (int64_t id : ids) {
    b.column(0).Append<int64_t>(id);
    if (id % 7 == 0) {
      b.column(1).AppendNull();
    } else {
      b.column(1).AppendBytes(tag + "-" + std::to_string(id) + (id % 3 == 0 ? " \xc3\xbc\xf0\x9f\x98\x80" : ""));
    }
    b.column(2).Append<int32_t>(static_cast<int32_t>(id * 10));
    b.column(3).Append<int64_t>(1'700'000'000'000'000 + id * 1'000'001);
  }
  return b;
}

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// µs of a timestamp as the database prints it (PostgreSQL: "… +00", SQLite: "… +00:00").
int64_t Micros(std::string text) {
  if (text.size() > 3 && text[text.size() - 3] == '+') text += ":00";
  Result<int64_t> t = ParseTimestampMicros(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : -1;
}

nlohmann::json LastJson(const CommandResult& r) {
  const std::string out = r.out;
  size_t end = out.find_last_not_of('\n');
  if (end == std::string::npos) return nlohmann::json();
  size_t start = out.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return nlohmann::json::parse(out.substr(start, end - start + 1), nullptr, false);
}

class ImportTest : public sync::testing::ExportFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      std::string error;
      PostgresServer* server = PostgresServer::Shared(&error);
      if (server == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << error;
      // A database per test: its own icesync_state and no leftovers of other tests.
      std::string db = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (char& c : db) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
      db = "imp_" + db;
      server_ = server;
      db_ = db;
      server->Psql("DROP DATABASE IF EXISTS " + db);  // psql -c runs one transaction per string
      server->Psql("CREATE DATABASE " + db);
      url_ = server->Url(db);
    } else {
      url_ = "sqlite://" + dir_.file("target.db");
    }
  }

  // The Iceberg table shop.items exported from a SQLite source holding `rows`.
  void ExportItems(const RecordBatch& rows) {
    CreateAndLoad(sqlite_url(), "items", ItemsSchema(), rows);
    CommandResult r = Export(sqlite_url(), "items", "shop.items", "--replace");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string table_dir() const { return TableDir("shop.items"); }

  nlohmann::json Import(const std::string& strategy, const std::string& extra = "", const std::string& env = "",
                        int expected_exit = 0) {
    CommandResult r =
        RunImport(warehouse(), "shop.items", url_, "items", "--strategy " + strategy + " " + extra, env);
    EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
    return LastJson(r);
  }

  // The target holds exactly the rows of the Iceberg table's current snapshot.
  void ExpectTargetIsSnapshot(const std::string& what) {
    ExpectSameLines(ScanRows(warehouse(), "shop.items"), TargetRows(url_, "items"), what);
  }

  // A shell command printing the target's row count, from another process.
  std::string CountCommand(const std::string& table) const {
    const std::string sql = ShellQuote("SELECT COUNT(*) FROM " + table);
    if (server_) return server_->PsqlCommand(db_) + " -At -c " + sql;
    return "sqlite3 " + ShellQuote(dir_.file("target.db")) + " " + sql;
  }

  std::string url_;
  PostgresServer* server_ = nullptr;
  std::string db_;
};

TEST_P(ImportTest, UpsertFullThenIncrementalWithInsertsUpdatesDeletes) {
  ExportItems(Items(Range(1, 40), "v1"));
  if (HasFatalFailure()) return;
  nlohmann::json j = Import("upsert", "--create");
  EXPECT_EQ(j["status"], "ok") << j.dump();
  EXPECT_EQ(j["rows_read"], 40);
  EXPECT_EQ(j["inserted"], 40);
  EXPECT_EQ(j["from_snapshot_id"], nullptr);
  EXPECT_TRUE(j["full_read"].get<bool>());
  // PostgreSQL: a full read into an empty target is COPYed straight into it, in one
  // transaction with the state row on the companion session.
  EXPECT_EQ(j["load_method"],
            GetParam() == "postgres" ? "postgresql copy binary, in the import's transaction" : "parameter arrays");
  const int64_t first = j["snapshot_id"].get<int64_t>();
  ExpectTargetIsSnapshot("after the first import");

  // The same snapshot again: nothing to do.
  j = Import("upsert");
  EXPECT_EQ(j["status"], "unchanged") << j.dump();
  EXPECT_EQ(j["snapshot_id"], first);

  // Row deltas: delete 3 and 4, update 5 and 6 (delete + re-add), insert 41 and 42; then delete 41.
  CommitRowDelta(table_dir(), {3, 4, 5, 6}, Items({5, 6, 41, 42}, "v2"));
  CommitRowDelta(table_dir(), {41}, RecordBatch(ItemsSchema()));
  j = Import("upsert");
  EXPECT_EQ(j["status"], "ok") << j.dump();
  EXPECT_FALSE(j["full_read"].get<bool>()) << j.dump();
  EXPECT_EQ(j["from_snapshot_id"], first);
  EXPECT_EQ(j["rows_read"], 3);  // 5, 6, 42: only the new data file's live rows
  EXPECT_EQ(j["deleted"], 2);    // 3, 4 (41 never reached the target; 5 and 6 were re-added)
  EXPECT_EQ(j["updated"], 2);
  EXPECT_EQ(j["inserted"], 1);
  // Incremental: staged by binary COPY (autocommit) into an UNLOGGED table, merged set-based.
  EXPECT_EQ(j["load_method"], GetParam() == "postgres" ? "postgresql copy binary" : "parameter arrays");
  ExpectTargetIsSnapshot("after the incremental import");
  EXPECT_EQ(Import("upsert")["status"], "unchanged");
  // The state row records the snapshot.
  EXPECT_EQ(QueryValue(url_, "SELECT snapshot_id FROM icesync_state WHERE target_table = 'items'"),
            std::to_string(LoadTable(table_dir()).metadata.current_snapshot_id.value_or(0)));
}

TEST_P(ImportTest, UpsertAfterAnOverwriteReadsTheWholeSnapshot) {
  ExportItems(Items(Range(1, 30), "v1"));
  if (HasFatalFailure()) return;
  Import("upsert", "--create");
  // export --replace: an overwrite removing every data file; ids 1-10 gone, 11-20 changed.
  ExportItems(Items(Range(11, 35), "v2"));
  if (HasFatalFailure()) return;
  nlohmann::json j = Import("upsert");
  EXPECT_TRUE(j["full_read"].get<bool>()) << j.dump();
  EXPECT_NE(j["read"].get<std::string>().find("removed files"), std::string::npos) << j.dump();
  EXPECT_EQ(j["deleted"], 10);
  EXPECT_EQ(j["inserted"], 5);
  ExpectTargetIsSnapshot("after the overwrite");
}

TEST_P(ImportTest, AppendInsertsOnlyNewRows) {
  ExportItems(Items(Range(1, 20), "v1"));
  if (HasFatalFailure()) return;
  nlohmann::json j = Import("append", "--create");
  EXPECT_EQ(j["inserted"], 20) << j.dump();
  CommitRowDelta(table_dir(), {1}, Items({21, 22, 23}, "v2"));
  j = Import("append");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_FALSE(j["full_read"].get<bool>());
  EXPECT_EQ(j["inserted"], 3) << j.dump();
  EXPECT_EQ(j["deleted"], 0);  // an append target is a log: Iceberg deletes are not applied
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "23");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE id = 1"), "1");
  EXPECT_EQ(Import("append")["status"], "unchanged");
}

TEST_P(ImportTest, ReplaceEndsWithExactlyTheSnapshot) {
  ExportItems(Items(Range(1, 25), "v1"));
  if (HasFatalFailure()) return;
  nlohmann::json j = Import("replace", "--create");
  EXPECT_EQ(j["inserted"], 25) << j.dump();
  ExpectTargetIsSnapshot("first replace");
  CommitRowDelta(table_dir(), {2, 3}, Items({3, 26}, "v2"));
  j = Import("replace");
  EXPECT_TRUE(j["full_read"].get<bool>());
  EXPECT_EQ(j["deleted"], 25);
  EXPECT_EQ(j["inserted"], 25);
  ExpectTargetIsSnapshot("second replace");
  EXPECT_EQ(Import("replace")["status"], "unchanged");
}

// Equality deletes on the key (as Flink/Spark merge-on-read writers commit them) remove keys
// too; an equality delete on the key and a re-add of it in a later snapshot is an update.
TEST_P(ImportTest, UpsertAppliesEqualityDeletesOnTheKey) {
  ExportItems(Items(Range(1, 20), "v1"));
  if (HasFatalFailure()) return;
  Import("upsert", "--create");
  CommitEqualityDelete(table_dir(), {2, 4, 6});
  CommitRowDelta(table_dir(), {}, Items({6}, "v2"));
  nlohmann::json j = Import("upsert");
  EXPECT_FALSE(j["full_read"].get<bool>()) << j.dump();
  EXPECT_EQ(j["deleted"], 2) << j.dump();
  EXPECT_EQ(j["updated"], 1) << j.dump();
  ExpectTargetIsSnapshot("after the equality deletes");
}

// replace while a reader looks: held after its DELETE + INSERT (before COMMIT), another
// session still counts the old rows, never an empty table; after COMMIT the new ones.
TEST_P(ImportTest, ReplaceIsAtomicForReaders) {
  ExportItems(Items(Range(1, 25), "v1"));
  if (HasFatalFailure()) return;
  Import("replace", "--create");
  CommitRowDelta(table_dir(), Range(1, 20), Items({26}, "v2"));
  const std::string pause = dir_.file("paused-import");
  CommandResult r = icesync::testing::RunCommand(
      "ICESYNC_PAUSE_AT=import-applied ICESYNC_PAUSE_FILE=" + ShellQuote(pause) + " " +
      ShellQuote(icesync::testing::IcesyncBinary()) + " import -q --warehouse " + ShellQuote(warehouse()) +
      " --from shop.items --target " + ShellQuote(url_) +
      " --table items --strategy replace & pid=$!; n=0; while [ ! -e " + ShellQuote(pause) +
      " ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done; " + CountCommand("items") + "; rm -f " +
      ShellQuote(pause) + "; wait $pid; echo import=$?");
  EXPECT_EQ(r.out, "25\nimport=0\n") << r.err;
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "6");
  ExpectTargetIsSnapshot("after the replace");
}

// A target the user created (columns in another order, an extra nullable column) and an
// Iceberg table without identifier fields (exported from a query): the key is the target's
// primary key.
TEST_P(ImportTest, UpsertIntoAUserTableKeyedByItsPrimaryKey) {
  CreateAndLoad(sqlite_url(), "items", ItemsSchema(), Items(Range(1, 12), "v1"));
  if (HasFatalFailure()) return;
  CommandResult r = Export(sqlite_url(), "", "shop.keyless", "--query " + ShellQuote("SELECT id, name, qty FROM items"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  {
    auto conn = db::Connection::Open(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    const std::string int4 = GetParam() == "sqlite" ? "INT4" : "integer";
    Status st = (*conn)->Execute("CREATE TABLE t_user (note TEXT, qty " + int4 +
                                 ", id BIGINT NOT NULL PRIMARY KEY, name TEXT)");
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  r = RunImport(warehouse(), "shop.keyless", url_, "t_user", "--strategy upsert");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> columns = {"id", "name", "qty"};
  ExpectSameLines(ScanRows(warehouse(), "shop.keyless"), TargetRows(url_, "t_user", columns), "full");
  const iceberg::Table exported = LoadTable(TableDir("shop.keyless"));
  const Schema* keyless = exported.metadata.CurrentSchema();
  ASSERT_NE(keyless, nullptr);
  EXPECT_TRUE(keyless->identifier_field_ids().empty());
  CommitRowDelta(TableDir("shop.keyless"), {1, 2}, RecordBatch(std::make_shared<const Schema>(*keyless)));
  nlohmann::json j = LastJson(RunImport(warehouse(), "shop.keyless", url_, "t_user", "--strategy upsert"));
  EXPECT_FALSE(j["full_read"].get<bool>()) << j.dump();
  EXPECT_EQ(j["deleted"], 2) << j.dump();
  ExpectSameLines(ScanRows(warehouse(), "shop.keyless"), TargetRows(url_, "t_user", columns), "after deleting 1, 2");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM t_user WHERE note IS NULL"), "10");
}

// Three changes of key 5 and a delete of key 7, in four snapshots, imported one by one: key 5
// has four versions with contiguous validity at the snapshots' commit times, key 7 one version
// closed at the delete's commit time, every key at most one current version. Imported again
// into a second table in one go (net change): final versions only, same current rows.
TEST_P(ImportTest, Scd2HistoryAcrossThreeChangesAndADelete) {
  ExportItems(Items(Range(1, 10), "v1"));
  if (HasFatalFailure()) return;
  nlohmann::json j = Import("scd2", "--create");
  EXPECT_EQ(j["inserted"], 10) << j.dump();
  std::vector<int64_t> times = {LoadTable(table_dir()).metadata.CurrentSnapshot()->timestamp_ms};
  for (const char* tag : {"v2", "v3", "v4"}) {
    CommitRowDelta(table_dir(), {5}, Items({5}, tag));
    times.push_back(LoadTable(table_dir()).metadata.CurrentSnapshot()->timestamp_ms);
    j = Import("scd2");
    EXPECT_EQ(j["updated"], 1) << j.dump();
    EXPECT_EQ(j["inserted"], 0) << j.dump();
  }
  CommitRowDelta(table_dir(), {7}, RecordBatch(ItemsSchema()));
  times.push_back(LoadTable(table_dir()).metadata.CurrentSnapshot()->timestamp_ms);
  j = Import("scd2");
  EXPECT_EQ(j["deleted"], 1) << j.dump();
  EXPECT_EQ(Import("scd2")["status"], "unchanged");

  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "13");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE id = 5"), "4");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM (SELECT id FROM items WHERE _is_current = TRUE GROUP BY id "
                             "HAVING COUNT(*) > 1) AS d"),
            "0");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE _is_current = TRUE"), "9");
  EXPECT_EQ(QueryValue(url_, "SELECT name FROM items WHERE id = 5 AND _is_current = TRUE"), "v4-5");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE _is_current = TRUE AND _valid_to IS NOT NULL"), "0");
  // Validity at the snapshots' commit times: version k of key 5 runs from times[k] to times[k+1].
  const std::vector<std::string> names = {"v1-5", "v2-5", "v3-5", "v4-5"};
  for (size_t k = 0; k < names.size(); ++k) {
    SCOPED_TRACE(names[k]);
    const std::string where = " FROM items WHERE id = 5 AND name = '" + names[k] + "'";
    auto micros = [&](const std::string& column) { return Micros(QueryValue(url_, "SELECT " + column + where)); };
    EXPECT_EQ(micros("_valid_from"), times[k] * 1000);
    if (k + 1 < names.size()) {
      EXPECT_EQ(micros("_valid_to"), times[k + 1] * 1000);
    }
  }
  EXPECT_EQ(Micros(QueryValue(url_, "SELECT _valid_to FROM items WHERE id = 7")), times.back() * 1000);
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE id = 7 AND _is_current = TRUE"), "0");

  // The current rows equal the snapshot.
  CommandResult r = RunImport(warehouse(), "shop.items", url_, "items_once", "--strategy scd2 --create");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items_once"), "9");
}

// scd2 across an overwrite (export --replace): a full read closes the versions of keys the
// snapshot no longer holds at its commit time, closes and renews changed keys, keeps the
// unchanged ones. A source column named like the bookkeeping columns is refused.
TEST_P(ImportTest, Scd2FullReadAfterAnOverwrite) {
  ExportItems(Items(Range(1, 10), "v1"));
  if (HasFatalFailure()) return;
  Import("scd2", "--create");
  // The overwrite: 1, 2 gone, 11, 12 new, 3-10 the same; then 9 and 10 change.
  ExportItems(Items(Range(3, 12), "v1"));
  if (HasFatalFailure()) return;
  CommitRowDelta(table_dir(), {9, 10}, Items({9, 10}, "v2"));
  const int64_t at = LoadTable(table_dir()).metadata.CurrentSnapshot()->timestamp_ms;
  nlohmann::json j = Import("scd2");
  EXPECT_TRUE(j["full_read"].get<bool>()) << j.dump();
  EXPECT_EQ(j["deleted"], 2) << j.dump();   // 1, 2
  EXPECT_EQ(j["updated"], 2) << j.dump();   // 9, 10
  EXPECT_EQ(j["inserted"], 2) << j.dump();  // 11, 12
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items WHERE _is_current = TRUE"), "10");
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "14");
  EXPECT_EQ(Micros(QueryValue(url_, "SELECT _valid_to FROM items WHERE id = 1")), at * 1000);
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM (SELECT id FROM items WHERE _is_current = TRUE GROUP BY id "
                             "HAVING COUNT(*) > 1) AS d"),
            "0");
  EXPECT_EQ(Import("scd2")["status"], "unchanged");

  // A source column named _valid_to.
  auto clash = std::make_shared<const Schema>(
      std::vector<Field>{{1, "id", DataType::Int64(), true}, {2, "_valid_to", DataType::String()}}, 0,
      std::vector<int>{1});
  CreateAndLoad(sqlite_url(), "clash", clash, RecordBatch(clash));
  ASSERT_EQ(Export(sqlite_url(), "clash", "shop.clash").exit_code, 0);
  CommandResult r = RunImport(warehouse(), "shop.clash", url_, "clash", "--strategy scd2 --create");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("'_valid_to'"), std::string::npos) << r.err;
}

// kill -9 after staging and after the merge statements (before COMMIT): the target stays at
// the old snapshot, and the next run gives exactly the new snapshot's rows.
TEST_P(ImportTest, KillDuringStagingOrApplyLeavesTheOldSnapshot) {
  ExportItems(Items(Range(1, 30), "v1"));
  if (HasFatalFailure()) return;
  Import("upsert", "--create");
  const std::string before = TargetRows(url_, "items");
  CommitRowDelta(table_dir(), {1, 2, 3}, Items({2, 31, 32}, "v2"));
  for (const char* point : {"import-staging", "import-staged", "import-applied"}) {
    SCOPED_TRACE(point);
    CommandResult killed = RunImport(warehouse(), "shop.items", url_, "items", "--strategy upsert",
                                     std::string("ICESYNC_CRASH_AT=") + point);
    EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
    EXPECT_EQ(TargetRows(url_, "items"), before);
  }
  nlohmann::json j = Import("upsert");
  EXPECT_EQ(j["status"], "ok") << j.dump();
  EXPECT_FALSE(j["full_read"].get<bool>());
  ExpectTargetIsSnapshot("after the re-run");
  // The killed runs' staging tables are gone too.
  const std::string stale =
      GetParam() == "postgres"
          ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'icesync\\_stage\\_%'"
          : "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'icesync\\_stage\\_%' ESCAPE '\\'";
  EXPECT_EQ(QueryValue(url_, stale), "0");
}

// The same for a first import and a replace (on PostgreSQL the rows are COPYed straight into
// the target, the state row on the same session): killed, the target stays as it was.
TEST_P(ImportTest, KillDuringAFullImportLeavesTheTargetAsItWas) {
  ExportItems(Items(Range(1, 30), "v1"));
  if (HasFatalFailure()) return;
  for (const char* point : {"import-staging", "import-staged", "import-applied"}) {
    SCOPED_TRACE(point);
    CommandResult killed = RunImport(warehouse(), "shop.items", url_, "items", "--strategy replace --create",
                                     std::string("ICESYNC_CRASH_AT=") + point);
    EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
    EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "0");
  }
  EXPECT_EQ(Import("replace")["inserted"], 30);
  CommitRowDelta(table_dir(), {1, 2}, Items({31}, "v2"));
  CommandResult killed = RunImport(warehouse(), "shop.items", url_, "items", "--strategy replace",
                                   "ICESYNC_CRASH_AT=import-applied");
  EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "30");
  nlohmann::json j = Import("replace");
  EXPECT_EQ(j["deleted"], 30) << j.dump();
  EXPECT_EQ(j["inserted"], 29);
  ExpectTargetIsSnapshot("after the re-run");
}

// Source → Iceberg → target, type by type: decimal(38,x), timestamps to the µs, unicode,
// binary, uuid, NULLs and edge values come back as they were loaded into the source.
TEST_P(ImportTest, RoundTripKeepsEveryType) {
  auto schema = AllTypesSchema();
  // The source is the same kind of database as the target (PostgreSQL holds every double).
  const bool sqlite = GetParam() == "sqlite";
  const std::string source = sqlite ? sqlite_url() : url_;
  RecordBatch rows = AllTypesRows(schema, 40, sqlite);
  CreateAndLoad(source, "all_types_source", schema, rows);
  if (HasFatalFailure()) return;
  CommandResult r = Export(source, "all_types_source", "shop.all_types");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunImport(warehouse(), "shop.all_types", url_, "all_types", "--strategy upsert --create");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameLines(SortedCanonicalLines(rows), TargetRows(url_, "all_types"), "target after the round trip");
}

TEST_P(ImportTest, ClearErrorsAndNothingApplied) {
  ExportItems(Items(Range(1, 10), "v1"));
  if (HasFatalFailure()) return;
  // No target table without --create.
  CommandResult r = RunImport(warehouse(), "shop.items", url_, "items", "--strategy upsert");
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("--create"), std::string::npos) << r.err;
  // A key that is not unique in the snapshot (qty is unique; name is NULL twice? use a constant).
  Import("upsert", "--create");
  CommitRowDelta(table_dir(), {}, Items({11}, "v1"));
  r = RunImport(warehouse(), "shop.items", url_, "items_by_ts", "--strategy upsert --create --key name");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("NULL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pass --key"), std::string::npos) << r.err;
  // A key that is not unique in the snapshot: id 5 added again without deleting the first.
  CommitRowDelta(table_dir(), {}, Items({5}, "dup"));
  r = RunImport(warehouse(), "shop.items", url_, "items", "--strategy upsert");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not unique"), std::string::npos) << r.err;
  // The target lacks a column.
  r = RunImport(warehouse(), "shop.items", url_, "icesync_state", "--strategy append");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("has no column 'id'"), std::string::npos) << r.err;
  // Nothing was applied by the failures: the target is still the first snapshot's 10 rows.
  EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "10");
  // A type that cannot load: a struct column (Iceberg tables written by Spark may hold them).
  {
    iceberg::FilesystemCatalog catalog(warehouse());
    const Schema nested({{1, "id", DataType::Int64(), true},
                         {2, "address", DataType::Struct({{3, "city", DataType::String()}})}},
                        0, {1});
    auto spec = iceberg::ParsePartitionSpec("", nested);
    ASSERT_TRUE(spec.ok());
    ASSERT_TRUE(catalog.CreateTable({{"shop"}, "nested"}, nested, *spec).ok());
    r = RunImport(warehouse(), "shop.nested", url_, "nested", "--strategy upsert --create");
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("column 'address'"), std::string::npos) << r.err;
  }
  // A login failure: a database error, the password not shown.
  if (server_) {
    const std::string bad = "postgresql://" + std::string(PostgresServer::kUser) + ":wrong-" +
                            PostgresServer::kPassword + "@127.0.0.1:" + std::to_string(server_->port()) + "/" + db_;
    r = RunImport(warehouse(), "shop.items", bad, "items", "--strategy upsert");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err.find(PostgresServer::kPassword), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(PostgresServer::kPassword), std::string::npos) << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, ImportTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace icesync::load::testing
