// `icesync export` end to end, type by type: a real SQLite file (sqliteodbc) and a real
// PostgreSQL server hold every mapped type with its edge values; the exported table read back
// by `icesync scan`, by DuckDB over the committed data files and by icebird over the table
// must give exactly the rows that were loaded into the source, unpartitioned and partitioned.
#include <gtest/gtest.h>

#include <set>

#include "core/temporal.h"
#include "iceberg/filesystem_catalog.h"
#include "testing/export_support.h"
#include "testing/postgres_server.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;
using icesync::testing::PostgresServer;
using icesync::testing::ReadFile;

struct Layout {
  const char* name;
  const char* partition_by;
  size_t spec_fields;
};
// Unpartitioned; temporal + hash (the 0001-01-01 and 9999-12-31 rows land in their own
// months, the NULL date in the null partition); identity on a string whose values need
// escaping in paths ('/', '=', '%', '?', '&', '#', emoji, empty, NULL).
constexpr Layout kLayouts[] = {
    {"flat", "", 0},
    {"by_month_bucket", "month(day), bucket(4, id)", 2},
    {"by_txt", "txt", 1},
};

constexpr int kGeneratedRows = 60;

// Exports `table` in every layout and checks the rows each reader returns, the schema, the
// file layout on disk and the snapshot's record of where the rows came from.
void ExportEveryLayout(const ExportFixture& f, const std::string& source, const std::string& table,
                       const Schema& schema, const std::string& expected) {
  for (const Layout& layout : kLayouts) {
    SCOPED_TRACE(layout.name);
    const std::string target = std::string("types.") + layout.name;
    const std::string before = FormatTimestampMicros(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
        true);
    CommandResult r = f.Export(source, table, target, "--partition-by " + ShellQuote(layout.partition_by));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string table_dir = f.TableDir(target);
    ExpectReadersSeeRows(f.warehouse(), target, table_dir, expected);

    iceberg::Table t = LoadTable(table_dir);
    const Schema* written = t.metadata.CurrentSchema();
    ASSERT_NE(written, nullptr);
    ASSERT_EQ(written->num_fields(), schema.num_fields());
    for (size_t i = 0; i < schema.num_fields(); ++i) {
      EXPECT_EQ(written->field(i).name, schema.field(i).name);
      EXPECT_EQ(written->field(i).type.ToString(), schema.field(i).type.ToString()) << schema.field(i).name;
    }
    // The source's primary key (id) became the identifier field.
    EXPECT_EQ(written->identifier_field_ids(), std::vector<int>{1});
    ASSERT_EQ(t.metadata.specs.size(), 1u);
    EXPECT_EQ(t.metadata.specs[0].fields().size(), layout.spec_fields);

    // Files: one for the unpartitioned table; else one per partition, each in its own
    // directory one level per spec field below data/ (escaping kept values out of the path).
    const std::vector<std::string> files = CommittedDataFiles(table_dir);
    std::set<std::string> dirs;
    for (const std::string& file : files) {
      const fs::path rel = fs::path(file).lexically_relative(table_dir + "/data");
      EXPECT_EQ(static_cast<size_t>(std::distance(rel.begin(), rel.end())), layout.spec_fields + 1) << file;
      dirs.insert(rel.parent_path().string());
    }
    if (layout.spec_fields == 0) {
      EXPECT_EQ(files.size(), 1u);
    } else {
      ExpectRowsInTheirPartitions(table_dir);
      EXPECT_GT(dirs.size(), 6u);
      EXPECT_EQ(dirs.size(), files.size()) << "one file per partition at the default target size";
    }

    // Where the rows came from, in the snapshot summary and the table properties.
    const iceberg::Snapshot* snap = t.metadata.CurrentSnapshot();
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->operation(), "append");
    EXPECT_EQ(snap->summary.at("added-records"), std::to_string(LineCount(expected)));
    EXPECT_EQ(snap->summary.at("icesync.source-table"), table);
    EXPECT_NE(snap->summary.at("icesync.source-query").find(table), std::string::npos);
    EXPECT_EQ(snap->summary.at("icesync.source-query").rfind("SELECT", 0), 0u) << snap->summary.at("icesync.source-query");
    const std::string& at = snap->summary.at("icesync.extracted-at");
    EXPECT_TRUE(ParseTimestampMicros(at).ok()) << at;
    EXPECT_GE(at, before);  // same fixed-width ISO form: text order is time order
    EXPECT_FALSE(snap->summary.at("icesync.isolation").empty());
    EXPECT_EQ(t.metadata.properties.at("icesync.source"), snap->summary.at("icesync.source"));
  }
}

