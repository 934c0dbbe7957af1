// `icesync demo`: runs from any directory, writes only there, can be run again (a new
// snapshot each time), and its tables read back in DuckDB and icebird as icesync scans them.
#include <gtest/gtest.h>

#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;
using icesync::testing::RunCommand;

TEST(DemoTest, RerunsInTheCurrentDirectoryAndReadsBackElsewhere) {
  TempDir cwd;
  const std::string demo = "cd " + ShellQuote(cwd.path().string()) + " && " + ShellQuote(icesync::testing::IcesyncBinary()) +
                           " demo --rows 500";
  CommandResult first = RunCommand(demo);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  CommandResult second = RunCommand(demo);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("snapshots so far: 2"), std::string::npos) << second.out;
  EXPECT_TRUE(fs::exists(cwd.file("demo-source.db")));

  const std::string warehouse = cwd.file("demo-warehouse");
  for (const char* target : {"demo.customers", "demo.orders"}) {
    SCOPED_TRACE(target);
    const std::string table_dir = warehouse + "/demo/" + (std::string(target) == "demo.orders" ? "orders" : "customers");
    iceberg::Table t = LoadTable(table_dir);
    EXPECT_EQ(t.metadata.snapshots.size(), 2u);
    // The rows icesync scans are the source's rows (count from the sqlite3 CLI) ...
    const std::string rows = ScanRows(warehouse, target);
    CommandResult count = RunCommand("sqlite3 " + ShellQuote(cwd.file("demo-source.db")) + " 'SELECT count(*) FROM " +
                                     std::string(target).substr(5) + "'");
    ASSERT_EQ(count.exit_code, 0) << count.err;
    EXPECT_EQ(std::to_string(LineCount(rows)) + "\n", count.out);
    EXPECT_GT(LineCount(rows), 0u);
    // ... and other readers see the same.
    ExpectReadersSeeRows(warehouse, target, table_dir, rows);
  }

  // With --dir, nothing is written to the current directory.
  TempDir other, elsewhere;
  CommandResult with_dir = RunCommand("cd " + ShellQuote(elsewhere.path().string()) + " && " +
                                      ShellQuote(icesync::testing::IcesyncBinary()) + " demo --rows 100 --dir " +
                                      ShellQuote(other.path().string()));
  ASSERT_EQ(with_dir.exit_code, 0) << with_dir.err;
  EXPECT_TRUE(fs::exists(other.file("demo-warehouse/demo/orders/metadata/v1.metadata.json")));
  EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

}  // namespace
}  // namespace icesync::sync::testing
