// `icesync export` with bad inputs: each fails with a message naming what is wrong (and the
// fix), with the exit code `icesync export --help` documents for it, and writes nothing:
// not even the warehouse directory of the new table appears.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/connection.h"
#include "testing/export_support.h"
#include "testing/postgres_server.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;

struct BadExport {
  const char* what;
  const char* table;
  const char* extra;  // more flags
  int exit_code;
  std::vector<const char*> message_parts;  // each must appear in stderr
};

class ExportErrorsTest : public ExportFixture {
 protected:
  void SetUp() override {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const char* sql : {"CREATE TABLE orders (id INTEGER PRIMARY KEY, d DATE, name TEXT)",
                            "INSERT INTO orders VALUES (1, '2024-01-02', 'a'), (2, '2024-02-03', 'b')",
                            "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount MONEY)",
                            "CREATE TABLE notes (title TEXT PRIMARY KEY, body TEXT)",
                            // SQLite takes any bytes in names; Iceberg's JSON metadata needs UTF-8.
                            "CREATE TABLE latin1 (id INTEGER PRIMARY KEY, \"caf\xe9\" TEXT)"}) {
      Status st = (*conn)->Execute(sql);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
  }
  // Runs the export and checks code, message and that the warehouse was not created.
  void ExpectFails(const std::string& source, const BadExport& c, const std::string& warehouse_dir = "") {
    SCOPED_TRACE(c.what);
    const std::string wh = warehouse_dir.empty() ? warehouse() : warehouse_dir;
    std::string args = "export --source " + ShellQuote(source) + " --warehouse " + ShellQuote(wh) + " --to shop.orders";
    if (*c.table) args += std::string(" --table ") + c.table;
    if (*c.extra) args += std::string(" ") + c.extra;
    CommandResult r = Icesync(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    for (const char* part : c.message_parts) EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' in: " << r.err;
    EXPECT_NE(r.err.find("icesync: error: "), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(wh)) << "a failed export created " << wh;
  }
};

TEST_F(ExportErrorsTest, BadInputsFailClearlyAndWriteNothing) {
  const std::vector<BadExport> cases = {
      {"missing table", "nope", "", 5, {"nope"}},
      {"unsupported column type", "prices", "", 6, {"amount", "MONEY", "DECIMAL(p,s)"}},
      {"column name not UTF-8", "latin1", "", 6, {"caf\\xE9", "latin1", "AS new_name"}},
      {"argument not UTF-8", "orders", "--where 'name = \"\xff\"'", 2, {"--where", "\\xFF", "UTF-8"}},
      {"parallel reads without an integer key", "notes", "--parallel 2", 6, {"--parallel", "single integer primary key"}},
      {"partition by an unknown column", "orders", "--partition-by 'month(nope)'", 2, {"nope"}},
      {"unknown transform", "orders", "--partition-by 'week(d)'", 2, {"week"}},
      {"bucket without N", "orders", "--partition-by 'bucket(id)'", 2, {"bucket(id)", "bucket(16, id)"}},
      {"bucket count beyond any integer", "orders", "--partition-by 'bucket(99999999999999999999, id)'", 2,
       {"99999999999999999999", "positive integer"}},
      {"transform not applicable to the type", "orders", "--partition-by 'month(name)'", 2, {"month", "name"}},
      {"unparsable target file size", "orders", "--target-file-size 12XB", 2, {"--target-file-size", "12XB"}},
      {"too small target file size", "orders", "--target-file-size 10", 2, {"--target-file-size", "1KB"}},
      {"neither table nor query", "", "", 2, {"--table", "--query"}},
      {"where without a table", "", "--query 'SELECT 1' --where 'id > 1'", 2, {"--where"}},
  };
  for (const BadExport& c : cases) ExpectFails(sqlite_url(), c);
  for (const char* target : {"nonamespace", "a/b.orders", "shop..orders"}) {
    SCOPED_TRACE(target);
    CommandResult r = Export(sqlite_url(), "orders", target);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("namespace.table"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(warehouse()));
  }
}

TEST_F(ExportErrorsTest, BadSourcesFailClearlyAndWriteNothing) {
  ExpectFails("sqlite://", {"sqlite URL without a file", "orders", "", 2, {"sqlite URL names no file"}});
  ExpectFails("oracle://db1/x", {"unknown URL scheme", "orders", "", 2, {"oracle", "postgresql://"}});
  ExpectFails("sqlite:///tmp/pass\xffword.db", {"source not UTF-8", "orders", "", 2, {"--source is not valid UTF-8"}});
  // A missing SQLite file is an error, not a new empty database.
  const std::string missing = dir_.file("typo.db");
  ExpectFails("sqlite://" + missing, {"missing SQLite file", "orders", "", 5, {"typo.db", "does not exist"}});
  EXPECT_FALSE(fs::exists(missing)) << "the export created the source file it was to read";
  // Nothing listens on this port: a database error naming the server.
  const std::string port = std::to_string(icesync::testing::FreeLocalPort());
  ExpectFails("postgresql://etl@127.0.0.1:" + port + "/shop",
              {"unreachable server", "public.orders", "", 3, {"127.0.0.1", port.c_str()}});
}

TEST_F(ExportErrorsTest, UnwritableWarehouseFailsBeforeConnecting) {
  // A warehouse below a regular file can never be created (this holds for root too).
  const std::string plain = dir_.file("plain-file");
  icesync::testing::WriteFile(plain, "x");
  ExpectFails(sqlite_url(), {"warehouse below a file", "orders", "", 7, {"plain-file", "not a directory"}},
              plain + "/lake");
  EXPECT_EQ(icesync::testing::ReadFile(plain), "x");
  // Checked before the source is opened: even a missing source reports the warehouse.
  ExpectFails("sqlite://" + dir_.file("missing.db"),
              {"warehouse below a file, missing source", "orders", "", 7, {"not a directory"}},
              dir_.file("plain-file") + "/lake");
  if (geteuid() == 0) {
    std::printf("[ note ] running as root: a read-only directory does not stop root, so only the file case ran\n");
    return;
  }
  const std::string ro = dir_.file("read-only");
  fs::create_directory(ro);
  ASSERT_EQ(chmod(ro.c_str(), 0555), 0);
  ExpectFails(sqlite_url(), {"read-only warehouse parent", "orders", "", 7, {"read-only", "permission denied"}},
              ro + "/lake");
  chmod(ro.c_str(), 0755);
}

// A value the column's type does not allow (SQLite keeps any value in any column), met after
// data files were already written and closed: a source error naming the table, column and
// value; the run removes what it wrote, so a new table leaves no trace and a replaced one
// keeps exactly its files.
TEST_F(ExportErrorsTest, BadSourceValueFailsAndLeavesNothingBehind) {
  auto conn = db::Connection::Open(sqlite_url());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)->Execute("CREATE TABLE events (id INTEGER PRIMARY KEY, d DATE, payload TEXT)").ok());
  ASSERT_TRUE((*conn)->Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
                               "INSERT INTO events SELECT i, date('2024-01-01', '+' || (i % 60) || ' days'), "
                               "hex(randomblob(64)) FROM n")
                  .ok());
  const std::string flags = "--partition-by 'month(d)' --target-file-size 4KB --batch-rows 50";
  CommandResult good = Export(sqlite_url(), "events", "shop.replaced", flags);
  ASSERT_EQ(good.exit_code, 0) << good.err;
  // Files roll within each partition: the failing runs below close files before the bad row.
  ASSERT_GT(CommittedDataFiles(TableDir("shop.replaced")).size(), 6u);
  const std::vector<std::string> files_before = FilesUnder(TableDir("shop.replaced"));
  ASSERT_TRUE((*conn)->Execute("INSERT INTO events VALUES (1000, 'not a date', 'x')").ok());

  CommandResult fresh = Export(sqlite_url(), "events", "shop.fresh", flags);
  EXPECT_EQ(fresh.exit_code, 3) << fresh.err;
  for (const char* part : {"events", "column d", "'not a date'", "--query"}) {
    EXPECT_NE(fresh.err.find(part), std::string::npos) << part << " in: " << fresh.err;
  }
  EXPECT_FALSE(fs::exists(warehouse() + "/shop/fresh")) << "the failed run left files behind";

  CommandResult replace = Export(sqlite_url(), "events", "shop.replaced", flags + " --replace");
  EXPECT_EQ(replace.exit_code, 3) << replace.err;
  EXPECT_EQ(FilesUnder(TableDir("shop.replaced")), files_before);
}