class SqliteExportTest : public ExportFixture {};

TEST_F(SqliteExportTest, EveryTypeReadsBackExactlyInEveryLayout) {
  auto schema = AllTypesSchema();
  RecordBatch rows = AllTypesRows(schema, kGeneratedRows, /*sqlite=*/true);
  CreateAndLoad(sqlite_url(), "all_types", schema, rows);
  if (HasFatalFailure()) return;
  ExportEveryLayout(*this, sqlite_url(), "all_types", *schema, SortedCanonicalLines(rows));
  const std::string source = LoadTable(TableDir("types.flat")).metadata.properties.at("icesync.source");
  EXPECT_NE(source.find(sqlite_path()), std::string::npos) << source;
}

// A SQLite file written by another program (values as SQL text, not through icesync's
// loader): text dates and times in the forms SQLite users write, offsets normalised to UTC,
// decimals stored as REAL/INTEGER under NUMERIC affinity, 'true' in a BOOLEAN column, text in
// a BLOB column. The expected rows are written out by hand from the INSERTs (sorted bytewise,
// as the readers' output is).
TEST_F(SqliteExportTest, RowsWrittenByOtherProgramsReadBackTyped) {
  CommandResult created = icesync::testing::RunCommand(
      "sqlite3 " + ShellQuote(sqlite_path()) +
      " \"CREATE TABLE t (id INTEGER PRIMARY KEY, ts DATETIME, tz TIMESTAMPTZ, d DATE, amount DECIMAL(10,2), "
      "ok BOOLEAN, note VARCHAR(20), raw BLOB, r REAL, t TIME);"
      "INSERT INTO t VALUES (1, '2024-01-02 03:04:05', '2024-01-02 03:04:05+02:00', '2024-02-29', 12.5, 1, "
      "'\xc3\xbc', X'00ff', 1.5, '12:34:56');"
      "INSERT INTO t VALUES (2, '2024-01-02T03:04:05.123456', '2024-01-02T03:04:05.5Z', '0001-01-01', 7, 0, '', "
      "X'', 0.1, '23:59:59.999999');"
      "INSERT INTO t VALUES (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
      "INSERT INTO t VALUES (4, '2024-01-02 03:04', '2024-01-02 03:04:05.123-05:30', '9999-12-31', '99999999.99', "
      "'true', 'x', 'text', 1e308, '01:02');\"");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult r = Export(sqlite_url(), "t", "raw.t");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected =
      "{\"amount\":\"12.50\",\"d\":\"2024-02-29\",\"id\":\"1\",\"note\":\"\xc3\xbc\",\"ok\":true,\"r\":1.5,"
      "\"raw\":\"00ff\",\"t\":\"12:34:56.000000\",\"ts\":\"2024-01-02T03:04:05.000000\","
      "\"tz\":\"2024-01-02T01:04:05.000000+00:00\"}\n"
      "{\"amount\":\"7.00\",\"d\":\"0001-01-01\",\"id\":\"2\",\"note\":\"\",\"ok\":false,\"r\":0.1,\"raw\":\"\","
      "\"t\":\"23:59:59.999999\",\"ts\":\"2024-01-02T03:04:05.123456\",\"tz\":\"2024-01-02T03:04:05.500000+00:00\"}\n"
      "{\"amount\":\"99999999.99\",\"d\":\"9999-12-31\",\"id\":\"4\",\"note\":\"x\",\"ok\":true,\"r\":1e+308,"
      "\"raw\":\"74657874\",\"t\":\"01:02:00.000000\",\"ts\":\"2024-01-02T03:04:00.000000\","
      "\"tz\":\"2024-01-02T08:34:05.123000+00:00\"}\n"
      "{\"amount\":null,\"d\":null,\"id\":\"3\",\"note\":null,\"ok\":null,\"r\":null,\"raw\":null,\"t\":null,"
      "\"ts\":null,\"tz\":null}\n";
  ExpectReadersSeeRows(warehouse(), "raw.t", TableDir("raw.t"), expected);
}

