// The T-SQL the SQL Server dialect generates, tested as text (no SQL Server runs here), and
// the BCP bindings the bulk-copy path uses.
// odbcss.h defines SUCCEED/FAIL, which are gtest macros too: include it first, then drop them.
#include <cstddef>
#include <sql.h>
#include <sqlext.h>
#define TDSODBC_BCP 1
#include <odbcss.h>
#undef SUCCEED
#undef FAIL

#include <gtest/gtest.h>

#include "db/sqlserver_dialect.h"

#include "db/bulk_loader.h"

namespace icesync::db {
namespace {

class SqlServerDialectTest : public ::testing::Test {
 protected:
  SqlServerDialect d_;
};

TEST_F(SqlServerDialectTest, QuotesWithBrackets) {
  EXPECT_EQ(d_.QuoteIdentifier("Order Details"), "[Order Details]");
  EXPECT_EQ(d_.QuoteIdentifier("a]b"), "[a]]b]");
  EXPECT_EQ(d_.QuoteIdentifier("say \"hi\""), "[say \"hi\"]");
  EXPECT_EQ(d_.QualifiedName(TableName{"dbo", "select"}), "[dbo].[select]");
}

TEST_F(SqlServerDialectTest, CatalogQueriesUseInformationSchemaByName) {
  CatalogQuery cols = d_.ColumnsQuery(TableName{"sales", "Orders"});
  EXPECT_EQ(cols.sql,
            "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, "
            "c.DATETIME_PRECISION, c.IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS AS c WHERE c.TABLE_SCHEMA = ? AND "
            "c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION");
  EXPECT_EQ(cols.params, (std::vector<std::string>{"sales", "Orders"}));
  CatalogQuery default_schema = d_.ColumnsQuery(TableName{"", "Orders"});
  EXPECT_NE(default_schema.sql.find("c.TABLE_SCHEMA = SCHEMA_NAME()"), std::string::npos);
  EXPECT_EQ(default_schema.params, std::vector<std::string>{"Orders"});
  CatalogQuery pk = d_.PrimaryKeyQuery(TableName{"sales", "Orders"});
  EXPECT_EQ(pk.sql,
            "SELECT kcu.COLUMN_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS tc JOIN "
            "INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS kcu ON kcu.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND "
            "kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND kcu.TABLE_SCHEMA = tc.TABLE_SCHEMA AND kcu.TABLE_NAME = "
            "tc.TABLE_NAME WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? "
            "ORDER BY kcu.ORDINAL_POSITION");
  // Never system type ids: compatible servers number types differently.
  EXPECT_EQ(cols.sql.find("system_type_id"), std::string::npos);
}

TEST_F(SqlServerDialectTest, SelectConvertsSpecialColumns) {
  std::vector<SelectColumn> cols = {{"id", ReadAs::kNative},
                                    {"at", ReadAs::kUtcTimestamp},
                                    {"doc", ReadAs::kText},
                                    {"shape", ReadAs::kWellKnownBinary}};
  std::vector<int> lower, upper;
  std::string range = d_.KeyRangePredicate({"a", "b"}, true, true, &lower, &upper);
  EXPECT_EQ(range, "(([a] > ?) OR ([a] = ? AND [b] > ?)) AND (([a] < ?) OR ([a] = ? AND [b] <= ?))");
  EXPECT_EQ(lower, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(upper, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(d_.Select(TableName{"dbo", "T"}, cols, range, {"a", "b"}),
            "SELECT [id], CONVERT(datetime2(7), SWITCHOFFSET([at], '+00:00')), CAST([doc] AS nvarchar(max)), "
            "[shape].STAsBinary() FROM [dbo].[T] WHERE (([a] > ?) OR ([a] = ? AND [b] > ?)) AND (([a] < ?) OR "
            "([a] = ? AND [b] <= ?)) ORDER BY [a], [b]");
}

std::shared_ptr<const Schema> OrdersSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{1, "id", DataType::Int64(), true},
                                                     {2, "line", DataType::Int32(), true},
                                                     {3, "amount", DataType::Decimal(38, 4)},
                                                     {4, "at", DataType::TimestampTz()},
                                                     {5, "note", DataType::String()},
                                                     {6, "guid", DataType::Uuid()},
                                                     {7, "raw", DataType::Binary()}},
                                  0, std::vector<int>{1, 2});
}

TEST_F(SqlServerDialectTest, StagingTableIsTemporaryAndAllNullable) {
  TableName staging = d_.StagingTableName("icesync_stage");
  EXPECT_EQ(staging.name, "#icesync_stage");
  EXPECT_EQ(d_.CreateStagingTable(staging, *OrdersSchema()),
            "CREATE TABLE [#icesync_stage] ([id] bigint, [line] int, [amount] decimal(38,4), [at] "
            "datetimeoffset(6), [note] nvarchar(max), [guid] uniqueidentifier, [raw] varbinary(max))");
  EXPECT_EQ(d_.CreateTable(TableName{"dbo", "Orders"}, *OrdersSchema(), false),
            "CREATE TABLE [dbo].[Orders] ([id] bigint NOT NULL, [line] int NOT NULL, [amount] decimal(38,4), [at] "
            "datetimeoffset(6), [note] nvarchar(max), [guid] uniqueidentifier, [raw] varbinary(max), PRIMARY KEY "
            "([id], [line]))");
}

TEST_F(SqlServerDialectTest, SetBasedMergeWithoutMerge) {
  TableName target{"dbo", "Orders"}, staging{"", "#s"};
  std::vector<std::string> cols = {"id", "line", "amount", "note"}, keys = {"id", "line"};
  EXPECT_EQ(d_.UpdateFromStaging(target, staging, cols, keys),
            "UPDATE t SET t.[amount] = s.[amount], t.[note] = s.[note] FROM [dbo].[Orders] AS t INNER JOIN [#s] AS "
            "s ON t.[id] = s.[id] AND t.[line] = s.[line]");
  EXPECT_EQ(d_.InsertMissingFromStaging(target, staging, cols, keys),
            "INSERT INTO [dbo].[Orders] ([id], [line], [amount], [note]) SELECT s.[id], s.[line], s.[amount], "
            "s.[note] FROM [#s] AS s WHERE NOT EXISTS (SELECT 1 FROM [dbo].[Orders] AS t WHERE t.[id] = s.[id] AND "
            "t.[line] = s.[line])");
  EXPECT_EQ(d_.DeleteFromStaging(target, staging, keys),
            "DELETE t FROM [dbo].[Orders] AS t INNER JOIN [#s] AS s ON t.[id] = s.[id] AND t.[line] = s.[line]");
  EXPECT_EQ(d_.UpdateFromStaging(target, staging, keys, keys), "");  // key-only table
  for (const std::string& sql : {d_.UpdateFromStaging(target, staging, cols, keys),
                                 d_.InsertMissingFromStaging(target, staging, cols, keys),
                                 d_.DeleteFromStaging(target, staging, keys)}) {
    EXPECT_EQ(sql.find("MERGE"), std::string::npos);
  }
}

TEST(BcpBindingTest, FixedTypesHaveExactLengths) {
  // varlen must be the exact size for fixed-width host types (FreeTDS 1.3.17 asserts on
  // SQL_VARLEN_DATA for NOT NULL fixed columns); text and binary carry a length prefix.
  EXPECT_EQ(BcpBindingFor(DataType::Int32()).host_type, BCP_TYPE_SQLINT4);
  EXPECT_EQ(BcpBindingFor(DataType::Int32()).varlen, 4);
  EXPECT_EQ(BcpBindingFor(DataType::Boolean()).varlen, 4);
  EXPECT_EQ(BcpBindingFor(DataType::Int64()).host_type, BCP_TYPE_SQLINT8);
  EXPECT_EQ(BcpBindingFor(DataType::Int64()).varlen, 8);
  EXPECT_EQ(BcpBindingFor(DataType::Float32()).host_type, BCP_TYPE_SQLFLT4);
  EXPECT_EQ(BcpBindingFor(DataType::Float32()).varlen, 4);
  EXPECT_EQ(BcpBindingFor(DataType::Float64()).host_type, BCP_TYPE_SQLFLT8);
  EXPECT_EQ(BcpBindingFor(DataType::Float64()).varlen, 8);
  EXPECT_EQ(BcpBindingFor(DataType::String()).host_type, BCP_TYPE_SQLCHAR);
  EXPECT_EQ(BcpBindingFor(DataType::String()).varlen, SQL_VARLEN_DATA);
  EXPECT_TRUE(BcpBindingFor(DataType::Decimal(38, 10)).as_text);
  EXPECT_TRUE(BcpBindingFor(DataType::Timestamp()).as_text);
  EXPECT_TRUE(BcpBindingFor(DataType::Uuid()).as_text);
  EXPECT_EQ(BcpBindingFor(DataType::Binary()).host_type, BCP_TYPE_SQLVARBINARY);
}

}  // namespace
}  // namespace icesync::db
