// `icesync demo`: runs from any directory, writes only there, can be run again (each run
// starts afresh), ends with source, Iceberg and target proven equal by diff, and its tables
// (with the second run's position deletes) read back in DuckDB and icebird as icesync scans them.
#include <gtest/gtest.h>

#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;
using icesync::testing::RunCommand;

TEST(DemoTest, TellsTheStoryAndEndsEqualEveryRun) {
  TempDir cwd;
  const std::string demo = "cd " + ShellQuote(cwd.path().string()) + " && " +
                           ShellQuote(icesync::testing::IcesyncBinary()) + " demo --rows 2000";
  for (int run = 1; run <= 2; ++run) {
    SCOPED_TRACE(run);
    CommandResult r = RunCommand(demo);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("customers  EQUAL"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("orders     EQUAL"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("in the target"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("icesync run again"), std::string::npos) << r.out;
  }
  EXPECT_TRUE(fs::exists(cwd.file("demo-source.db")));
  EXPECT_TRUE(fs::exists(cwd.file("demo-target.db")));
  EXPECT_TRUE(fs::exists(cwd.file("sync.yaml")));
  const std::string warehouse = cwd.file("demo-warehouse");
  for (const char* target : {"demo.customers", "demo.orders"}) {
    SCOPED_TRACE(target);
    const std::string table_dir = warehouse + "/demo/" + std::string(target).substr(5);
    iceberg::Table t = LoadTable(table_dir);
    EXPECT_EQ(t.metadata.snapshots.size(), 2u) << "a full first sync, then only the changes";
    // The rows icesync scans are the source's rows (count from the sqlite3 CLI) ...
    const std::string rows = ScanRows(warehouse, target);
    CommandResult count = RunCommand("sqlite3 " + ShellQuote(cwd.file("demo-source.db")) + " 'SELECT count(*) FROM " +
                                     std::string(target).substr(5) + "'");
    ASSERT_EQ(count.exit_code, 0) << count.err;
    EXPECT_EQ(std::to_string(LineCount(rows)) + "\n", count.out);
    // ... and other readers, applying the position deletes, see the same.
    ExpectSameLines(rows, DuckdbRowsWithDeletes(table_dir), "DuckDB applying the deletes");
    ExpectSameLines(IcebirdForm(table_dir, rows), IcebirdRows(table_dir), "icebird");
  }
  // The copied sync.yaml runs as it is: nothing new.
  CommandResult again = RunCommand("cd / && " + ShellQuote(icesync::testing::IcesyncBinary()) + " run -c " +
                                   ShellQuote(cwd.file("sync.yaml")) + " --json");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("\"failed\":0"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("\"status\":\"ok\""), std::string::npos) << "nothing changed: " << again.out;

  // With --dir, nothing is written to the current directory.
  TempDir other, elsewhere;
  CommandResult with_dir = RunCommand("cd " + ShellQuote(elsewhere.path().string()) + " && " +
                                      ShellQuote(icesync::testing::IcesyncBinary()) + " demo --rows 100 --dir " +
                                      ShellQuote(other.path().string()));
  ASSERT_EQ(with_dir.exit_code, 0) << with_dir.err << with_dir.out;
  EXPECT_TRUE(fs::exists(other.file("demo-warehouse/demo/orders/metadata/v1.metadata.json")));
  EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

}  // namespace
}  // namespace icesync::sync::testing
