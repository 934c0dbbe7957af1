// PostgreSQL's binary COPY on a companion libpq session (db::PgCopyExtractor) against the ODBC
// extractor on the same tables: identical values for every mapped type, NULLs and extremes
// included; bound values through transaction settings; the caller's snapshot; errors.
#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/pg_binary.h"
#include "db/pg_copy_extractor.h"
#include "db/pg_parameters.h"
#include "db/pg_session.h"
#include "db/table_schema.h"
#include "db_test_support.h"
#include "postgres_fixture.h"
#include "sync/source_reader.h"
#include "testing/postgres_server.h"

namespace icesync::db {
namespace {

using icesync::testing::PostgresServer;

class PgCopyTest : public testing::PostgresConnectionTest {
 protected:
  SourceTable Discover(const std::string& name) {
    auto t = DiscoverTable(*conn_, name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : SourceTable{};
  }
  Result<std::unique_ptr<PgCopyExtractor>> OpenCopy(const SourceTable& table, ExtractOptions options = {}) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgSession> session, PgSession::Open(conn_->connection_string()));
    return PgCopyExtractor::Open(std::move(session), "", table, std::move(options));
  }
  RecordBatch CopyAll(const SourceTable& table, ExtractOptions options = {}) {
    options.order_by_key = !table.key_columns.empty();
    auto ex = OpenCopy(table, options);
    EXPECT_TRUE(ex.ok()) << ex.status().ToString();
    if (!ex.ok()) return RecordBatch(table.schema);
    return testing::ReadAll(**ex);
  }
};

TEST_F(PgCopyTest, EveryTypeAsTheOdbcExtractorReadsIt) {
  std::string s = FreshSchema("copy_all");
  auto schema = testing::AllTypesSchema();
  RecordBatch rows = testing::AllTypesRows(schema);
  TableName name{s, "all_types"};
  Exec(conn_->dialect().CreateTable(name, *schema, false));
  ASSERT_TRUE(conn_->Begin().ok());
  auto loader = BulkLoader::Open(*conn_, name, schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  ASSERT_TRUE((*loader)->Append(rows).ok());
  ASSERT_TRUE((*loader)->Finish().ok());
  ASSERT_TRUE(conn_->Commit().ok());

  SourceTable t = Discover(s + ".all_types");
  RecordBatch odbc = testing::ExtractAll(*conn_, t);
  ExtractOptions small;
  small.batch_rows = 3;  // batches end mid-table
  RecordBatch copy = CopyAll(t, small);
  ASSERT_EQ(copy.num_rows(), 4);
  testing::ExpectSameRows(rows, copy);
  testing::ExpectSameRows(odbc, copy);
}

// PostgreSQL types beyond the core DDL: smallint, char(n) padding, name, json/jsonb/xml (read
// as text), numeric digit groups around the base-10000 boundaries, time, timestamp(3),
// floats' special values.
TEST_F(PgCopyTest, PostgresSpecificTypesAsTheOdbcExtractorReadsThem) {
  std::string s = FreshSchema("copy_more");
  Exec("CREATE TABLE copy_more.t (id integer PRIMARY KEY, i2 smallint, c3 char(3), v10 varchar(10), nm name, "
       "js json, jb jsonb, x xml, n12 numeric(12,4), n5 numeric(5,5), big numeric(38,0), t time, ts3 timestamp(3), "
       "tz timestamptz, f4 real, f8 double precision)");
  Exec("INSERT INTO copy_more.t VALUES "
       "(1, -32768, 'a', 'h\u00e9\u6f22', 'nm', '{\"a\": [1, 2]}', '{\"b\": 1, \"a\": \"x\"}', '<a>1</a>', "
       "-99999999.9999, -0.99999, -99999999999999999999999999999999999999, '00:00:00', '0001-01-01 00:00:00', "
       "'0001-01-01 00:00:00+00', 'Infinity', '-Infinity'),"
       "(2, 32767, 'abc', '', '', 'null', '[]', '', 99999999.9999, 0.00001, 99999999999999999999999999999999999999, "
       "'23:59:59.999999', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999+00', '-0', 1e-300),"
       "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
       "(4, 0, 'x y', 'ten chars!', 'a\"b', '{}', '{\"k\": \"\u00e9\"}', '<b/>', 0, 0, 0, '12:00:00.5', "
       "'1999-12-31 23:59:59.999', '2000-01-01 00:00:00+00', 3.4028235e38, 2.2250738585072014e-308),"
       "(5, 1, 'b', 'v', 'n', '1', '2', '<c>\u00e9</c>', 10000, 0.0001, 100000000000000000000, '00:00:00.000001', "
       "'1969-12-31 23:59:59.999', '1969-12-31 23:59:59.999999+00', 1.5, -1.7976931348623157e308),"
       "(6, 2, 'c', 'w', 'o', '2', '3', '<d/>', 0.0001, -0.00001, 10000, '01:02:03', '2024-02-29 12:00:00', "
       "'2024-02-29 12:00:00+00', 0.1, 0.1),"
       "(7, 3, 'd', 'x', 'p', '3', '4', '<e/>', 1.2345, 0.12345, -1, '01:02:03', '2024-02-29 12:00:00', "
       "'2024-02-29 12:00:00+00', 'NaN', 'NaN')");
  SourceTable t = Discover("copy_more.t");
  RecordBatch odbc = testing::ExtractAll(*conn_, t);
  RecordBatch copy = CopyAll(t);
  ASSERT_EQ(odbc.num_rows(), 7);
  testing::ExpectSameRows(odbc, copy);
}

// Key ranges and where parameters travel as transaction settings, never as SQL text: a `?`
// inside a literal stays a literal, a value with quotes stays a value.
TEST_F(PgCopyTest, KeyRangeAndWhereParametersAsTheOdbcExtractor) {
  FreshSchema("copy_rng");
  Exec("CREATE TABLE copy_rng.t (id bigint PRIMARY KEY, name varchar(20), amount numeric(10,2))");
  Exec("INSERT INTO copy_rng.t SELECT g, 'n' || g, g / 100.0 FROM generate_series(1, 25000) g");
  Exec("UPDATE copy_rng.t SET name = 'it''s ?' WHERE id = 150");
  SourceTable t = Discover("copy_rng.t");
  ExtractOptions o;
  o.batch_rows = 4000;
  o.key_range = KeyRange{{Value(DataType::Int64(), int64_t{100})}, {Value(DataType::Int64(), int64_t{20100})}};
  o.where = "name <> ? AND name <> '?' AND amount >= ?";
  o.where_params = {Value(DataType::String(), std::string("it's ?")), Value(DataType::Decimal(10, 2), Int128{102})};
  RecordBatch odbc = testing::ExtractAll(*conn_, t, o);
  RecordBatch copy = CopyAll(t, o);
  EXPECT_EQ(copy.num_rows(), 20000 - 2);  // ids 101..20100 but 101 (amount 1.01 < 1.02) and 150 (the name)
  testing::ExpectSameRows(odbc, copy);
  auto ex = OpenCopy(t, o);
  ASSERT_TRUE(ex.ok());
  EXPECT_NE((*ex)->sql().find("current_setting('icesync.p1')::text"), std::string::npos) << (*ex)->sql();
  EXPECT_EQ((*ex)->sql().find("it's"), std::string::npos) << "a value pasted into SQL: " << (*ex)->sql();
}

TEST_F(PgCopyTest, ReadsTheSnapshotOfTheSourceReader) {
  FreshSchema("copy_snap");
  Exec("CREATE TABLE copy_snap.t (id integer PRIMARY KEY)");
  Exec("INSERT INTO copy_snap.t VALUES (1)");
  auto reader = sync::SourceReader::Open(server_->Url(), "copy_snap.t");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_STREQ((*reader)->extract_method(), "postgresql-copy");
  // Committed by another session after the reader started, before the COPY session opens.
  server_->Psql("INSERT INTO copy_snap.t VALUES (2)");
  auto ex = (*reader)->Extract("", 100);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_STREQ((*ex)->method(), "postgresql-copy");
  EXPECT_EQ(testing::ReadAll(**ex).num_rows(), 1);
  // A reader started now sees both rows.
  auto later = sync::SourceReader::Open(server_->Url(), "copy_snap.t");
  ASSERT_TRUE(later.ok());
  auto ex2 = (*later)->Extract("", 100);
  ASSERT_TRUE(ex2.ok()) << ex2.status().ToString();
  EXPECT_EQ(testing::ReadAll(**ex2).num_rows(), 2);
  // ODBC on request.
  auto odbc = sync::SourceReader::Open(server_->Url(), "copy_snap.t", "", sync::SourceReadOptions{false});
  ASSERT_TRUE(odbc.ok());
  EXPECT_STREQ((*odbc)->extract_method(), "odbc");
}

TEST_F(PgCopyTest, ValuesIcebergCannotHoldFailNamingTheColumn) {
  FreshSchema("copy_bad");
  Exec("CREATE TABLE copy_bad.n (id integer, amount numeric(10,2))");
  Exec("INSERT INTO copy_bad.n VALUES (1, 1.5), (2, 'NaN')");
  Exec("CREATE TABLE copy_bad.ts (id integer, at timestamp)");
  Exec("INSERT INTO copy_bad.ts VALUES (1, 'infinity')");
  for (const char* table : {"copy_bad.n", "copy_bad.ts"}) {
    auto ex = OpenCopy(Discover(table));
    ASSERT_TRUE(ex.ok()) << ex.status().ToString();
    RecordBatch batch;
    auto more = (*ex)->Next(&batch);
    ASSERT_FALSE(more.ok()) << table;
    EXPECT_NE(more.status().message().find("column " + std::string(table[9] == 'n' ? "amount" : "at") + " of table " +
                                           table),
              std::string::npos)
        << more.status().message();
    EXPECT_NE(more.status().message().find(table[9] == 'n' ? "NaN" : "infinity"), std::string::npos);
  }
  // A failing query names the table, the server's SQLSTATE and a hint; no password anywhere.
  ExtractOptions o;
  o.where = "nope = 1";
  auto bad = OpenCopy(Discover("copy_bad.n"), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("copy_bad.n"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("[42703]"), std::string::npos) << bad.status().message();
  EXPECT_EQ(bad.status().message().find(PostgresServer::kPassword), std::string::npos);
}

TEST_F(PgCopyTest, SessionErrorsRedactThePassword) {
  setenv("ICESYNC_TEST_WRONG_PW", "not-the-password", 1);
  auto cs = ResolveConnectionString("postgresql://icesync@127.0.0.1:" + std::to_string(server_->port()) +
                                    "/postgres?password_env=ICESYNC_TEST_WRONG_PW&sslmode=disable");
  ASSERT_TRUE(cs.ok());
  auto info = LibpqConninfo(*cs, 5);
  ASSERT_TRUE(info.ok());
  EXPECT_NE(info->find("sslmode='disable'"), std::string::npos) << "sslmode is passed on";
  auto session = PgSession::Open(*cs);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("check the user name and password"), std::string::npos)
      << session.status().message();
  EXPECT_EQ(session.status().message().find("not-the-password"), std::string::npos);
  // ODBC strings name the server the same way; a DSN does not, and COPY is then not offered.
  auto dsn = ResolveConnectionString("DSN=warehouse;UID=u;PWD=secret");
  ASSERT_TRUE(dsn.ok());
  auto no_server = LibpqConninfo(*dsn, 5);
  ASSERT_FALSE(no_server.ok());
  EXPECT_EQ(no_server.status().message().find("secret"), std::string::npos);
}

// Loads with the connection in autocommit go through binary COPY; extracting them again (ODBC
// and COPY) gives the rows loaded, for every type, many rows, and awkward names.
TEST_F(PgCopyTest, CopyLoaderRoundTripsEveryType) {
  std::string s = FreshSchema("copy_load");
  auto schema = testing::AllTypesSchema();
  RecordBatch rows = testing::AllTypesRows(schema);
  testing::RoundTrip(*conn_, TableName{s, "all_types"}, schema, rows, testing::LoadIn::kAutocommit,
                     "postgresql copy binary");
  testing::ExpectSameRows(rows, CopyAll(Discover(s + ".all_types")));

  RecordBatch many = testing::ManyMixedRows(100'003);
  testing::RoundTrip(*conn_, TableName{s, "many"}, many.schema(), many, testing::LoadIn::kAutocommit,
                     "postgresql copy binary");
  RecordBatch awkward = testing::AwkwardIdentifierRow("Order", {1, 3});
  testing::RoundTrip(*conn_, TableName{s, "Table \"with\" [all] of.it"}, awkward.schema(), awkward,
                     testing::LoadIn::kAutocommit, "postgresql copy binary");
}

// Where COPY on another session would not be the same load, the unnest loader runs: inside the
// caller's transaction, into the caller's temporary table, into columns of another type.
TEST_F(PgCopyTest, CopyLoaderOnlyWhereItIsTheSameLoad) {
  FreshSchema("copy_when");
  auto schema = std::make_shared<Schema>(std::vector<Field>{{1, "k", DataType::Int32(), true}}, 0, std::vector<int>{1});
  RecordBatch rows(schema);
  for (int i = 0; i < 10; ++i) rows.column(0).Append<int32_t>(i);
  auto method_of = [&](const TableName& t) -> std::string {
    auto loader = BulkLoader::Open(*conn_, t, schema);
    EXPECT_TRUE(loader.ok()) << loader.status().ToString();
    if (!loader.ok()) return "";
    EXPECT_TRUE((*loader)->Append(rows).ok());
    auto n = (*loader)->Finish();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return (*loader)->method();
  };
  Exec("CREATE TABLE copy_when.plain (k integer)");
  Exec("CREATE UNLOGGED TABLE copy_when.unlogged (k integer)");
  Exec("CREATE TABLE copy_when.narrow (k smallint)");
  Exec("CREATE TEMPORARY TABLE stage_tmp (k integer)");
  EXPECT_EQ(method_of(TableName{"copy_when", "plain"}), "postgresql copy binary");
  EXPECT_EQ(method_of(TableName{"copy_when", "unlogged"}), "postgresql copy binary");
  EXPECT_EQ(method_of(TableName{"copy_when", "narrow"}), "unnest arrays");
  EXPECT_EQ(method_of(TableName{"", "stage_tmp"}), "unnest arrays");
  ASSERT_TRUE(conn_->Begin().ok());
  EXPECT_EQ(method_of(TableName{"copy_when", "plain"}), "unnest arrays");
  ASSERT_TRUE(conn_->Rollback().ok());
  EXPECT_EQ(server_->Psql("SELECT count(*) FROM copy_when.plain"), "10\n");
  EXPECT_EQ(server_->Psql("SELECT count(*) FROM copy_when.narrow"), "10\n");
}

// One COPY is one statement: a row the table refuses fails the load naming the table, and
// none of the rows stays.
TEST_F(PgCopyTest, CopyLoadIsAtomicAndNamesTheTable) {
  FreshSchema("copy_fail");
  Exec("CREATE TABLE copy_fail.t (k integer CHECK (k < 70000))");
  auto schema = std::make_shared<Schema>(std::vector<Field>{{1, "k", DataType::Int32()}}, 0, std::vector<int>{});
  RecordBatch rows(schema);
  for (int i = 0; i < 70001; ++i) rows.column(0).Append<int32_t>(i);
  auto loader = BulkLoader::Open(*conn_, TableName{"copy_fail", "t"}, schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  EXPECT_STREQ((*loader)->method(), "postgresql copy binary");
  Status appended = (*loader)->Append(rows);
  Status finished = appended.ok() ? (*loader)->Finish().status() : appended;
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.message().find("copy_fail.t"), std::string::npos) << finished.message();
  EXPECT_NE(finished.message().find("[23514]"), std::string::npos) << finished.message();
  EXPECT_EQ(server_->Psql("SELECT count(*) FROM copy_fail.t"), "0\n");
}

TEST(PgBinaryTest, NumericsRoundTripAtEveryScale) {
  for (int scale = 0; scale <= 38; ++scale) {
    std::vector<Int128> values = {0, 1, -1, 9999, 10000, -10001, MaxUnscaled(38), -MaxUnscaled(38)};
    Int128 p = 1;
    for (int k = 0; k <= 37; ++k, p *= 10) {
      values.push_back(p);
      values.push_back(-(p * 7 + 3));
    }
    for (Int128 v : values) {
      std::string field;
      pgbinary::AppendNumeric(v, scale, &field);
      ASSERT_GE(field.size(), 4u);
      const int32_t len = static_cast<int32_t>(pgbinary::Be32(field.data()));
      ASSERT_EQ(static_cast<size_t>(len) + 4, field.size());
      EXPECT_EQ(pgbinary::Be16(field.data() + 4 + 6), scale) << "dscale";
      auto back = pgbinary::NumericToUnscaled(field.data() + 4, len, 38, scale);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_TRUE(*back == v) << DecimalToString(v, scale) << " came back as " << DecimalToString(*back, scale);
    }
  }
}

TEST(PgParametersTest, TextFormsReadBackExactly) {
  EXPECT_EQ(PgParameterText(Value(DataType::Binary(), std::string("\x00\xff", 2))), "\\x00ff");
  EXPECT_EQ(PgParameterText(Value(DataType::Float64(), 0.1)), "0.1");
  EXPECT_EQ(PgParameterText(Value(DataType::Float32(), -std::numeric_limits<float>::infinity())), "-Infinity");
  EXPECT_EQ(PgParameterText(Value(DataType::Decimal(10, 2), Int128{-5})), "-0.05");
  EXPECT_EQ(PgParameterText(Value(DataType::TimestampTz(), int64_t{0})), "1970-01-01 00:00:00.000000+00:00");
}

}  // namespace
}  // namespace icesync::db