// Every transform on the types it applies to, several at once (one file per distinct tuple).
// icebird cannot read manifests whose partition tuples hold decimals (truncate of a decimal),
// so the rows are compared through icesync scan and DuckDB only.
TEST_F(SqliteExportTest, EveryTransformRoutesRowsToTheirPartitions) {
  auto schema = AllTypesSchema();
  RecordBatch rows = AllTypesRows(schema, kGeneratedRows, /*sqlite=*/true);
  CreateAndLoad(sqlite_url(), "all_types", schema, rows);
  if (HasFatalFailure()) return;
  const char* spec =
      "year(day), hour(tstz), truncate(2, txt), bucket(3, guid), truncate(1000, dec9_2), flag, day(ts), "
      "truncate(10, i32), bucket(2, blob)";
  CommandResult r = Export(sqlite_url(), "all_types", "types.transforms", std::string("--partition-by ") + ShellQuote(spec));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string table_dir = TableDir("types.transforms");
  const std::string expected = SortedCanonicalLines(rows);
  ExpectSameLines(expected, ScanRows(warehouse(), "types.transforms"), "icesync scan");
  ExpectSameLines(expected, DuckdbRows(table_dir), "DuckDB over the committed data files");
  ExpectRowsInTheirPartitions(table_dir);
  EXPECT_EQ(LoadTable(table_dir).metadata.specs[0].fields().size(), 9u);
  EXPECT_GT(CommittedDataFiles(table_dir).size(), 30u);
}

// Column names that are not Avro names are stored in the Parquet files in Iceberg Java's
// Avro-compatible form; readers matching by field id (icesync scan, DuckDB through the ids)
// and icebird (matching by that form) all see the source's names.
TEST_F(SqliteExportTest, AwkwardColumnNamesReadBackByFieldId) {
  for (const bool ascii : {true, false}) {
    SCOPED_TRACE(ascii ? "ASCII names" : "non-ASCII names");
    std::vector<Field> fields = {{1, "order id", DataType::Int64(), true},
                                 {2, "x-y", DataType::Int32()},
                                 {3, "1st", DataType::String()},
                                 {4, "select", DataType::String()}};
    if (!ascii) {
      fields.push_back({5, "na\xc3\xafve", DataType::String()});
      fields.push_back({6, "\xf0\x9f\x98\x80", DataType::String()});
    }
    auto schema = std::make_shared<const Schema>(fields, 0, std::vector<int>{1});
    RecordBatch rows(schema);
    for (int64_t i = 1; i <= 3; ++i) {
      rows.column(0).Append<int64_t>(i);
      rows.column(1).Append<int32_t>(static_cast<int32_t>(i * 10));
      for (size_t c = 2; c < fields.size(); ++c) rows.column(c).AppendBytes(fields[c].name + std::to_string(i));
    }
    const std::string table = ascii ? "order items" : "t\xc3\xa4" "ble";
    CreateAndLoad(sqlite_url(), table, schema, rows);
    if (HasFatalFailure()) return;
    const std::string target = ascii ? "names.ascii" : "names.unicode";
    CommandResult r = Export(sqlite_url(), "\"" + table + "\"", target);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string table_dir = TableDir(target);
    const std::string expected = SortedCanonicalLines(rows);
    ExpectSameLines(expected, ScanRows(warehouse(), target), "icesync scan");
    ExpectSameLines(expected, DuckdbRows(table_dir), "DuckDB, columns matched by field id");
    // icebird sanitizes non-ASCII letters too (Java keeps them), so it reads the ASCII table only.
    if (ascii) ExpectSameLines(IcebirdForm(table_dir, expected), IcebirdRows(table_dir), "icebird");
    const std::vector<std::string> files = CommittedDataFiles(table_dir);
    ASSERT_EQ(files.size(), 1u);
    CommandResult file_schema = Icesync("parquet schema " + ShellQuote(files[0]));
    for (const char* stored : {"order_x20id = 1", "x_x2Dy = 2", "_1st = 3", "select = 4"}) {
      EXPECT_NE(file_schema.out.find(stored), std::string::npos) << stored << " in\n" << file_schema.out;
    }
    if (!ascii) {
      EXPECT_NE(file_schema.out.find("na\xc3\xafve = 5"), std::string::npos) << file_schema.out;
      EXPECT_NE(file_schema.out.find("_xD83D_xDE00 = 6"), std::string::npos) << file_schema.out;
    }
  }
}

