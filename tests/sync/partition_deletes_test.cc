// A sync's position deletes reach rows of every partition, also of partitions whose directory
// names coincide: an identity partition on the string "null" and on a null are two partitions
// sharing the directory txt=null. The deletes used to be grouped by that directory name, so
// both partitions' deletes went into one file carrying one of the two partition tuples, and
// the rows of the other partition stayed visible (found by the differential test, seed 808001).
#include <gtest/gtest.h>

#include "db/connection.h"
#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

TEST_F(ExportFixture, SyncDeletesRowsOfPartitionsSharingADirectoryName) {
  auto conn = db::Connection::Open(sqlite_url());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto execute = [&](const std::string& sql) {
    Status st = (*conn)->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  };
  execute("CREATE TABLE items (id INTEGER PRIMARY KEY, txt TEXT)");
  execute("INSERT INTO items VALUES (1, 'null'), (2, NULL), (3, 'null'), (4, NULL)");
  const std::string sync = "sync --source " + ShellQuote(sqlite_url()) + " --table items --warehouse " +
                           ShellQuote(warehouse()) + " --to shop.items --detect full --json";
  CommandResult first = Icesync(sync + " --partition-by txt");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // One row of each partition deleted, one of each updated.
  execute("DELETE FROM items WHERE id IN (1, 2)");
  execute("UPDATE items SET id = id + 10");
  CommandResult second = Icesync(sync);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string expected = "{\"id\":\"13\",\"txt\":\"null\"}\n{\"id\":\"14\",\"txt\":null}\n";
  ExpectSameLines(expected, ScanRows(warehouse(), "shop.items"), "icesync scan");
  ExpectSameLines(expected, DuckdbRowsWithDeletes(TableDir("shop.items")), "DuckDB applying the position deletes");
  // Each delete file carries the partition of the rows it deletes.
  const LiveFiles files = CommittedFiles(TableDir("shop.items"));
  EXPECT_EQ(files.position_deletes.size(), 2u) << "one delete file per partition";
}

}  // namespace
}  // namespace icesync::sync::testing
