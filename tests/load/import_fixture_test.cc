// A table written by Spark (../shared/iceberg-fixtures/icebird-spark-bunnies, FIXTURES.md):
// imported snapshot by snapshot into SQLite, the second step incremental (Spark's
// merge-on-read position delete of Holland Lop), the third a full read (the table rewritten
// by an overwrite with an added column). The target must hold what `icesync scan` reads.
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/import_support.h"

namespace icesync::load::testing {
namespace {

using sync::testing::ExpectSameLines;
using sync::testing::Icesync;
using icesync::testing::TempDir;

const char* kV1 = "7505300640432048841";  // 21 rows
const char* kV2 = "469881615898633426";   // position delete: 20 rows

std::string Fixture() { return icesync::testing::SharedDir() + "/iceberg-fixtures/icebird-spark-bunnies"; }

std::string Scan(const std::string& snapshot) {
  CommandResult r = Icesync("scan --format jsonl --sort --allow-moved-paths " + ShellQuote(Fixture()) +
                            (snapshot.empty() ? "" : " --snapshot " + snapshot));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(ImportSparkFixture, BunniesSnapshotBySnapshot) {
  if (!std::filesystem::exists(Fixture())) GTEST_SKIP() << "no " << Fixture() << " (../shared beside the checkout)";
  TempDir dir;
  const std::string url = "sqlite://" + dir.file("target.db");
  auto import = [&](const std::string& table, const std::string& extra) {
    CommandResult r = RunImport(dir.file("lake"), Fixture(), url, table,
                                "--allow-moved-paths --strategy upsert --key 'Breed Name' --create " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  std::string out = import("bunnies", std::string("--snapshot ") + kV1);
  EXPECT_NE(out.find("\"inserted\":21"), std::string::npos) << out;
  ExpectSameLines(Scan(kV1), TargetRows(url, "bunnies"), "snapshot 1");

  out = import("bunnies", std::string("--snapshot ") + kV2);
  EXPECT_NE(out.find("\"full_read\":false"), std::string::npos) << out;
  EXPECT_NE(out.find("\"deleted\":1"), std::string::npos) << out;
  ExpectSameLines(Scan(kV2), TargetRows(url, "bunnies"), "snapshot 2 (position delete)");

  // The current snapshot has an added column: a new target created from its schema.
  out = import("bunnies_now", "");
  EXPECT_NE(out.find("\"inserted\":20"), std::string::npos) << out;
  ExpectSameLines(Scan(""), TargetRows(url, "bunnies_now"), "current snapshot");
  // The first target lacks the added column: a clear error naming it and the fix.
  CommandResult r = RunImport(dir.file("lake"), Fixture(), url, "bunnies",
                              "--allow-moved-paths --strategy upsert --key 'Breed Name'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no column 'breed_name_length'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace icesync::load::testing
