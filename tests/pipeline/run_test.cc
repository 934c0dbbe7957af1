// `icesync run -c sync.yaml` and `icesync status -c`: the real binary over real SQLite sources
// and targets. One table fails on purpose (it does not exist) and must not stop the others; a
// transient failure injected into a table (ICESYNC_INJECT_TRANSIENT) is retried; config
// errors name the file, line and key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "db/connection.h"
#include "pipeline/terminal_screen.h"
#include "pipeline/pipeline_config.h"
#include "testing/export_support.h"

namespace icesync::pipeline {
namespace {

using sync::testing::CommandResult;
using sync::testing::ExpectSameLines;
using sync::testing::ScanRows;
using sync::testing::Icesync;
using sync::testing::ShellQuote;

class RunTest : public sync::testing::ExportFixture {
 protected:
  void SetUp() override {
    Execute(sqlite_url(), {"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, updated_at TIMESTAMP)",
                           "INSERT INTO customers VALUES (1, 'Zürich', '2024-01-01 00:00:00'), (2, 'b', "
                           "'2024-01-01 00:00:01')",
                           "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, total DECIMAL(10,2))",
                           "INSERT INTO orders VALUES (1, 1, 9.99), (2, 2, 120.50)"});
    WriteConfig(R"(warehouse: lake
connections:
  src: sqlite://${RUN_TEST_DIR}/source.db
  dst: sqlite://${RUN_TEST_DIR}/target.db
defaults: {detect: full}
tables:
  - name: customers
    source: {connection: src, table: customers}
    iceberg: shop.customers
    detect: timestamp:updated_at
    detect_deletes: true
    import: {connection: dst, table: customers, strategy: upsert, create: true}
  - name: orders
    source: {connection: src, table: orders}
    iceberg: shop.orders
    import: {connection: dst, table: orders, strategy: upsert, create: true}
  - name: missing
    source: {connection: src, table: no_such_table}
    iceberg: shop.missing
)");
  }
  void Execute(const std::string& url, const std::vector<std::string>& statements) {
    auto conn = db::Connection::Open(url);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const std::string& sql : statements) ASSERT_TRUE((*conn)->Execute(sql).ok()) << sql;
  }
  void WriteConfig(const std::string& text) { icesync::testing::WriteFile(config(), text); }
  std::string config() const { return dir_.file("sync.yaml"); }
  std::string env() const { return "RUN_TEST_DIR=" + ShellQuote(dir_.path().string()); }
  nlohmann::json RunJson(const std::string& extra, int expect_exit, const std::string& more_env = "") {
    CommandResult r = Icesync("run -c " + ShellQuote(config()) + " --json " + extra, env() + " " + more_env);
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  static const nlohmann::json& Table(const nlohmann::json& run, const std::string& name) {
    for (const auto& t : run["tables"]) {
      if (t["name"] == name) return t;
    }
    static nlohmann::json none;
    ADD_FAILURE() << "no table " << name << " in " << run;
    return none;
  }
};

TEST_F(RunTest, AFailingTableDoesNotStopTheOthers) {
  nlohmann::json run = RunJson("--jobs 2", 1);
  ASSERT_TRUE(run.is_object()) << run;
  EXPECT_EQ(run["ok"], 2);
  EXPECT_EQ(run["failed"], 1);
  EXPECT_EQ(Table(run, "customers")["status"], "ok");
  EXPECT_EQ(Table(run, "customers")["rows_extracted"], 2);
  EXPECT_EQ(Table(run, "customers")["rows_imported"], 2);
  EXPECT_EQ(Table(run, "customers")["watermark"], "2024-01-01T00:00:01.000000");
  EXPECT_EQ(Table(run, "orders")["status"], "ok");
  const nlohmann::json& missing = Table(run, "missing");
  EXPECT_EQ(missing["status"], "failed");
  EXPECT_NE(missing["error"].get<std::string>().find("no_such_table"), std::string::npos) << missing;
  EXPECT_EQ(missing["attempts"], 1) << "a missing table is not retried";
  // The imported targets hold the source rows.
  ExpectSameLines(ScanRows(warehouse(), "shop.customers"),
                  [&] {
                    CommandResult back = Export("sqlite://" + dir_.file("target.db"), "customers", "back.customers");
                    EXPECT_EQ(back.exit_code, 0) << back.err;
                    return ScanRows(warehouse(), "back.customers");
                  }(),
                  "the imported customers");
  // A change: the next run syncs and imports only it; an unchanged table stays unchanged.
  Execute(sqlite_url(), {"UPDATE customers SET name = 'B', updated_at = '2024-02-01 00:00:00' WHERE id = 2",
                         "DELETE FROM customers WHERE id = 1"});
  nlohmann::json again = RunJson("--tables customers,orders", 0);
  EXPECT_EQ(Table(again, "customers")["rows_appended"], 2) << again;  // one update, one delete
  EXPECT_EQ(Table(again, "customers")["rows_imported"], 2) << again;
  EXPECT_EQ(Table(again, "orders")["status"], "unchanged") << again;
  EXPECT_EQ(again["tables"].size(), 2u);
  // status -c: the targets are up to date.
  CommandResult st = Icesync("status -c " + ShellQuote(config()) + " --json", env());
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto sj = nlohmann::json::parse(st.out);
  ASSERT_EQ(sj["tables"].size(), 3u);
  EXPECT_EQ(sj["tables"][0]["target_lag_snapshots"], 0) << sj;
  EXPECT_EQ(sj["tables"][0]["rows"], 1) << sj;
  EXPECT_EQ(sj["tables"][0]["watermark"], "2024-02-01T00:00:00.000000") << sj;
  EXPECT_FALSE(sj["tables"][2]["exists"].get<bool>());
}

// On a terminal (a pseudo-terminal made by script(1), as a user's shell would give): a live
// line per table that ends showing each table's outcome, below the log; the results table
// last. Not on a terminal (every other test here): no escape codes at all.
TEST_F(RunTest, OnATerminalEachTableHasALiveLine) {
  const std::string run = env() + " " + ShellQuote(icesync::testing::IcesyncBinary()) + " run -c " +
                          ShellQuote(config()) + " --jobs 2";
  CommandResult r = icesync::testing::RunCommand("script -qefc " + ShellQuote(run) + " /dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the missing table fails
  const std::vector<std::string> screen = icesync::testing::TerminalScreen(r.out);
  auto has = [&](const std::string& pattern) {
    return std::any_of(screen.begin(), screen.end(),
                       [&](const std::string& line) { return std::regex_search(line, std::regex(pattern)); });
  };
  EXPECT_TRUE(has(R"(^customers +ok +\d+:\d\d$)")) << r.out;
  EXPECT_TRUE(has(R"(^orders +ok +\d+:\d\d$)")) << r.out;
  EXPECT_TRUE(has(R"(^missing +failed +\d+:\d\d$)")) << r.out;
  EXPECT_TRUE(has(R"(Z customers: sync ok: 2 rows read)")) << r.out;  // a log line above the board
  EXPECT_TRUE(has(R"(^2 ok, 1 failed$)")) << r.out;
  EXPECT_NE(r.out.find("\x1b["), std::string::npos);

  CommandResult plain = Icesync("run -c " + ShellQuote(config()), env());
  EXPECT_EQ(plain.err.find("\x1b["), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("customers: sync unchanged"), std::string::npos) << plain.err;
}

TEST_F(RunTest, DryRunCountsWhatEachTableWouldReadAndWritesNothing) {
  nlohmann::json plan = RunJson("--dry-run --tables customers,orders", 0);
  EXPECT_EQ(Table(plan, "customers")["status"], "planned") << plan;
  EXPECT_EQ(Table(plan, "customers")["rows_extracted"], 2) << plan;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("lake/shop"))) << "a dry run writes nothing";
  RunJson("--tables customers", 0);
  Execute(sqlite_url(), {"UPDATE customers SET name = 'c', updated_at = '2024-03-01 00:00:00' WHERE id = 1"});
  nlohmann::json next = RunJson("--dry-run --tables customers", 0);
  // The changed row and the one at the watermark (closed start).
  EXPECT_EQ(Table(next, "customers")["rows_extracted"], 2) << next;
  EXPECT_EQ(Table(next, "customers")["watermark"], "2024-01-01T00:00:01.000000") << next;
}

TEST_F(RunTest, TransientFailuresAreRetried) {
  nlohmann::json run = RunJson("--tables orders", 0, "ICESYNC_INJECT_TRANSIENT=orders:2");
  EXPECT_EQ(Table(run, "orders")["status"], "ok") << run;
  EXPECT_EQ(Table(run, "orders")["attempts"], 3) << run;
  // More failures than attempts: failed, with the last error.
  Execute(sqlite_url(), {"INSERT INTO orders VALUES (3, 1, 1.00)"});
  nlohmann::json gave_up = RunJson("--tables orders", 1, "ICESYNC_INJECT_TRANSIENT=orders:5");
  EXPECT_EQ(Table(gave_up, "orders")["status"], "failed") << gave_up;
  EXPECT_NE(Table(gave_up, "orders")["error"].get<std::string>().find("injected"), std::string::npos);
  // Nothing was half-applied: the next run applies the change once.
  nlohmann::json next = RunJson("--tables orders", 0);
  EXPECT_EQ(Table(next, "orders")["rows_appended"], 1) << next;
}

// A maintain: block keeps a scheduled table healthy: after syncs with updates and deletes the
// run compacts it (no delete files left) and the rows stay the source's.
TEST_F(RunTest, MaintainBlockCompactsAfterTheSync) {
  WriteConfig(R"(warehouse: lake
connections: {src: "sqlite://${RUN_TEST_DIR}/source.db"}
tables:
  - name: customers
    source: {connection: src, table: customers}
    iceberg: shop.customers
    detect: timestamp:updated_at
    detect_deletes: true
    maintain: {compact_min_files: 2, expire_older_than: 0s, retain_last: 2}
)");
  RunJson("", 0);
  for (int i = 0; i < 3; ++i) {
    Execute(sqlite_url(), {"UPDATE customers SET name = 'v" + std::to_string(i) + "', updated_at = '2024-0" +
                               std::to_string(i + 2) + "-01 00:00:00' WHERE id = 1",
                           "INSERT INTO customers VALUES (" + std::to_string(10 + i) + ", 'new', '2024-0" +
                               std::to_string(i + 2) + "-02 00:00:00')"});
    RunJson("", 0);
  }
  iceberg::Table t = sync::testing::LoadTable(TableDir("shop.customers"));
  const iceberg::Snapshot* s = t.metadata.CurrentSnapshot();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->summary.count("total-delete-files") ? s->summary.at("total-delete-files") : "0", "0") << "compacted";
  EXPECT_LE(t.metadata.snapshots.size(), 2u) << "expired down to the last two";
  CommandResult ref = Export(sqlite_url(), "customers", "ref.customers");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  ExpectSameLines(ScanRows(warehouse(), "ref.customers"), ScanRows(warehouse(), "shop.customers"), "after maintain");
  // And the next sync still finds its watermark: nothing new.
  nlohmann::json again = RunJson("", 0);
  EXPECT_EQ(Table(again, "customers")["status"], "unchanged") << again;
}

