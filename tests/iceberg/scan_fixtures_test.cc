// Conformance: `icesync scan --format jsonl --allow-moved-paths` on the third-party tables in
// ../shared/iceberg-fixtures returns exactly their expected/*.jsonl rows (compared after a
// bytewise sort of the lines, which is how the expected files are ordered), for the current
// state and for every snapshot with an expected file. FIXTURES.md describes each table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "testing/test_util.h"

namespace icesync {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::IcesyncBinary;
using testing::ReadFile;
using testing::RunCommand;
using testing::SharedDir;
using testing::ShellQuote;

// Every table FIXTURES.md lists; the ListsEveryFixture test keeps this in step with the corpus.
const std::vector<std::string>& FixtureNames() {
  static const std::vector<std::string> names = {
      "duckdb-iceberg-add_columns_with_defaults",
      "duckdb-iceberg-equality_delete_cross_partition",
      "duckdb-iceberg-equality_deletes-mytable",
      "duckdb-iceberg-equality_deletes-mytable_partitioned",
      "duckdb-iceberg-partition_binary",
      "duckdb-iceberg-partition_decimal_hugeint",
      "duckdb-iceberg-partition_fixed_length_binary",
      "duckdb-iceberg-partition_time",
      "duckdb-iceberg-partition_timestamp",
      "duckdb-iceberg-partition_timestamptz",
      "duckdb-iceberg-uuid",
      "icebird-athena-example",
      "icebird-java-bunnies",
      "icebird-spark-bunnies",
      "icebird-spark-rename_column",
  };
  return names;
}

// Fixtures that cannot be read yet, with the reason (kept out of the parametrized test so
// the suite stays green; ListsEveryFixture still accounts for them).
const std::map<std::string, std::string>& BlockedFixtures() {
  static const std::map<std::string, std::string> blocked = {};
  return blocked;
}

std::string FixturesDir() {
  const std::string shared = SharedDir();
  if (shared.empty() || !fs::is_directory(shared + "/iceberg-fixtures")) return "";
  return shared + "/iceberg-fixtures";
}

std::string SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

CommandResult Scan(const std::string& table_dir, const std::string& extra) {
  return RunCommand(ShellQuote(IcesyncBinary()) + " scan " + ShellQuote(table_dir) +
                    " --format jsonl --allow-moved-paths " + extra);
}

// Checks current.jsonl and every snapshot-<id>.jsonl of one fixture; returns how many
// expected files matched (each mismatch is also a test failure).
int CheckFixture(const std::string& name) {
  const std::string dir = FixturesDir() + "/" + name;
  int matched = 0;
  for (const auto& entry : fs::directory_iterator(dir + "/expected")) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".jsonl") continue;
    std::string extra;
    if (file.rfind("snapshot-", 0) == 0) {
      extra = "--snapshot " + file.substr(9, file.size() - 9 - 6);
    } else if (file != "current.jsonl") {
      ADD_FAILURE() << "unexpected expected file " << file;
      continue;
    }
    SCOPED_TRACE(name + " " + file);
    CommandResult r = Scan(dir, extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string expected = ReadFile(entry.path().string());
    const std::string got = SortedLines(r.out);
    EXPECT_EQ(got, expected);
    // The expected files are already sorted, so this compares exactly what scan printed.
    if (r.exit_code == 0 && got == expected) ++matched;
  }
  return matched;
}

class ScanFixturesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  }
};

TEST_P(ScanFixturesTest, MatchesEveryExpectedFile) {
  EXPECT_GE(CheckFixture(GetParam()), 1);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ScanFixturesTest, ::testing::ValuesIn(FixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return n;
                         });

TEST(ScanFixturesMetaTest, ListsEveryFixture) {
  if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(FixturesDir())) {
    if (entry.is_directory()) on_disk.insert(entry.path().filename().string());
  }
  std::set<std::string> listed(FixtureNames().begin(), FixtureNames().end());
  for (const auto& [name, reason] : BlockedFixtures()) listed.insert(name);
  EXPECT_EQ(on_disk, listed);
}

// The snapshot whose manifest list is missing fails cleanly, naming the file; the leftover
// manifest lists in the directory (same snapshot id, other names) are never used instead.
TEST(ScanFixturesMetaTest, MissingManifestListIsANotFoundErrorNamingTheFile) {
  if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  CommandResult r = Scan(FixturesDir() + "/duckdb-iceberg-equality_deletes-mytable", "--snapshot 7342794868382145167");
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("snap-7342794868382145167-1-34f7dec7"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

// Without --allow-moved-paths, a table whose metadata names s3a:// files is refused with a
// hint rather than read from somewhere unexpected.
TEST(ScanFixturesMetaTest, MovedTableNeedsTheFlag) {
  if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  CommandResult r = RunCommand(ShellQuote(IcesyncBinary()) + " scan " +
                               ShellQuote(FixturesDir() + "/icebird-spark-bunnies"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--allow-moved-paths"), std::string::npos) << r.err;
}

// Time travel by time: the snapshot log of icebird-java-bunnies has three snapshots at
// 1743410783083, ...793010 and ...800565 ms; a time between two reads the older one.
TEST(ScanFixturesMetaTest, AsOfReadsTheSnapshotCurrentAtThatTime) {
  if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  const std::string dir = FixturesDir() + "/icebird-java-bunnies";
  struct Case {
    std::string as_of;
    std::string expected_file;
  };
  for (const Case& c : std::vector<Case>{
           {"1743410783083", "snapshot-4951213507629824583.jsonl"},
           {"1743410793009", "snapshot-4951213507629824583.jsonl"},
           {"1743410793010", "snapshot-6458828015811002920.jsonl"},
           {"2025-03-31T08:46:35+00:00", "snapshot-6458828015811002920.jsonl"},  // 1743410795000
           {"2030-01-01T00:00:00", "snapshot-9158179788527662767.jsonl"},
       }) {
    SCOPED_TRACE(c.as_of);
    CommandResult r = Scan(dir, "--as-of " + ShellQuote(c.as_of));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(SortedLines(r.out), ReadFile(dir + "/expected/" + c.expected_file));
  }
  CommandResult before = Scan(dir, "--as-of 1743410783082");
  EXPECT_EQ(before.exit_code, 5) << before.err;
}

TEST(ScanFixturesMetaTest, LimitSortAndCsv) {
  if (FixturesDir().empty()) GTEST_SKIP() << "../shared/iceberg-fixtures is absent";
  const std::string dir = FixturesDir() + "/icebird-spark-bunnies";
  const std::string expected = ReadFile(dir + "/expected/current.jsonl");
  CommandResult sorted = Scan(dir, "--sort");
  ASSERT_EQ(sorted.exit_code, 0) << sorted.err;
  EXPECT_EQ(sorted.out, expected);

  CommandResult limited = Scan(dir, "--limit 3");
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(std::count(limited.out.begin(), limited.out.end(), '\n'), 3);

  CommandResult csv = RunCommand(ShellQuote(IcesyncBinary()) + " scan " + ShellQuote(FixturesDir() + "/icebird-athena-example") +
                                 " --allow-moved-paths --format csv --sort");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "id,name\n1,Alice\n2,Bob\n");
}

}  // namespace
}  // namespace icesync
