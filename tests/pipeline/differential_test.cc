// Randomized differential test of the whole pipeline, source -> Iceberg -> target, on real
// SQLite files and the test PostgreSQL: random tables (tests/testing/random_table.h) change by
// random batches of inserts, updates (some moving the key) and deletes; after each batch the
// real binary runs `icesync sync` (full or timestamp detection, mirror mode with deletes,
// sometimes partitioned, small batches and files) and `icesync import --strategy upsert`, and
// the rows the model holds must equal, row by row, the source, `icesync scan`, icebird (every
// round's version, read at the end in one node process) and the target table.
//
// CI runs 100 rounds on SQLite and 100 on PostgreSQL (about 25 s and 45 s on an idle machine: a
// PostgreSQL round costs more, connections); ICESYNC_DIFF_ROUNDS=N runs N of each, ICESYNC_TEST_SEED=S another seed (a
// failure prints the seed and the table's options to reproduce it).
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

constexpr int kRoundsPerTable = 10;

class DifferentialTest : public EngineTest {
 protected:
  std::string prefix() const override { return "diff"; }

  // Rounds over tables of `engine`, kRoundsPerTable rounds each, `rounds` in all.
  void Run(Engine engine, const std::string& source, const std::string& target, int64_t rounds, uint64_t seed) {
    IcebirdChecks icebird;
    for (int64_t table = 0; table * kRoundsPerTable < rounds && !HasFailure(); ++table) {
      const int n = static_cast<int>(std::min<int64_t>(kRoundsPerTable, rounds - table * kRoundsPerTable));
      RunTable(engine, source, target, seed + static_cast<uint64_t>(table), n, icebird);
    }
    icebird.Verify();  // every table's every round, in one node process
  }

  void RunTable(Engine engine, const std::string& source, const std::string& target, uint64_t seed, int rounds,
                IcebirdChecks& icebird) {
    RandomTable t(seed, engine, fmt::format("diff_{}", seed));
    const std::string to = "diff." + t.name();
    const std::string detect =
        t.Draw() % 2 ? "--detect full" : "--detect timestamp:updated_at --detect-deletes";
    std::string tuning;
    if (t.Draw() % 3 == 0) tuning += fmt::format(" --batch-rows {}", 1 + t.Draw() % 7);
    if (t.Draw() % 4 == 0) tuning += " --target-file-size 4KB";
    const std::string partition = t.RandomPartitionBy();
    SCOPED_TRACE(fmt::format("ICESYNC_TEST_SEED={} table {} ({}{}{}), schema {}", seed, t.name(), detect, tuning,
                             partition.empty() ? "" : ", --partition-by " + partition, t.Describe()));
    t.Create(source, static_cast<int>(t.Draw() % 40));
    if (HasFatalFailure()) return;
    const std::string table_dir = warehouse() + "/diff/" + t.name();
    for (int round = 0; round <= rounds && !HasFailure(); ++round) {
      SCOPED_TRACE(fmt::format("round {}", round));
      if (round > 0) {
        t.ApplyRandomChanges(source);
        if (HasFailure()) return;
      }
      std::string args = "sync --source " + ShellQuote(source) + " --table " + ShellQuote(t.name()) +
                         " --warehouse " + ShellQuote(warehouse()) + " --to " + to + " --json " + detect + tuning;
      if (round == 0 && !partition.empty()) args += " --partition-by " + ShellQuote(partition);
      CommandResult synced = Icesync(args);
      ASSERT_EQ(synced.exit_code, 0) << synced.err << synced.out;
      CommandResult imported = load::testing::RunImport(warehouse(), to, target, t.name(), "--strategy upsert --create");
      ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;

      const std::string expected = t.ExpectedLines();
      ExpectSameLines(expected, load::testing::TargetRows(source, t.name()), "the source");
      ExpectSameLines(expected, ScanRows(warehouse(), to), "icesync scan");
      ExpectSameLines(expected, load::testing::TargetRows(target, t.name()), "the import target");
      icebird.Add(table_dir, expected, fmt::format("{} round {} (ICESYNC_TEST_SEED={})", t.name(), round, seed));
      if (round % 5 == 4) {  // nothing changed since: nothing to commit
        CommandResult again = Icesync(args);
        ASSERT_EQ(again.exit_code, 0) << again.err;
        EXPECT_NE(again.out.find("\"status\":\"unchanged\""), std::string::npos) << again.out;
      }
    }
  }

};

TEST_P(DifferentialTest, SourceIcebergAndTargetAgreeEveryRound) {
  Run(GetParam(), source_, target_, EnvCount("ICESYNC_DIFF_ROUNDS", 100), TestSeed(sqlite() ? 1000 : 2000));
}

ICESYNC_FOR_EACH_ENGINE(DifferentialTest);

}  // namespace
}  // namespace icesync::testing
