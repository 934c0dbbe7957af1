// PostgreSQL through psqlODBC against a real server started on 127.0.0.1 for this process.
#include <gtest/gtest.h>

#include <cstdlib>

#include "db/bulk_loader.h"
#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "db_test_support.h"
#include "postgres_fixture.h"
#include "testing/postgres_server.h"
#include "testing/test_util.h"

namespace icesync::db {
namespace {

using icesync::testing::PostgresServer;

using PostgresTest = testing::PostgresConnectionTest;

TEST_F(PostgresTest, DetectsDialectAndRedactsPassword) {
  EXPECT_EQ(conn_->dialect().kind(), DialectKind::kPostgres);
  EXPECT_EQ(conn_->redacted().find(PostgresServer::kPassword), std::string::npos);
  EXPECT_NE(conn_->redacted().find("PWD=***"), std::string::npos) << conn_->redacted();
  EXPECT_NE(conn_->redacted().find("UseDeclareFetch=1"), std::string::npos);
}

TEST_F(PostgresTest, RoundTripsEveryType) {
  std::string s = FreshSchema("rt");
  auto schema = testing::AllTypesSchema();
  testing::RoundTrip(*conn_, TableName{s, "all_types"}, schema, testing::AllTypesRows(schema),
                     testing::LoadIn::kTransaction, "unnest arrays");
}

// Enough rows for several unnest statements (16384 rows each) and a partial one, with NULLs,
// quotes, backslashes, braces, commas, non-ASCII text, uuids and binary in every position.
TEST_F(PostgresTest, RoundTripsManyRowsThroughArrays) {
  std::string s = FreshSchema("multi");
  RecordBatch rows = testing::ManyMixedRows(3 * 16384 + 17);
  auto schema = rows.schema();
  testing::RoundTrip(*conn_, TableName{s, "t"}, schema, rows);
}

TEST_F(PostgresTest, RoundTripsAwkwardIdentifiers) {
  std::string s = FreshSchema("my schema.\"x\"");
  RecordBatch rows = testing::AwkwardIdentifierRow("Order", {1, 3});
  auto schema = rows.schema();
  testing::RoundTrip(*conn_, TableName{s, "Table \"with\" [all] of.it"}, schema, rows);
}

TEST_F(PostgresTest, MapsCatalogTypes) {
  std::string s = FreshSchema("types");
  Exec("CREATE TABLE types.t (a smallint, b integer NOT NULL, c bigint, d real, e double precision, "
       "f numeric(12,4), g date, h time, i timestamp(3), j timestamptz, k varchar(10), l char(3), m text, "
       "n bytea, o uuid, p jsonb, q boolean, PRIMARY KEY (b))");
  auto t = DiscoverTable(*conn_, "types.t");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> types;
  for (const Field& f : t->schema->fields()) types.push_back(f.type.ToString());
  EXPECT_EQ(types, (std::vector<std::string>{"int", "int", "long", "float", "double", "decimal(12,4)", "date",
                                             "time", "timestamp", "timestamptz", "string", "string", "string",
                                             "binary", "uuid", "string", "boolean"}));
  EXPECT_TRUE(t->schema->field(1).required);
  EXPECT_FALSE(t->schema->field(0).required);
  EXPECT_EQ(t->schema->identifier_field_ids(), std::vector<int>{2});
  EXPECT_EQ(t->mappings[10].max_bytes, 40);  // varchar(10): bound in blocks
  EXPECT_EQ(t->mappings[12].max_bytes, -1);  // text: read in pieces

  Exec("CREATE TABLE types.bad (a integer, n numeric, iv interval)");
  auto bad = DiscoverTable(*conn_, "types.bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(bad.status().message().find("column n"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("numeric(p,s)"), std::string::npos);
}

TEST_F(PostgresTest, BlockFetchKeyRangeAndMerge) {
  std::string s = FreshSchema("blk");
  Exec("CREATE TABLE blk.t (id bigint PRIMARY KEY, name varchar(20), amount numeric(10,2))");
  Exec("INSERT INTO blk.t SELECT g, 'n' || g, g / 100.0 FROM generate_series(1, 25000) g");
  auto t = DiscoverTable(*conn_, "blk.t");
  ASSERT_TRUE(t.ok());
  ExtractOptions o;
  o.batch_rows = 4000;
  o.key_range = KeyRange{{Value(DataType::Int64(), int64_t{100})}, {Value(DataType::Int64(), int64_t{20100})}};
  auto ex = Extractor::Open(*conn_, *t, o);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_GT((*ex)->rowset_size(), 1);  // column-wise block fetch
  RecordBatch batch;
  int64_t total = 0, expect_id = 101;
  while (true) {
    auto more = (*ex)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    EXPECT_LE(batch.num_rows(), 4000);
    for (int64_t r = 0; r < batch.num_rows(); ++r) ASSERT_EQ(batch.column(0).Value<int64_t>(r), expect_id++);
    total += batch.num_rows();
  }
  EXPECT_EQ(total, 20000);

  // Staging + set-based merge inside one transaction.
  const Dialect& d = conn_->dialect();
  TableName staging = d.StagingTableName("stage_t");
  ASSERT_TRUE(conn_->Begin().ok());
  Exec(d.CreateStagingTable(staging, *t->schema));
  RecordBatch rows(t->schema);
  for (int64_t id : {5, 30000}) {
    rows.column(0).Append<int64_t>(id);
    rows.column(1).AppendBytes("merged");
    rows.column(2).Append<Int128>(12345);
  }
  auto loader = BulkLoader::Open(*conn_, staging, t->schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  ASSERT_TRUE((*loader)->Append(rows).ok());
  ASSERT_TRUE((*loader)->Finish().ok());
  std::vector<std::string> cols = {"id", "name", "amount"};
  Exec(d.UpdateFromStaging(t->name, staging, cols, t->key_columns));
  Exec(d.InsertMissingFromStaging(t->name, staging, cols, t->key_columns));
  ASSERT_TRUE(conn_->Commit().ok());
  EXPECT_EQ(server_->Psql("SELECT name || ' ' || amount FROM blk.t WHERE id IN (5, 30000) ORDER BY id"),
            "merged 123.45\nmerged 123.45\n");
  ASSERT_TRUE(conn_->Begin().ok());
  Exec(d.DeleteFromStaging(t->name, staging, t->key_columns));
  ASSERT_TRUE(conn_->Commit().ok());
  EXPECT_EQ(server_->Psql("SELECT count(*) FROM blk.t"), "24999\n");
}

TEST_F(PostgresTest, ErrorMessages) {
  // Login failure: wrong password on the test server.
  setenv("ICESYNC_TEST_WRONG_PW", "not-the-password", 1);
  std::string url = "postgresql://icesync@127.0.0.1:" + std::to_string(server_->port()) +
                    "/postgres?password_env=ICESYNC_TEST_WRONG_PW";
  auto bad_login = Connect(url);
  ASSERT_FALSE(bad_login.ok());
  EXPECT_NE(bad_login.status().message().find("password authentication failed"), std::string::npos)
      << bad_login.status().message();
  EXPECT_NE(bad_login.status().message().find("check the user name and password"), std::string::npos)
      << bad_login.status().message();
  EXPECT_EQ(bad_login.status().message().find("not-the-password"), std::string::npos);

  // Unreachable host: a closed port on 127.0.0.1, with a short connect timeout.
  int closed = icesync::testing::FreeLocalPort();
  ConnectOptions quick;
  quick.connect_timeout_seconds = 3;
  auto unreachable = Connect("postgresql://icesync@127.0.0.1:" + std::to_string(closed) + "/postgres", quick);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.status().message().find("check the host and port"), std::string::npos)
      << unreachable.status().message();

  // Missing table, missing column.
  auto missing = DiscoverTable(*conn_, "public.no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("table public.no_such_table not found"), std::string::npos);
  Exec("DROP TABLE IF EXISTS public.present");
  Exec("CREATE TABLE public.present (a int)");
  auto p = DiscoverTable(*conn_, "present");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto sel = SelectColumns(*p, {"b"});
  ASSERT_FALSE(sel.ok());
  EXPECT_NE(sel.status().message().find("column b not found in table present"), std::string::npos);
  // A WHERE naming a missing column fails with the server's SQLSTATE and a hint.
  ExtractOptions o;
  o.where = "nope = 1";
  auto ex = Extractor::Open(*conn_, *p, o);
  ASSERT_FALSE(ex.ok());
  EXPECT_NE(ex.status().message().find("[42703]"), std::string::npos) << ex.status().message();
  EXPECT_NE(ex.status().message().find("check the column name"), std::string::npos);
}

TEST_F(PostgresTest, RollbackDiscardsALoad) {
  std::string s = FreshSchema("rb");
  auto schema = std::make_shared<Schema>(std::vector<Field>{{1, "k", DataType::Int32(), true}}, 0, std::vector<int>{1});
  TableName t{s, "t"};
  Exec(conn_->dialect().CreateTable(t, *schema, false));
  RecordBatch rows(schema);
  for (int i = 0; i < 1000; ++i) rows.column(0).Append<int32_t>(i);
  ASSERT_TRUE(conn_->Begin().ok());
  auto loader = BulkLoader::Open(*conn_, t, schema);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->Append(rows).ok());
  EXPECT_EQ(*(*loader)->Finish(), 1000);
  ASSERT_TRUE(conn_->Rollback().ok());
  EXPECT_EQ(server_->Psql("SELECT count(*) FROM rb.t"), "0\n");
}

}  // namespace
}  // namespace icesync::db
