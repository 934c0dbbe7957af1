#include "db/type_mapping.h"

#include <gtest/gtest.h>

#include "db/extractor.h"
#include "db/table_schema.h"
#include "db_test_support.h"
#include "testing/test_util.h"

namespace icesync::db {
namespace {

SourceColumn Col(std::string type, int64_t len = -1, int precision = -1, int scale = -1, int dt_precision = -1) {
  return SourceColumn{"c", std::move(type), len, precision, scale, dt_precision, true};
}

std::string SqlServer(const SourceColumn& c, const TypeMappingOptions& o = {}) {
  auto m = MapSourceType(DialectKind::kSqlServer, c, o);
  return m.ok() ? m->type.ToString() : "error: " + m.status().message();
}

// Every SQL Server type of docs/type-mapping.md.
TEST(TypeMappingTest, SqlServerTypes) {
  EXPECT_EQ(SqlServer(Col("bit")), "boolean");
  EXPECT_EQ(SqlServer(Col("tinyint")), "int");
  EXPECT_EQ(SqlServer(Col("smallint")), "int");
  EXPECT_EQ(SqlServer(Col("int")), "int");
  EXPECT_EQ(SqlServer(Col("bigint")), "long");
  EXPECT_EQ(SqlServer(Col("decimal", -1, 38, 10)), "decimal(38,10)");
  EXPECT_EQ(SqlServer(Col("numeric", -1, 5, 0)), "decimal(5,0)");
  EXPECT_EQ(SqlServer(Col("money", -1, 19, 4)), "decimal(19,4)");
  EXPECT_EQ(SqlServer(Col("smallmoney", -1, 10, 4)), "decimal(10,4)");
  EXPECT_EQ(SqlServer(Col("real", -1, 24)), "float");
  EXPECT_EQ(SqlServer(Col("float", -1, 53)), "double");
  EXPECT_EQ(SqlServer(Col("float", -1, 24)), "float");
  EXPECT_EQ(SqlServer(Col("date")), "date");
  for (int p = 0; p <= 7; ++p) {
    EXPECT_EQ(SqlServer(Col("time", -1, -1, -1, p)), "time");
    EXPECT_EQ(SqlServer(Col("datetime2", -1, -1, -1, p)), "timestamp");
    auto m = MapSourceType(DialectKind::kSqlServer, Col("datetime2", -1, -1, -1, p));
    EXPECT_EQ(m->has_sub_microseconds, p == 7);
  }
  EXPECT_EQ(SqlServer(Col("datetime")), "timestamp");
  EXPECT_EQ(SqlServer(Col("smalldatetime")), "timestamp");
  auto dto = MapSourceType(DialectKind::kSqlServer, Col("datetimeoffset", -1, -1, -1, 7));
  EXPECT_EQ(dto->type.ToString(), "timestamptz");
  EXPECT_EQ(dto->read_as, ReadAs::kUtcTimestamp);
  for (const char* t : {"char", "varchar", "nchar", "nvarchar"}) {
    auto bounded = MapSourceType(DialectKind::kSqlServer, Col(t, 50));
    EXPECT_EQ(bounded->type.ToString(), "string");
    EXPECT_EQ(bounded->max_bytes, 200);
    auto max = MapSourceType(DialectKind::kSqlServer, Col(t, -1));  // (max) reports -1
    EXPECT_EQ(max->max_bytes, -1);
  }
  EXPECT_EQ(SqlServer(Col("text", 2147483647)), "string");
  EXPECT_EQ(SqlServer(Col("ntext", 1073741823)), "string");
  EXPECT_EQ(SqlServer(Col("binary", 16)), "fixed[16]");
  EXPECT_EQ(SqlServer(Col("varbinary", 100)), "binary");
  EXPECT_EQ(SqlServer(Col("varbinary", -1)), "binary");
  EXPECT_EQ(SqlServer(Col("image", 2147483647)), "binary");
  EXPECT_EQ(SqlServer(Col("uniqueidentifier")), "uuid");
  EXPECT_EQ(SqlServer(Col("rowversion")), "fixed[8]");
  EXPECT_EQ(SqlServer(Col("timestamp")), "fixed[8]");
  auto xml = MapSourceType(DialectKind::kSqlServer, Col("xml", -1));
  EXPECT_EQ(xml->type.ToString(), "string");
  EXPECT_EQ(xml->read_as, ReadAs::kText);
}

TEST(TypeMappingTest, SqlServerTypesNeedingAChoice) {
  EXPECT_EQ(SqlServer(Col("sql_variant")).rfind("error: column c has SQL Server type 'sql_variant'", 0), 0u)
      << SqlServer(Col("sql_variant"));
  std::string h = SqlServer(Col("hierarchyid"));
  EXPECT_NE(h.find("hierarchyid_as_string"), std::string::npos) << h;
  std::string g = SqlServer(Col("geography"));
  EXPECT_NE(g.find("spatial_as_wkb"), std::string::npos) << g;
  TypeMappingOptions o;
  o.hierarchyid_as_string = true;
  o.spatial_as_wkb = true;
  EXPECT_EQ(SqlServer(Col("hierarchyid"), o), "string");
  EXPECT_EQ(SqlServer(Col("geometry"), o), "binary");
  EXPECT_NE(SqlServer(Col("decimal", -1, 39, 2)).find("precision 38"), std::string::npos);
}

TEST(TypeMappingTest, SqliteDeclaredTypes) {
  auto sqlite = [](const std::string& declared) {
    auto m = MapSourceType(DialectKind::kSqlite, Col(declared));
    return m.ok() ? m->type.ToString() : "error";
  };
  EXPECT_EQ(sqlite("INTEGER"), "long");
  EXPECT_EQ(sqlite("int4"), "int");
  EXPECT_EQ(sqlite("VARCHAR(255)"), "string");
  EXPECT_EQ(sqlite("DECIMAL(20, 4)"), "decimal(20,4)");
  EXPECT_EQ(sqlite("DECIMAL_TEXT(38,10)"), "decimal(38,10)");
  EXPECT_EQ(sqlite("REAL"), "double");
  EXPECT_EQ(sqlite("FLOAT4"), "float");
  EXPECT_EQ(sqlite("blob"), "binary");
  EXPECT_EQ(sqlite("TIMESTAMPTZ"), "timestamptz");
  EXPECT_EQ(sqlite("MONEY"), "error");
  EXPECT_EQ(sqlite(""), "error");
}

// datetime2(7)/time(7) hold 100 ns ticks; Iceberg v2 holds µs. Default: truncate the 7th
// digit; SubMicrosecondPolicy::kFail refuses such values. Exercised through SQLite, whose
// TIMESTAMP/TIME text can carry 7+ fraction digits, on the same decoding path.
TEST(TypeMappingTest, SubMicrosecondValuesTruncateOrFail) {
  icesync::testing::TempDir dir;
  auto conn = Connect("sqlite://" + dir.file("t.db"));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)->Execute("CREATE TABLE t (k INTEGER PRIMARY KEY, ts TIMESTAMP, tm TIME)").ok());
  ASSERT_TRUE((*conn)->Execute("INSERT INTO t VALUES (1, '2024-01-02 03:04:05.1234567', '23:59:59.9999999'), "
                               "(2, '2024-01-02 03:04:05.1234560', '00:00:00.0000001')").ok());
  auto table = DiscoverTable(**conn, "t");
  ASSERT_TRUE(table.ok());
  RecordBatch b = testing::ExtractAll(**conn, *table);
  ASSERT_EQ(b.num_rows(), 2);
  EXPECT_EQ(b.column(1).Value<int64_t>(0), testing::Micros("2024-01-02T03:04:05.123456"));
  EXPECT_EQ(b.column(2).Value<int64_t>(0), 86'400'000'000LL - 1);
  EXPECT_EQ(b.column(2).Value<int64_t>(1), 0);

  TypeMappingOptions strict;
  strict.sub_microseconds = SubMicrosecondPolicy::kFail;
  auto strict_table = DiscoverTable(**conn, "t", strict);
  ASSERT_TRUE(strict_table.ok());
  auto ex = Extractor::Open(**conn, *strict_table);
  ASSERT_TRUE(ex.ok());
  RecordBatch batch;
  auto r = (*ex)->Next(&batch);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column ts holds '2024-01-02 03:04:05.1234567'"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace icesync::db