class PostgresExportTest : public ExportFixture {
 protected:
  void SetUp() override {
    std::string error;
    server_ = PostgresServer::Shared(&error);
    if (server_ == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << error;
  }
  PostgresServer* server_ = nullptr;
};

TEST_F(PostgresExportTest, EveryTypeReadsBackExactlyInEveryLayout) {
  auto schema = AllTypesSchema();  // guid is a native uuid column here
  RecordBatch rows = AllTypesRows(schema, kGeneratedRows, /*sqlite=*/false);
  CreateAndLoad(server_->Url(), "export_all_types", schema, rows);
  if (HasFatalFailure()) return;
  // The password typed into the URL must not reach the metadata, the output or messages.
  const std::string url = "postgresql://" + std::string(PostgresServer::kUser) + ":" + PostgresServer::kPassword +
                          "@127.0.0.1:" + std::to_string(server_->port()) + "/postgres";
  ExportEveryLayout(*this, url, "export_all_types", *schema, SortedCanonicalLines(rows));
  const std::string source = LoadTable(TableDir("types.flat")).metadata.properties.at("icesync.source");
  EXPECT_NE(source.find("127.0.0.1"), std::string::npos) << source;
  for (const std::string& file : FilesUnder(warehouse())) {
    if (file.find("/metadata/") == std::string::npos) continue;
    EXPECT_EQ(ReadFile(file).find(PostgresServer::kPassword), std::string::npos) << file << " holds the password";
  }
  CommandResult r = Export(url, "export_all_types", "types.flat", "--replace --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(PostgresServer::kPassword), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"source\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"extract_method\":\"postgresql-copy\""), std::string::npos) << r.out;
  EXPECT_EQ(LoadTable(TableDir("types.flat")).metadata.CurrentSnapshot()->summary.at("icesync.extract-method"),
            "postgresql-copy");
  // The same rows through ODBC on request.
  CommandResult odbc = Export(url, "export_all_types", "types.odbc", "--no-pg-copy --json");
  ASSERT_EQ(odbc.exit_code, 0) << odbc.err;
  EXPECT_NE(odbc.out.find("\"extract_method\":\"odbc\""), std::string::npos) << odbc.out;
  ExpectSameLines(SortedCanonicalLines(rows), ScanRows(warehouse(), "types.odbc"), "--no-pg-copy");
}

// The export reads one state of the table: rows deleted and changed by another session while
// it runs (held after its first batch) are exported as they were when it started. The next
// export sees the change. Then a kill mid-export leaves the table at that snapshot.
TEST_F(PostgresExportTest, ReadsOneConsistentStateWhileTheTableChanges) {
  auto schema = AllTypesSchema();
  RecordBatch rows = AllTypesRows(schema, kGeneratedRows, /*sqlite=*/false);
  CreateAndLoad(server_->Url(), "export_moving", schema, rows);
  if (HasFatalFailure()) return;
  const std::string change = server_->PsqlCommand() + " -c " +
                             ShellQuote("DELETE FROM export_moving WHERE id > 10; UPDATE export_moving SET txt = 'changed'");
  CommandResult r = ExportPausedAt("extract", change + " && echo changed", AfterPause::kResume, server_->Url(),
                                   "export_moving", "shop.moving", "--batch-rows 4");
  ASSERT_EQ(r.out, "changed\nexport=0\n") << r.err;
  const std::string table_dir = TableDir("shop.moving");
  ExpectSameLines(SortedCanonicalLines(rows), ScanRows(warehouse(), "shop.moving"), "the state the export started from");
  const int64_t first = LoadTable(table_dir).metadata.current_snapshot_id.value_or(0);

  CommandResult again = Export(server_->Url(), "export_moving", "shop.moving", "--replace");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const std::string now = ScanRows(warehouse(), "shop.moving");
  EXPECT_EQ(LineCount(now), 10u);
  size_t changed = 0;
  for (size_t at = now.find("\"txt\":\"changed\""); at != std::string::npos; at = now.find("\"txt\":\"changed\"", at + 1)) {
    ++changed;
  }
  EXPECT_EQ(changed, 10u) << now.substr(0, 2000);
  const int64_t second = LoadTable(table_dir).metadata.current_snapshot_id.value_or(0);
  ExpectSameLines(SortedCanonicalLines(rows), ScanRows(warehouse(), "shop.moving", first), "scan --snapshot <first>");

  CommandResult killed = Export(server_->Url(), "export_moving", "shop.moving", "--replace", "ICESYNC_CRASH_AT=commit");
  EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
  EXPECT_EQ(LoadTable(table_dir).metadata.current_snapshot_id, second);
  EXPECT_EQ(ScanRows(warehouse(), "shop.moving"), now);
}

