// `icesync diff` through the real binary, on real SQLite files and the Iceberg tables
// `icesync export` wrote: equal after an export; rows missing, extra and changed afterwards,
// found by key with the first differing column; composite keys; a target database; values
// compared under the type mapping (decimals SQLite keeps as text equal Iceberg decimals).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

class DiffTest : public ExportFixture {
 protected:
  std::string target_path() const { return dir_.file("target.db"); }
  std::string target_url() const { return "sqlite://" + target_path(); }

  // Runs SQL on a SQLite file with the sqlite3 shell (as another program would write it).
  void Sql(const std::string& path, const std::string& sql) {
    CommandResult r = icesync::testing::RunCommand("sqlite3 " + ShellQuote(path) + " " + ShellQuote(sql));
    ASSERT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  }
  void ExportOk(const std::string& table, const std::string& to, const std::string& extra = "") {
    CommandResult r = Export(sqlite_url(), table, to, extra);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Diff(const std::string& table, const std::string& iceberg, const std::string& extra = "") {
    return Icesync("diff --source " + ShellQuote(sqlite_url()) + " --table " + ShellQuote(table) + " --warehouse " +
                   ShellQuote(warehouse()) + " --iceberg " + ShellQuote(iceberg) + (extra.empty() ? "" : " " + extra));
  }
  // `diff --json`: checks the exit code and returns the object it printed.
  nlohmann::json DiffJson(const std::string& table, const std::string& iceberg, int exit_code,
                          const std::string& extra = "") {
    CommandResult r = Diff(table, iceberg, "--json " + extra);
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  // "<left>/<right>:<key>" per difference, e.g. "source/iceberg:{"id":"3"}".
  static std::vector<std::string> Keys(const nlohmann::json& list) {
    std::vector<std::string> out;
    for (const auto& d : list) out.push_back(d.at("left").get<std::string>() + "/" + d.value("right", "") + ":" + d.at("key").dump());
    return out;
  }

  // An orders table as users' SQLite files hold it: DECIMAL(10,2) values written as text and
  // as reals, dates as text.
  void CreateOrders() {
    Sql(sqlite_path(),
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount DECIMAL(10,2), placed DATE, "
        "note NVARCHAR(20));"
        "INSERT INTO orders VALUES (1, 'ann', '12.5', '2024-01-02', 'first'), (2, 'bob', 7, '2024-02-03', NULL),"
        " (3, 'cy', '0.10', '2024-03-04', 'caf\xc3\xa9'), (4, 'dee', -99999999.99, '2024-04-05', ''),"
        " (5, 'eve', NULL, NULL, 'x');");
  }
};

TEST_F(DiffTest, EqualAfterExport) {
  CreateOrders();
  ExportOk("orders", "shop.orders");
  nlohmann::json j = DiffJson("orders", "shop.orders", 0);
  EXPECT_EQ(j["equal"], true) << j.dump();
  EXPECT_EQ(j["source_rows"], 5);
  EXPECT_EQ(j["iceberg_rows"], 5);
  EXPECT_TRUE(j["target_rows"].is_null());
  EXPECT_EQ(j["key"], nlohmann::json::array({"id"}));
  EXPECT_TRUE(j["missing"].empty() && j["extra"].empty() && j["different"].empty()) << j.dump();
  EXPECT_EQ(j["buckets_compared"], 0);  // equal tables are read once per side

  CommandResult text = Diff("orders", "shop.orders");
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "equal: source 5 rows, iceberg 5 rows\n");
}

TEST_F(DiffTest, MissingExtraAndChangedRows) {
  CreateOrders();
  ExportOk("orders", "shop.orders");
  Sql(sqlite_path(),
      "DELETE FROM orders WHERE id = 2;"                              // only in Iceberg
      "INSERT INTO orders VALUES (6, 'fay', '1.00', '2024-06-07', NULL);"  // only in the source
      "UPDATE orders SET amount = '12.51' WHERE id = 1;"                    // first differing column: amount
      "UPDATE orders SET note = NULL, placed = '2025-01-01' WHERE id = 3;"  // placed comes before note
      "UPDATE orders SET amount = '0.100' WHERE id = 4;");
  nlohmann::json j = DiffJson("orders", "shop.orders", 1);
  EXPECT_EQ(j["equal"], false);
  EXPECT_EQ(j["source_rows"], 5);
  EXPECT_EQ(j["iceberg_rows"], 5);
  EXPECT_EQ(Keys(j["missing"]), std::vector<std::string>{"source/iceberg:{\"id\":\"6\"}"}) << j.dump();
  EXPECT_EQ(Keys(j["extra"]), std::vector<std::string>{"source/iceberg:{\"id\":\"2\"}"}) << j.dump();
  ASSERT_EQ(j["different"].size(), 3u) << j.dump();
  EXPECT_EQ(j["different"][0]["key"], nlohmann::json({{"id", "1"}}));
  EXPECT_EQ(j["different"][0]["column"], "amount");
  EXPECT_EQ(j["different"][0]["left_value"], "\"12.51\"");
  EXPECT_EQ(j["different"][0]["right_value"], "\"12.5\"");
  EXPECT_EQ(j["different"][1]["key"], nlohmann::json({{"id", "3"}}));
  EXPECT_EQ(j["different"][1]["column"], "placed");
  EXPECT_EQ(j["different"][2]["key"], nlohmann::json({{"id", "4"}}));
  EXPECT_EQ(j["different"][2]["column"], "amount");

  CommandResult text = Diff("orders", "shop.orders");
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("source/iceberg: missing from iceberg: {\"id\":\"6\"}"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("source/iceberg: extra in iceberg: {\"id\":\"2\"}"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("column amount: source \"12.51\", iceberg \"12.5\""), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not equal: source 5 rows, iceberg 5 rows; 1 missing, 1 extra, 3 different"),
            std::string::npos)
      << text.out;

  // The same answer when every bucket is read again and only one row is held at a time.
  nlohmann::json small = DiffJson("orders", "shop.orders", 1, "--buckets 2 --max-rows-in-memory 1");
  for (const char* list : {"missing", "extra", "different"}) EXPECT_EQ(small[list], j[list]) << list;
  EXPECT_EQ(small["buckets"], 2);

  // A snapshot taken after the changes equals the source; the first one still differs.
  const int64_t first = j["snapshot_id"].get<int64_t>();
  ExportOk("orders", "shop.orders", "--replace");
  EXPECT_EQ(DiffJson("orders", "shop.orders", 0)["equal"], true);
  EXPECT_EQ(DiffJson("orders", "shop.orders", 1, "--snapshot " + std::to_string(first))["extra"].size(), 1u);
}

TEST_F(DiffTest, CompositeKeys) {
  Sql(sqlite_path(),
      "CREATE TABLE lines (region TEXT NOT NULL, id INTEGER NOT NULL, qty INTEGER, PRIMARY KEY (region, id));"
      "INSERT INTO lines VALUES ('eu', 1, 10), ('eu', 2, 20), ('us', 1, 30), ('us', 2, 40);");
  ExportOk("lines", "shop.lines");
  EXPECT_EQ(DiffJson("lines", "shop.lines", 0)["key"], nlohmann::json::array({"region", "id"}));
  Sql(sqlite_path(), "UPDATE lines SET qty = 31 WHERE region = 'us' AND id = 1; DELETE FROM lines WHERE region = 'eu' AND id = 2;");
  nlohmann::json j = DiffJson("lines", "shop.lines", 1);
  EXPECT_EQ(Keys(j["extra"]), std::vector<std::string>{"source/iceberg:{\"id\":\"2\",\"region\":\"eu\"}"}) << j.dump();
  ASSERT_EQ(j["different"].size(), 1u) << j.dump();
  EXPECT_EQ(j["different"][0]["key"], nlohmann::json({{"region", "us"}, {"id", "1"}}));
  EXPECT_EQ(j["different"][0]["column"], "qty");
  // --key chooses other columns: by id alone, each id is on two rows of every side.
  nlohmann::json by_id = DiffJson("lines", "shop.lines", 1, "--key id");
  EXPECT_FALSE(by_id["duplicates"].empty()) << by_id.dump();
}

TEST_F(DiffTest, TargetDatabase) {
  CreateOrders();
  ExportOk("orders", "shop.orders");
  // The target: a copy made with SQL in a second file, with its own declared types (amounts
  // with four decimals): values compare by value, so 12.5000 equals 12.50.
  Sql(target_path(), "ATTACH " + ShellQuote(sqlite_path()) + " AS src;"
      "CREATE TABLE orders_copy (id INTEGER PRIMARY KEY, customer TEXT, amount DECIMAL(12,4), placed DATE, "
      "note TEXT);"
      "INSERT INTO orders_copy SELECT * FROM src.orders;");
  const std::string target = "--target " + ShellQuote(target_url()) + " --target-table orders_copy";
  nlohmann::json j = DiffJson("orders", "shop.orders", 0, target);
  EXPECT_EQ(j["equal"], true) << j.dump();
  EXPECT_EQ(j["target_rows"], 5);

  Sql(target_path(), "UPDATE orders_copy SET customer = 'Ann' WHERE id = 1; DELETE FROM orders_copy WHERE id = 5;"
                     "INSERT INTO orders_copy VALUES (9, 'zed', 1, NULL, NULL);");
  j = DiffJson("orders", "shop.orders", 1, target);
  EXPECT_EQ(j["target_rows"], 5);
  EXPECT_EQ(Keys(j["missing"]), std::vector<std::string>{"iceberg/target:{\"id\":\"5\"}"}) << j.dump();
  EXPECT_EQ(Keys(j["extra"]), std::vector<std::string>{"iceberg/target:{\"id\":\"9\"}"}) << j.dump();
  ASSERT_EQ(j["different"].size(), 1u);
  EXPECT_EQ(j["different"][0]["left"], "iceberg");
  EXPECT_EQ(j["different"][0]["right"], "target");
  EXPECT_EQ(j["different"][0]["column"], "customer");
}

// Decimals SQLite keeps as text (DECIMAL_TEXT: TEXT affinity, written with other scales and
// leading zeros by another program) equal the Iceberg decimals they were exported to; a value
// that differs in the last digit does not.
TEST_F(DiffTest, DecimalsStoredAsTextEqualIcebergDecimals) {
  Sql(sqlite_path(),
      "CREATE TABLE prices (sku TEXT PRIMARY KEY, price DECIMAL_TEXT(20,6), big DECIMAL_TEXT(38,10));"
      "INSERT INTO prices VALUES ('a', '1.5', '1234567890123456789012345678.0123456789'),"
      " ('b', '0012.340000', '-0.0000000001'), ('c', '-7', '0'), ('d', NULL, NULL);");
  ExportOk("prices", "shop.prices");
  EXPECT_EQ(DiffJson("prices", "shop.prices", 0)["equal"], true);
  Sql(sqlite_path(), "UPDATE prices SET big = '1234567890123456789012345678.0123456788' WHERE sku = 'a';");
  nlohmann::json j = DiffJson("prices", "shop.prices", 1);
  ASSERT_EQ(j["different"].size(), 1u) << j.dump();
  EXPECT_EQ(j["different"][0]["column"], "big");
  EXPECT_EQ(j["different"][0]["left_value"], "\"1234567890123456789012345678.0123456788\"");
}

TEST_F(DiffTest, ErrorsHaveTheirExitCodes) {
  CreateOrders();
  Sql(sqlite_path(), "CREATE TABLE nokey (a INTEGER, b TEXT); INSERT INTO nokey VALUES (1, 'x');");
  ExportOk("orders", "shop.orders");
  ExportOk("nokey", "shop.nokey");
  struct Case {
    const char* what;
    std::string table, iceberg, extra;
    int exit_code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"missing source table", "nope", "shop.orders", "", 5, "nope"},
      {"missing Iceberg table", "orders", "shop.nope", "", 5, "shop"},
      {"no key anywhere", "nokey", "shop.nokey", "", 2, "--key"},
      {"unknown key column", "orders", "shop.orders", "--key zzz", 2, "zzz"},
      {"target table without a target", "orders", "shop.orders", "--target-table x", 2, "--target"},
      {"bad snapshot id", "orders", "shop.orders", "--snapshot abc", 2, "abc"},
      {"missing snapshot", "orders", "shop.orders", "--snapshot 12345", 5, "12345"},
      {"unreachable target", "orders", "shop.orders", "--target 'postgresql://nobody@127.0.0.1:1/none'", 3, "127.0.0.1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    CommandResult r = Diff(c.table, c.iceberg, c.extra);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE(r.err.find("icesync: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  // With --key, a table without a primary key compares too.
  EXPECT_EQ(DiffJson("nokey", "shop.nokey", 0, "--key a")["equal"], true);
}

TEST_F(DiffTest, HelpShowsExamplesAndExitCodes) {
  CommandResult help = Icesync("diff --help");
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* part : {"Examples:", "icesync diff --source sqlite:///", "--target-table", "--snapshot",
                           "Exit codes: 0 equal, 1 not equal", "docs/type-mapping.md"}) {
    EXPECT_NE(help.out.find(part), std::string::npos) << part << " in:\n" << help.out;
  }
  CommandResult top = Icesync("--help");
  EXPECT_NE(top.out.find("icesync diff"), std::string::npos) << top.out;
}

}  // namespace
}  // namespace icesync::sync::testing
