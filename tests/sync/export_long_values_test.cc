// `icesync export` of a SQLite table whose values exceed their columns' declared sizes, as
// users' SQLite files hold them: SQLite enforces neither sizes nor types, so NVARCHAR(100)
// keeps 4,000 characters and VARBINARY(10) keeps 5,000 bytes. The export carries them whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/canonical_json.h"
#include "db/connection.h"
#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

std::string Hex(const std::string& bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

TEST_F(ExportFixture, SqliteValuesLongerThanTheirDeclaredSizeExportWhole) {
  // 4,000 characters of 1- to 4-byte UTF-8 sequences, and 5,000 bytes of every byte value.
  std::string text;
  for (int i = 0; i < 1000; ++i) text += i % 2 == 0 ? "a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x8e\x89" : "\xf0\x9f\x8e\x89\xe6\x97\xa5\xc3\xa9z";
  std::string bytes(5000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
  {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    // Values as SQL literals, the way another program would have written them.
    for (const std::string& sql :
         {std::string("CREATE TABLE notes (id INTEGER PRIMARY KEY, title NVARCHAR(100), code VARBINARY(10))"),
          "INSERT INTO notes VALUES (1, '" + text + "', X'" + Hex(bytes) + "')",
          std::string("INSERT INTO notes VALUES (2, 'short', X'0102')"),
          std::string("INSERT INTO notes VALUES (3, NULL, NULL)")}) {
      Status st = (*conn)->Execute(sql);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
  }
  CommandResult r = Export(sqlite_url(), "notes", "shop.notes");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto schema = std::make_shared<Schema>(std::vector<Field>{{1, "id", DataType::Int64(), true},
                                                            {2, "title", DataType::String()},
                                                            {3, "code", DataType::Binary()}});
  RecordBatch expected(schema);
  expected.column(0).Append<int64_t>(1);
  expected.column(1).AppendBytes(text);
  expected.column(2).AppendBytes(bytes);
  expected.column(0).Append<int64_t>(2);
  expected.column(1).AppendBytes("short");
  expected.column(2).AppendBytes(std::string("\x01\x02"));
  expected.column(0).Append<int64_t>(3);
  expected.column(1).AppendNull();
  expected.column(2).AppendNull();
  const std::string lines = SortedCanonicalLines(expected);
  ExpectSameLines(lines, ScanRows(warehouse(), "shop.notes"), "icesync scan");
  ExpectSameLines(lines, DuckdbRows(TableDir("shop.notes")), "DuckDB");
}

// Identity partitioning on a long string: each value's directory name must stay within the
// filesystem's 255 bytes (the write failed with "File name too long" before), and two values
// that share a long prefix must still land in different directories.
TEST_F(ExportFixture, LongIdentityPartitionValuesGetShortDistinctDirectories) {
  const std::string prefix(300, 'p');
  {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const std::string& sql : {std::string("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT)"),
                                   "INSERT INTO notes VALUES (1, '" + prefix + "one'), (2, '" + prefix + "two'), (3, 'x')"}) {
      Status st = (*conn)->Execute(sql);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
  }
  CommandResult r = Export(sqlite_url(), "notes", "shop.notes", "--partition-by title");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameLines("{\"id\":\"1\",\"title\":\"" + prefix + "one\"}\n{\"id\":\"2\",\"title\":\"" + prefix +
                      "two\"}\n{\"id\":\"3\",\"title\":\"x\"}\n",
                  ScanRows(warehouse(), "shop.notes"), "icesync scan");
  std::set<std::string> directories;
  for (const std::string& file : CommittedDataFiles(TableDir("shop.notes"))) {
    const std::string dir = std::filesystem::path(file).parent_path().filename().string();
    EXPECT_LE(dir.size(), 255u) << dir;
    directories.insert(dir);
  }
  EXPECT_EQ(directories.size(), 3u);
  ExpectRowsInTheirPartitions(TableDir("shop.notes"));
}

}  // namespace
}  // namespace icesync::sync::testing