class PostgresExportErrorsTest : public ExportFixture {
 protected:
  void SetUp() override {
    std::string error;
    server_ = icesync::testing::PostgresServer::Shared(&error);
    if (server_ == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << error;
  }
  icesync::testing::PostgresServer* server_ = nullptr;
};

TEST_F(PostgresExportErrorsTest, UnsupportedPostgresTypesNameTheColumn) {
  server_->Psql(
      "DROP TABLE IF EXISTS export_geo, export_ranges;"
      "CREATE TABLE export_geo (id int PRIMARY KEY, location point);"
      "CREATE TABLE export_ranges (id int PRIMARY KEY, valid int4range);");
  for (const auto& [table, column] : {std::pair{"export_geo", "location"}, std::pair{"export_ranges", "valid"}}) {
    SCOPED_TRACE(table);
    CommandResult r = Export(server_->Url(), table, "shop.orders");
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find(column), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cast"), std::string::npos) << "the message should say how to fix it: " << r.err;
    EXPECT_FALSE(fs::exists(warehouse()));
  }
  CommandResult missing = Export(server_->Url(), "public.no_such_table", "shop.orders");
  EXPECT_EQ(missing.exit_code, 5) << missing.err;
  EXPECT_NE(missing.err.find("no_such_table"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(warehouse()));
}

// A value Iceberg cannot hold, met in the middle of the COPY stream (after files were written),
// fails as a source error naming the table and column, exactly as on the ODBC path and with
// parallel readers, and leaves nothing behind.
TEST_F(PostgresExportErrorsTest, BadValueMidCopyIsASourceErrorNamingTableAndColumn) {
  server_->Psql(
      "DROP TABLE IF EXISTS export_nan;"
      "CREATE TABLE export_nan (id int PRIMARY KEY, amount numeric(10,2));"
      "INSERT INTO export_nan SELECT g, g / 100.0 FROM generate_series(1, 5000) g;"
      "UPDATE export_nan SET amount = 'NaN' WHERE id = 4000;");
  for (const char* flags : {"", "--no-pg-copy", "--parallel 2"}) {
    SCOPED_TRACE(flags);
    CommandResult r = Export(server_->Url(), "export_nan", "shop.nan",
                             std::string("--batch-rows 50 --target-file-size 4KB ") + flags);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    for (const char* part : {"export_nan", "column amount", "NaN"}) {
      EXPECT_NE(r.err.find(part), std::string::npos) << part << " in: " << r.err;
    }
    EXPECT_FALSE(fs::exists(warehouse() + "/shop/nan")) << "the failed run left files behind";
  }
}

}  // namespace
}  // namespace icesync::sync::testing
