// Two imports into one target at once, on SQLite and PostgreSQL: import A is held at a crash
// point (ICESYNC_PAUSE_AT) after staging its rows, import B of the same snapshot runs
// meanwhile, then A carries on. With --strategy append a double apply would show as every row
// twice. Exactly one of them must apply; the other either waited and then found nothing to
// do ("unchanged"), or found the target moved under it: a Conflict naming the target, nothing
// applied. Running the loser again converges (the target already holds the snapshot).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "db/connection.h"
#include "testing/import_support.h"
#include "testing/postgres_server.h"

namespace icesync::load::testing {
namespace {

using icesync::testing::PostgresServer;
using icesync::testing::RunCommand;

class ImportConcurrencyTest : public sync::testing::ExportFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    auto source = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    ASSERT_TRUE((*source)->Execute("CREATE TABLE items (id INTEGER PRIMARY KEY, txt TEXT)").ok());
    for (int id = 1; id <= 50; ++id) {
      ASSERT_TRUE((*source)->Execute(fmt::format("INSERT INTO items VALUES ({0}, 'row {0}')", id)).ok());
    }
    ASSERT_EQ(Export(sqlite_url(), "items", "shop.items").exit_code, 0);
    if (GetParam() == "postgres") {
      std::string error;
      PostgresServer* server = PostgresServer::Shared(&error);
      ASSERT_NE(server, nullptr) << error;
      server->Psql("DROP DATABASE IF EXISTS import_concurrency");
      server->Psql("CREATE DATABASE import_concurrency");
      url_ = server->Url("import_concurrency");
    } else {
      url_ = "sqlite://" + dir_.file("target.db");
    }
  }
  std::string ImportCommand(const std::string& strategy) const {
    return ShellQuote(icesync::testing::IcesyncBinary()) + " import --warehouse " + ShellQuote(warehouse()) +
           " --from shop.items --target " + ShellQuote(url_) + " --table items --create --strategy " + strategy;
  }
  // A held at `point`; B run in the background meanwhile; A released after B finished or had
  // a second to reach the target's lock. stdout: "a=<exit> b=<exit>"; the outputs in files.
  CommandResult RaceAt(const std::string& point, const std::string& strategy) const {
    const std::string pause = ShellQuote(dir_.file("pause"));
    const std::string a = ShellQuote(dir_.file("a.out")) + " 2>" + ShellQuote(dir_.file("a.err"));
    const std::string b = ShellQuote(dir_.file("b.out")) + " 2>" + ShellQuote(dir_.file("b.err"));
    return RunCommand("ICESYNC_PAUSE_AT=" + point + " ICESYNC_PAUSE_FILE=" + pause + " " + ImportCommand(strategy) +
                      " --json >" + a + " & apid=$!; n=0; while [ ! -e " + pause +
                      " ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done; " + ImportCommand(strategy) +
                      " --json >" + b + " & bpid=$!; n=0; while kill -0 $bpid 2>/dev/null && [ $n -lt 20 ]; do " +
                      "sleep 0.05; n=$((n+1)); done; rm -f " + pause +
                      "; wait $apid; ae=$?; wait $bpid; echo \"a=$ae b=$?\"");
  }
  // "applied", "unchanged", "conflict" or what else happened, for import `who` (a or b).
  std::string Outcome(const std::string& who) const {
    const std::string out = icesync::testing::ReadFile(dir_.file(who + ".out"));
    const std::string err = icesync::testing::ReadFile(dir_.file(who + ".err"));
    if (err.find("another import into items committed while this one ran") != std::string::npos) return "conflict";
    if (out.find("\"status\":\"ok\"") != std::string::npos) return "applied";
    if (out.find("\"status\":\"unchanged\"") != std::string::npos) return "unchanged";
    return "other: " + out + err;
  }
  void ExpectOneAppliedOnce(const CommandResult& race, const std::string& strategy) {
    ASSERT_EQ(race.exit_code, 0) << race.err;
    const std::string a = Outcome("a"), b = Outcome("b");
    EXPECT_TRUE((a == "applied") != (b == "applied")) << "exactly one import must apply: " << race.out << "\nA: " << a
                                                      << "\nB: " << b;
    const std::string& loser = a == "applied" ? b : a;
    EXPECT_TRUE(loser == "conflict" || loser == "unchanged") << loser;
    EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "50") << "applied twice? " << race.out;
    EXPECT_EQ(QueryValue(url_, "SELECT COUNT(DISTINCT id) FROM items"), "50");
    // The loser again: the target already holds the snapshot.
    CommandResult again = RunCommand(ImportCommand(strategy) + " --json");
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("\"unchanged\""), std::string::npos) << again.out;
    EXPECT_EQ(QueryValue(url_, "SELECT COUNT(*) FROM items"), "50");
  }

  std::string url_;
};

// A held after staging (PostgreSQL: inside its COPY transaction, holding the target's lock,
// so B waits; SQLite: before its merge, so B applies first).
TEST_P(ImportConcurrencyTest, AppendHeldAfterStaging) { ExpectOneAppliedOnce(RaceAt("import-staged", "append"), "append"); }

// A held after its merge and state row, before COMMIT: B must wait (or fail) and never apply
// on top of A's uncommitted change.
TEST_P(ImportConcurrencyTest, AppendHeldBeforeCommit) { ExpectOneAppliedOnce(RaceAt("import-applied", "append"), "append"); }

INSTANTIATE_TEST_SUITE_P(Targets, ImportConcurrencyTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace icesync::load::testing
