// The SQL text `icesync import` sends, per dialect. No SQL Server can run here (SQL Server
// and its compatible engines need a licence/VM this CI lacks), so the T-SQL forms are checked
// as text only: the same statements run for real on SQLite and PostgreSQL in import_test.cc.
// What matters in T-SQL: the alias comes after FROM (UPDATE t … FROM x AS t JOIN …, DELETE t
// FROM …), bit literals, NVARCHAR catalog columns, #staging tables, no MERGE anywhere.
#include <gtest/gtest.h>

#include "db/dialect.h"
#include "load/direct_copy.h"
#include "load/target_table.h"

namespace icesync::load {
namespace {

const db::TableName kTarget{"dbo", "Orders"};
const db::TableName kStage{"", "#icesync_stage_x"};
const std::vector<std::string> kColumns = {"id", "name", "qty"};
const std::vector<std::string> kKeys = {"id"};
const db::Dialect::Scd2Columns kScd{"_valid_from", "_valid_to", "_is_current", "icesync_changed_at"};

std::unique_ptr<db::Dialect> SqlServer() { return db::MakeDialect(db::DialectKind::kSqlServer); }

TEST(ImportSqlText, SqlServerUpsertStatements) {
  auto d = SqlServer();
  EXPECT_EQ(d->UpdateFromStaging(kTarget, kStage, kColumns, kKeys),
            "UPDATE t SET t.[name] = s.[name], t.[qty] = s.[qty] FROM [dbo].[Orders] AS t INNER JOIN "
            "[#icesync_stage_x] AS s ON t.[id] = s.[id]");
  EXPECT_EQ(d->InsertMissingFromStaging(kTarget, kStage, kColumns, kKeys),
            "INSERT INTO [dbo].[Orders] ([id], [name], [qty]) SELECT s.[id], s.[name], s.[qty] FROM "
            "[#icesync_stage_x] AS s WHERE NOT EXISTS (SELECT 1 FROM [dbo].[Orders] AS t WHERE t.[id] = s.[id])");
  EXPECT_EQ(d->DeleteFromStaging(kTarget, kStage, kKeys),
            "DELETE t FROM [dbo].[Orders] AS t INNER JOIN [#icesync_stage_x] AS s ON t.[id] = s.[id]");
  EXPECT_EQ(d->DeleteMissingFromStaging(kTarget, kStage, kKeys),
            "DELETE t FROM [dbo].[Orders] AS t WHERE NOT EXISTS (SELECT 1 FROM [#icesync_stage_x] AS s WHERE "
            "t.[id] = s.[id])");
  EXPECT_EQ(d->DeleteWhere(kTarget, ""), "DELETE t FROM [dbo].[Orders] AS t");
  EXPECT_EQ(d->InsertFromStaging(kTarget, kStage, kColumns),
            "INSERT INTO [dbo].[Orders] ([id], [name], [qty]) SELECT s.[id], s.[name], s.[qty] FROM "
            "[#icesync_stage_x] AS s");
  EXPECT_EQ(d->CountDuplicateKeys(kStage, kKeys),
            "SELECT COUNT(*) FROM (SELECT 1 AS d FROM [#icesync_stage_x] GROUP BY [id] HAVING COUNT(*) > 1) AS dup");
}

TEST(ImportSqlText, SqlServerScd2Statements) {
  auto d = SqlServer();
  EXPECT_EQ(d->Scd2CloseChanged(kTarget, kStage, kColumns, kKeys, kScd),
            "UPDATE t SET [_valid_to] = s.[icesync_changed_at], [_is_current] = 0 FROM [dbo].[Orders] AS t INNER JOIN "
            "[#icesync_stage_x] AS s ON t.[id] = s.[id] WHERE t.[_is_current] = 1 AND ((t.[name] <> s.[name] OR "
            "(t.[name] IS NULL AND s.[name] IS NOT NULL) OR (t.[name] IS NOT NULL AND s.[name] IS NULL)) OR "
            "(t.[qty] <> s.[qty] OR (t.[qty] IS NULL AND s.[qty] IS NOT NULL) OR (t.[qty] IS NOT NULL AND s.[qty] "
            "IS NULL)))");
  EXPECT_EQ(d->Scd2InsertCurrent(kTarget, kStage, kColumns, kKeys, kScd),
            "INSERT INTO [dbo].[Orders] ([id], [name], [qty], [_valid_from], [_valid_to], [_is_current]) SELECT "
            "s.[id], s.[name], s.[qty], s.[icesync_changed_at], NULL, 1 FROM [#icesync_stage_x] AS s WHERE NOT "
            "EXISTS (SELECT 1 FROM [dbo].[Orders] AS t WHERE t.[id] = s.[id] AND t.[_is_current] = 1)");
  EXPECT_EQ(d->Scd2CloseDeleted(kTarget, kStage, kKeys, kScd),
            "UPDATE t SET [_valid_to] = s.[icesync_changed_at], [_is_current] = 0 FROM [dbo].[Orders] AS t INNER JOIN "
            "[#icesync_stage_x] AS s ON t.[id] = s.[id] WHERE t.[_is_current] = 1");
  EXPECT_EQ(d->Scd2CloseMissing(kTarget, kStage, kKeys, kScd),
            "UPDATE t SET [_valid_to] = CAST(? AS datetimeoffset(6)), [_is_current] = 0 FROM [dbo].[Orders] AS t "
            "WHERE t.[_is_current] = 1 AND NOT EXISTS (SELECT 1 FROM [#icesync_stage_x] AS s WHERE t.[id] = s.[id])");
}

TEST(ImportSqlText, SqlServerStateAndStaging) {
  auto d = SqlServer();
  const db::TableName state{"dbo", "icesync_state"};
  EXPECT_EQ(d->CreateImportState(state),
            "CREATE TABLE [dbo].[icesync_state] (target_table NVARCHAR(400) NOT NULL PRIMARY KEY, table_uuid "
            "NVARCHAR(64) NOT NULL, table_location NVARCHAR(2000) NOT NULL, snapshot_id bigint NOT NULL, "
            "sequence_number bigint NOT NULL, snapshot_time datetimeoffset(6) NOT NULL, strategy NVARCHAR(16) NOT "
            "NULL, applied_at datetimeoffset(6) NOT NULL)");
  EXPECT_EQ(d->InsertImportState(state),
            "INSERT INTO [dbo].[icesync_state] (target_table, table_uuid, table_location, snapshot_id, "
            "sequence_number, snapshot_time, strategy, applied_at) VALUES (?, ?, ?, CAST(? AS bigint), CAST(? AS "
            "bigint), CAST(? AS datetimeoffset(6)), ?, CAST(? AS datetimeoffset(6)))");
  // #tables: the session's own, visible to its BCP, gone with it (nothing stale to list).
  EXPECT_EQ(d->ImportStagingName("dbo", "icesync_stage_1").name, "#icesync_stage_1");
  EXPECT_TRUE(d->TablesLikeQuery("dbo", "icesync_stage_").sql.empty());
}

// --create: the reverse type mapping (docs/type-mapping.md, "Iceberg to database").
TEST(ImportSqlText, CreateTargetPerDialect) {
  const Schema schema({{1, "id", DataType::Int64(), true},
                       {2, "flag", DataType::Boolean()},
                       {3, "amount", DataType::Decimal(38, 10)},
                       {4, "day", DataType::Date()},
                       {5, "clock", DataType::Time()},
                       {6, "ts", DataType::Timestamp()},
                       {7, "tstz", DataType::TimestampTz()},
                       {8, "txt", DataType::String()},
                       {9, "guid", DataType::Uuid()},
                       {10, "blob", DataType::Binary()}},
                      0, {1});
  const std::vector<Field> key = {schema.field(0)};
  const db::TableName t{"", "t"};
  EXPECT_EQ(CreateTargetSql(*SqlServer(), t, schema, key, Strategy::kUpsert),
            "CREATE TABLE [t] ([id] bigint NOT NULL, [flag] bit, [amount] decimal(38,10), [day] date, [clock] "
            "time(6), [ts] datetime2(6), [tstz] datetimeoffset(6), [txt] nvarchar(max), [guid] uniqueidentifier, "
            "[blob] varbinary(max), PRIMARY KEY ([id]))");
  EXPECT_EQ(CreateTargetSql(*db::MakeDialect(db::DialectKind::kPostgres), t, schema, key, Strategy::kScd2),
            "CREATE TABLE \"t\" (\"id\" bigint NOT NULL, \"flag\" boolean, \"amount\" numeric(38,10), \"day\" date, "
            "\"clock\" time, \"ts\" timestamp, \"tstz\" timestamptz, \"txt\" text, \"guid\" uuid, \"blob\" bytea, "
            "\"_valid_from\" timestamptz NOT NULL, \"_valid_to\" timestamptz, \"_is_current\" boolean NOT NULL, "
            "PRIMARY KEY (\"id\", \"_valid_from\"))");
  EXPECT_EQ(CreateTargetSql(*db::MakeDialect(db::DialectKind::kSqlite), t, schema, key, Strategy::kAppend),
            "CREATE TABLE \"t\" (\"id\" BIGINT NOT NULL, \"flag\" BOOLEAN, \"amount\" DECIMAL_TEXT(38,10), \"day\" "
            "DATE, \"clock\" TIME, \"ts\" TIMESTAMP, \"tstz\" TIMESTAMPTZ, \"txt\" TEXT, \"guid\" UUID, \"blob\" BLOB)");
}

// Hostile names in T-SQL: a ']' inside a bracketed name is doubled (else "[a]b]" ends the
// name early and the rest runs as SQL), in every statement that names the target, its
// columns, its key, the staging table, the extract and change tracking.
TEST(ImportSqlText, SqlServerBracketsInsideNames) {
  auto d = SqlServer();
  const db::TableName target{"s]ch", "Or]]ders [x] \"q\""};
  const db::TableName stage{"", "#icesync_stage_]"};
  const std::vector<std::string> columns = {"i]d", "na me", "[qty]"};
  const std::vector<std::string> keys = {"i]d"};
  EXPECT_EQ(d->QuoteIdentifier("a]b"), "[a]]b]");
  EXPECT_EQ(d->QualifiedName(target), "[s]]ch].[Or]]]]ders [x]] \"q\"]");
  EXPECT_EQ(d->UpdateFromStaging(target, stage, columns, keys),
            "UPDATE t SET t.[na me] = s.[na me], t.[[qty]]] = s.[[qty]]] FROM [s]]ch].[Or]]]]ders [x]] \"q\"] AS t "
            "INNER JOIN [#icesync_stage_]]] AS s ON t.[i]]d] = s.[i]]d]");
  EXPECT_EQ(d->InsertMissingFromStaging(target, stage, columns, keys),
            "INSERT INTO [s]]ch].[Or]]]]ders [x]] \"q\"] ([i]]d], [na me], [[qty]]]) SELECT s.[i]]d], s.[na me], "
            "s.[[qty]]] FROM [#icesync_stage_]]] AS s WHERE NOT EXISTS (SELECT 1 FROM [s]]ch].[Or]]]]ders [x]] "
            "\"q\"] AS t WHERE t.[i]]d] = s.[i]]d])");
  EXPECT_EQ(d->DeleteFromStaging(target, stage, keys),
            "DELETE t FROM [s]]ch].[Or]]]]ders [x]] \"q\"] AS t INNER JOIN [#icesync_stage_]]] AS s ON t.[i]]d] = "
            "s.[i]]d]");
  EXPECT_EQ(d->Scd2CloseDeleted(target, stage, keys, kScd),
            "UPDATE t SET [_valid_to] = s.[icesync_changed_at], [_is_current] = 0 FROM [s]]ch].[Or]]]]ders [x]] "
            "\"q\"] AS t INNER JOIN [#icesync_stage_]]] AS s ON t.[i]]d] = s.[i]]d] WHERE t.[_is_current] = 1");
  const Schema schema({{1, "i]d", DataType::Int64(), true}, {2, "[qty]", DataType::Int32()}}, 0, {1});
  EXPECT_EQ(CreateTargetSql(*d, target, schema, {schema.field(0)}, Strategy::kUpsert),
            "CREATE TABLE [s]]ch].[Or]]]]ders [x]] \"q\"] ([i]]d] bigint NOT NULL, [[qty]]] int, PRIMARY KEY "
            "([i]]d]))");
  EXPECT_EQ(d->Select(target,
                      {{"i]d", db::ReadAs::kNative, DataType::Int64()},
                       {"t]s", db::ReadAs::kUtcTimestamp, DataType::TimestampTz()}},
                      "", {"i]d"}),
            "SELECT [i]]d], CONVERT(datetime2(7), SWITCHOFFSET([t]]s], '+00:00')) FROM [s]]ch].[Or]]]]ders [x]] \"q\"] "
            "ORDER BY [i]]d]");
  EXPECT_EQ(d->ChangeTrackingChanges(target, {"i]d", "[qty]"}, keys, "_op]"),
            "(SELECT [ct].[i]]d] AS [i]]d], [t].[[qty]]] AS [[qty]]], [ct].[SYS_CHANGE_OPERATION] AS [_op]]] FROM "
            "CHANGETABLE(CHANGES [s]]ch].[Or]]]]ders [x]] \"q\"], ?) AS [ct] LEFT OUTER JOIN [s]]ch].[Or]]]]ders "
            "[x]] \"q\"] AS [t] ON [t].[i]]d] = [ct].[i]]d]) AS [changes]");
}

// The PostgreSQL and SQLite forms that differ from T-SQL (run for real in import_test.cc).
TEST(ImportSqlText, PostgresAndSqliteForms) {
  auto pg = db::MakeDialect(db::DialectKind::kPostgres);
  EXPECT_EQ(pg->DeleteMissingFromStaging(kTarget, {"", "s1"}, kKeys),
            "DELETE FROM \"dbo\".\"Orders\" AS t WHERE NOT EXISTS (SELECT 1 FROM \"s1\" AS s WHERE t.\"id\" = "
            "s.\"id\")");
  EXPECT_EQ(pg->CreateImportStaging({"", "s1"}, Schema({{1, "id", DataType::Int64(), true}})),
            "CREATE UNLOGGED TABLE \"s1\" (\"id\" bigint)");
  EXPECT_EQ(pg->TypedParameter(DataType::Int64()), "CAST(? AS bigint)");
  auto lite = db::MakeDialect(db::DialectKind::kSqlite);
  EXPECT_EQ(lite->TypedParameter(DataType::TimestampTz()), "?");
  EXPECT_EQ(lite->BooleanLiteral(true), "TRUE");
}

// The state statements run on the libpq session in the direct COPY path: `?` becomes $n,
// except inside quoted identifiers and literals.
TEST(ImportSqlText, DollarParametersSkipQuotes) {
  EXPECT_EQ(DollarParameters("INSERT INTO \"a?b\" (x, y) VALUES (?, CAST(? AS bigint)) -- '?'"),
            "INSERT INTO \"a?b\" (x, y) VALUES ($1, CAST($2 AS bigint)) -- '?'");
  EXPECT_EQ(DollarParameters("DELETE FROM \"s\".\"icesync_state\" WHERE target_table = ?"),
            "DELETE FROM \"s\".\"icesync_state\" WHERE target_table = $1");
}

}  // namespace
}  // namespace icesync::load