// A table in a mixed-case schema with a name that needs quoting, given as SQL users write it.
TEST_F(PostgresExportTest, QuotedSchemaAndTableNames) {
  server_->Psql(
      "DROP SCHEMA IF EXISTS \"Sales\" CASCADE; CREATE SCHEMA \"Sales\";"
      "CREATE TABLE \"Sales\".\"Order Lines\" (\"Line ID\" bigint PRIMARY KEY, qty integer);"
      "INSERT INTO \"Sales\".\"Order Lines\" VALUES (1, 5), (2, NULL);");
  CommandResult r = Export(server_->Url(), "\"Sales\".\"Order Lines\"", "sales.order_lines");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameLines("{\"Line ID\":\"1\",\"qty\":5}\n{\"Line ID\":\"2\",\"qty\":null}\n",
                  ScanRows(warehouse(), "sales.order_lines"), "icesync scan");
  const iceberg::Table t = LoadTable(TableDir("sales.order_lines"));
  EXPECT_EQ(t.metadata.CurrentSchema()->identifier_field_ids(), std::vector<int>{1});
  EXPECT_EQ(t.metadata.properties.at("icesync.source-table"), "Sales.Order Lines");
  // Unquoted, PostgreSQL folds to lower case: that table does not exist, and the message says so.
  CommandResult folded = Export(server_->Url(), "Sales.Order_Lines", "sales.other");
  EXPECT_EQ(folded.exit_code, 5) << folded.err;
  EXPECT_NE(folded.err.find("Order_Lines"), std::string::npos) << folded.err;
}

TEST_F(PostgresExportTest, QueryColumnsKeepTheirTypes) {
  auto schema = AllTypesSchema();
  RecordBatch rows = AllTypesRows(schema, 10, /*sqlite=*/false);
  CreateAndLoad(server_->Url(), "export_query_source", schema, rows);
  if (HasFatalFailure()) return;
  // Columns selected through the query keep numeric(p,s), uuid, timestamptz... exactly.
  const std::vector<std::string> columns = {"id", "dec38_10", "guid", "tstz", "txt"};
  CommandResult r = Export(server_->Url(), "", "shop.picked",
                           "--query 'SELECT id, dec38_10, guid, tstz, txt FROM export_query_source WHERE id <> 3;'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RecordBatch picked = Project(rows, columns);
  const std::string expected =
      SortedCanonicalLines(picked, [&](int64_t row) { return rows.column(0).Value<int64_t>(row) != 3; });
  ExpectReadersSeeRows(warehouse(), "shop.picked", TableDir("shop.picked"), expected);
  const iceberg::Table picked_table = LoadTable(TableDir("shop.picked"));
  const Schema* written = picked_table.metadata.CurrentSchema();
  ASSERT_NE(written, nullptr);
  ASSERT_EQ(written->num_fields(), columns.size());
  EXPECT_EQ(written->field(1).type.ToString(), "decimal(38,10)");
  EXPECT_EQ(written->field(2).type.ToString(), "uuid");

  // numeric arithmetic loses the precision: the error names the column and the fix.
  CommandResult untyped =
      Export(server_->Url(), "", "shop.untyped", "--query 'SELECT id, dec9_2 * 2 AS doubled FROM export_query_source'");
  EXPECT_EQ(untyped.exit_code, 6) << untyped.err;
  EXPECT_NE(untyped.err.find("doubled"), std::string::npos) << untyped.err;
  EXPECT_FALSE(fs::exists(TableDir("shop.untyped")));
}

}  // namespace
}  // namespace icesync::sync::testing
