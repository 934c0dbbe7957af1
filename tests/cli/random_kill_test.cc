// Random kills of the real icesync binary: each round changes a random table, then runs
// `icesync sync` or `icesync import` and kills it with SIGKILL, either at a random crash point
// (ICESYNC_CRASH_AT, core/crash_point.h) or after a random delay from outside. Whatever the
// moment, the Iceberg table must scan to the rows before the change or to those after it (no
// duplicate, no missing row, nothing in between), and so must the import target; running the
// job again must bring both to the source's rows. Every round's table version is read back by
// icebird too. CI runs 12 rounds on SQLite and 8 on PostgreSQL; ICESYNC_KILL_ROUNDS=N runs
// N of each, ICESYNC_TEST_SEED=S another seed.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "testing/export_support.h"
#include "testing/icebird_checks.h"
#include "testing/import_support.h"
#include "testing/engine_test.h"
#include "testing/random_table.h"

namespace icesync::testing {
namespace {

using sync::testing::ExpectSameLines;
using sync::testing::IcebirdChecks;
using sync::testing::Icesync;
using sync::testing::ScanRows;

const char* const kSyncPoints[] = {"extract", "data-written", "files-written", "commit", "committed"};
const char* const kImportPoints[] = {"import-staging", "import-staged", "import-applied"};

class RandomKillTest : public EngineTest {
 protected:
  std::string prefix() const override { return "kill"; }

  // Runs `icesync <args>` and SIGKILLs it: at crash point `point`, or (point empty) after
  // `delay_ms` from outside, when it has not finished by then.
  CommandResult RunKilled(const std::string& args, const std::string& point, int delay_ms) {
    const std::string command = ShellQuote(IcesyncBinary()) + " " + args;
    if (!point.empty()) return RunCommand("ICESYNC_CRASH_AT=" + point + " " + command);
    return RunCommand(fmt::format("{} & pid=$!; sleep {}.{:03}; kill -9 $pid 2>/dev/null; wait $pid", command,
                                  delay_ms / 1000, delay_ms % 1000));
  }

  // Expects `actual` to be `before` or `after` (a kill leaves no state in between).
  static void ExpectOneOf(const std::string& before, const std::string& after, const std::string& actual,
                          const std::string& what) {
    if (actual == before || actual == after) return;
    ExpectSameLines(after, actual, what + " (neither the rows before the job nor those after it)");
  }

  void Run(Engine engine, const std::string& source, const std::string& target, int64_t rounds, uint64_t seed) {
    RandomTable t(seed, engine, fmt::format("kill_{}", seed));
    const std::string to = "kill." + t.name();
    const std::string table_dir = warehouse() + "/kill/" + t.name();
    const std::string detect = t.Draw() % 2 ? "--detect full" : "--detect timestamp:updated_at --detect-deletes";
    const std::string partition = t.RandomPartitionBy();
    SCOPED_TRACE(fmt::format("ICESYNC_TEST_SEED={} ({}{}), schema {}", seed, detect,
                             partition.empty() ? "" : ", --partition-by " + partition, t.Describe()));
    // Small batches, so that a kill from outside may land between two of them.
    const std::string sync = "sync --source " + ShellQuote(source) + " --table " + ShellQuote(t.name()) +
                             " --warehouse " + ShellQuote(warehouse()) + " --to " + to + " --json --batch-rows 3 " +
                             detect + (partition.empty() ? "" : " --partition-by " + ShellQuote(partition));
    const std::string import = "import --warehouse " + ShellQuote(warehouse()) + " --from " + to + " --target " +
                               ShellQuote(target) + " --table " + ShellQuote(t.name()) +
                               " --json --strategy upsert --create --batch-rows 2";
    t.Create(source, 10 + static_cast<int>(t.Draw() % 30));
    if (HasFatalFailure()) return;
    CommandResult first = RunCommand(ShellQuote(IcesyncBinary()) + " " + sync + " && " +
                                     ShellQuote(IcesyncBinary()) + " " + import);
    ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
    std::string before = t.ExpectedLines();
    IcebirdChecks icebird;
    int64_t kills = 0;
    for (int64_t round = 1; round <= rounds && !HasFailure(); ++round) {
      t.ApplyRandomChanges(source);
      if (HasFatalFailure()) return;
      const std::string after = t.ExpectedLines();
      const bool kill_import = t.Draw() % 2 == 0;
      const std::string point = t.Draw() % 3 == 0 ? ""
                                : kill_import     ? kImportPoints[t.Draw() % std::size(kImportPoints)]
                                                  : kSyncPoints[t.Draw() % std::size(kSyncPoints)];
      const int delay_ms = static_cast<int>(t.Draw() % 250);
      SCOPED_TRACE(fmt::format("round {}: {} killed {}", round, kill_import ? "import" : "sync",
                               point.empty() ? fmt::format("after {} ms", delay_ms) : "at " + point));
      if (kill_import) {
        CommandResult synced = Icesync(sync);
        ASSERT_EQ(synced.exit_code, 0) << synced.err << synced.out;
      }
      CommandResult killed = RunKilled(kill_import ? import : sync, point, delay_ms);
      EXPECT_TRUE(killed.exit_code == 0 || killed.exit_code == 128 + 9) << killed.exit_code << killed.err;
      kills += killed.exit_code == 128 + 9 ? 1 : 0;
      if (kill_import) {
        ExpectOneOf(before, after, load::testing::TargetRows(target, t.name()), "the target after the kill");
      } else {
        ExpectOneOf(before, after, ScanRows(warehouse(), to), "icesync scan after the kill");
      }
      // Run again (the sync too when the import was killed: it must find nothing to do).
      CommandResult again = Icesync(sync);
      ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
      CommandResult imported = Icesync(import);
      ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
      ExpectSameLines(after, ScanRows(warehouse(), to), "icesync scan after the re-run");
      ExpectSameLines(after, load::testing::TargetRows(target, t.name()), "the target after the re-run");
      icebird.Add(table_dir, after, fmt::format("round {} (ICESYNC_TEST_SEED={})", round, seed));
      before = after;
    }
    icebird.Verify();
    // Most jobs must really die (a crash point a job did not reach, or a delay longer than the
    // job, lets it finish): a test whose kills all came too late would prove nothing.
    EXPECT_GE(kills * 3, rounds) << kills << " of " << rounds << " jobs were killed";
  }

};

TEST_P(RandomKillTest, KilledSyncsAndImportsConverge) {
  Run(GetParam(), source_, target_, EnvCount("ICESYNC_KILL_ROUNDS", sqlite() ? 12 : 8), TestSeed(sqlite() ? 3000 : 4000));
}

ICESYNC_FOR_EACH_ENGINE(RandomKillTest);

}  // namespace
}  // namespace icesync::testing
