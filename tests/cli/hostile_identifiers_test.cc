// Hostile identifiers through every command, on SQLite and PostgreSQL: a source table and
// columns named with double quotes, square brackets, spaces, unicode and reserved words, the
// cursor and key columns among them, a target table named the same way, and a warehouse whose
// path holds spaces and unicode. export, sync (timestamp detection on the hostile cursor,
// --detect-deletes on the hostile key), import (upsert and scd2, created) and diff must all
// work, and the rows must arrive intact.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "db/connection.h"
#include "testing/export_support.h"
#include "testing/postgres_server.h"

namespace icesync::cli {
namespace {

using icesync::testing::PostgresServer;
using sync::testing::CommandResult;
using sync::testing::Icesync;
using sync::testing::LineCount;
using sync::testing::ShellQuote;

// Names as the database stores them.
constexpr const char* kTable = "Straße \"x\" [y]";
constexpr const char* kKey = "Ünïcødé 😀";
constexpr const char* kCursor = "upd \"at\" ]]";
constexpr const char* kTarget = "Zïel \"t\" [z] order";
constexpr const char* kHistory = "select";  // a reserved word as a whole table name

class HostileIdentifiersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    warehouse_ = dir_.file("lake dir/Wärehaus 😀 [w]");
    if (GetParam() == "postgres") {
      std::string error;
      server_ = PostgresServer::Shared(&error);
      ASSERT_NE(server_, nullptr) << error;
      server_->Psql("DROP DATABASE IF EXISTS hostile_ids");
      server_->Psql("CREATE DATABASE hostile_ids");
      url_ = server_->Url("hostile_ids");
      // A hostile schema too: the table is named schema.table on the command line.
      Execute({"CREATE SCHEMA \"Schéma \"\"s\"\" [1]\""});
      schema_ = "\"Schéma \"\"s\"\" [1]\".";
    } else {
      url_ = "sqlite://" + dir_.file("src é.db");
    }
    const std::string t = Quoted(kTable);
    Execute({"CREATE TABLE " + schema_ + t + " (" + Quoted(kKey) + " BIGINT PRIMARY KEY, \"select\" TEXT, " +
                 "\"order\" INTEGER, " + Quoted("a b ] \" c") + " TEXT, " + Quoted(kCursor) + " TIMESTAMP)",
             "INSERT INTO " + schema_ + t + " VALUES (1, 'one', 10, 'x\"y', '2024-01-01 00:00:00'), " +
                 "(2, 'two', 20, '[z]', '2024-01-02 00:00:00'), (3, 'three', 30, NULL, '2024-01-03 00:00:00')"});
  }

  // A double-quoted identifier (both dialects take it).
  static std::string Quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
      out.push_back(c);
      if (c == '"') out.push_back('"');
    }
    return out + "\"";
  }
  void Execute(const std::vector<std::string>& statements) {
    auto conn = db::Connection::Open(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const std::string& sql : statements) {
      Status st = (*conn)->Execute(sql);
      ASSERT_TRUE(st.ok()) << sql << ": " << st.ToString();
    }
  }
  // The source table as --table takes it.
  std::string SourceArg() const { return ShellQuote(schema_ + Quoted(kTable)); }
  std::string TargetArg(const char* name) const { return ShellQuote(schema_ + Quoted(name)); }
  std::string Scan(const std::string& table) {
    CommandResult r = Icesync("scan --warehouse " + ShellQuote(warehouse_) + " " + table + " --format jsonl");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string Sync() {
    CommandResult r = Icesync("sync --source " + ShellQuote(url_) + " --table " + SourceArg() + " --warehouse " +
                          ShellQuote(warehouse_) + " --to h.synced --detect " +
                          ShellQuote(std::string("timestamp:") + kCursor) + " --key " + ShellQuote(kKey) +
                          " --detect-deletes --json");
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.out;
  }
  CommandResult Diff(const std::string& target_table) {
    return Icesync("diff --source " + ShellQuote(url_) + " --table " + SourceArg() + " --warehouse " +
               ShellQuote(warehouse_) + " --iceberg h.synced --target " + ShellQuote(url_) + " --target-table " +
               TargetArg(target_table.c_str()) + " --key " + ShellQuote(kKey));
  }

  icesync::testing::TempDir dir_;
  PostgresServer* server_ = nullptr;
  std::string url_, warehouse_, schema_;
};

TEST_P(HostileIdentifiersTest, EveryCommandHandlesThem) {
  CommandResult exported = Icesync("export --source " + ShellQuote(url_) + " --table " + SourceArg() + " --warehouse " +
                               ShellQuote(warehouse_) + " --to h.exported -q");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string rows = Scan("h.exported");
  EXPECT_EQ(LineCount(rows), 3u) << rows;
  EXPECT_NE(rows.find("x\\\"y"), std::string::npos) << rows;
  EXPECT_NE(rows.find("\"Ünïcødé 😀\":\"1\""), std::string::npos) << rows;

  Sync();
  EXPECT_EQ(LineCount(Scan("h.synced")), 3u);
  CommandResult imported = Icesync("import --warehouse " + ShellQuote(warehouse_) + " --from h.synced --target " +
                               ShellQuote(url_) + " --table " + TargetArg(kTarget) + " --strategy upsert --create -q");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult history = Icesync("import --warehouse " + ShellQuote(warehouse_) + " --from h.synced --target " +
                              ShellQuote(url_) + " --table " + TargetArg(kHistory) + " --strategy scd2 --create -q");
  ASSERT_EQ(history.exit_code, 0) << history.err;

  // A change on the hostile cursor and a delete on the hostile key.
  const std::string t = schema_ + Quoted(kTable);
  Execute({"UPDATE " + t + " SET \"select\" = 'TWO', " + Quoted(kCursor) + " = '2024-02-01 00:00:00' WHERE " +
               Quoted(kKey) + " = 2",
           "DELETE FROM " + t + " WHERE " + Quoted(kKey) + " = 3",
           "INSERT INTO " + t + " VALUES (4, 'four', 40, 'ü', '2024-02-02 00:00:00')"});
  nlohmann::json second = nlohmann::json::parse(Sync(), nullptr, false);
  ASSERT_TRUE(second.is_object());
  rows = Scan("h.synced");
  EXPECT_EQ(LineCount(rows), 3u) << rows;
  EXPECT_NE(rows.find("TWO"), std::string::npos) << rows;
  EXPECT_EQ(rows.find("three"), std::string::npos) << rows;

  for (const char* target : {kTarget, kHistory}) {
    CommandResult again = Icesync("import --warehouse " + ShellQuote(warehouse_) + " --from h.synced --target " +
                              ShellQuote(url_) + " --table " + TargetArg(target) + " --strategy " +
                              (target == kTarget ? "upsert" : "scd2") + " --json");
    ASSERT_EQ(again.exit_code, 0) << again.err;
  }
  CommandResult diff = Diff(kTarget);
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  // The diff can fail: a changed value in the target is found by key.
  Execute({"UPDATE " + schema_ + Quoted(kTarget) + " SET \"order\" = 99 WHERE " + Quoted(kKey) + " = 1"});
  diff = Diff(kTarget);
  EXPECT_EQ(diff.exit_code, 1) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("order"), std::string::npos) << diff.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, HostileIdentifiersTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace icesync::cli