TEST_F(RunTest, ConfigErrorsNameTheLineTheKeyAndTheFix) {
  struct Case {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"warehouse: lake\ntables:\n  - name: a\n    source: {connection: src, table: t}\n    iceberg: s.a\n",
       "sync.yaml:4: tables[0] (a) source: connection 'src' is not defined under connections:"},
      {"warehouse: lake\nconnections: {src: 'sqlite:///x.db'}\ntables:\n  - name: a\n    source: {connection: src, "
       "table: t}\n    iceberg: s.a\n    detetc: full\n",
       "sync.yaml:7: tables[0] (a): unknown key 'detetc'; expected one of:"},
      {"warehouse: lake\nconnections: {src: '${RUN_TEST_UNSET_VARIABLE}'}\ntables: []\n",
       "uses ${RUN_TEST_UNSET_VARIABLE}, which is not set in the environment"},
      {"warehouse: lake\nconnections: {src: 'sqlite:///x.db'}\ntables:\n  - name: a\n    source: {connection: src, "
       "table: t}\n    iceberg: s.a\n    detect: clock:x\n",
       "sync.yaml:4: tables[0] (a): --detect 'clock:x' is not one of"},
      {"warehouse: [unclosed\n", "sync.yaml:"},
      // Keys that are lists or mappings threw out of yaml-cpp (found by sync_config_fuzz).
      {"warehouse: lake\n? [a]\n: b\n", "sync.yaml:2: a key must be a plain name"},
      {"warehouse: lake\nconnections: {src: 'sqlite:///x.db'}\ntables:\n  - name: a\n    source: {connection: src, "
       "table: t}\n    iceberg: s.a\n    ? {x: 1}\n    : 2\n",
       "a key must be a plain name, not a list or mapping"},
  };
  for (const Case& c : cases) {
    WriteConfig(c.yaml);
    CommandResult r = Icesync("run -c " + ShellQuote(config()), env());
    EXPECT_EQ(r.exit_code, 2) << c.yaml << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << "expected: " << c.expected << "\ngot: " << r.err;
  }
}

}  // namespace
}  // namespace icesync::pipeline
