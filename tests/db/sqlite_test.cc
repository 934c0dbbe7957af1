// SQLite through the real sqliteodbc driver on real files.
#include <gtest/gtest.h>

#include "db/bulk_loader.h"
#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "db_test_support.h"
#include "testing/test_util.h"

namespace icesync::db {
namespace {

using icesync::testing::TempDir;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Connect("sqlite://" + dir_.file("test.db"));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
  }
  void Exec(const std::string& sql) { ASSERT_TRUE(conn_->Execute(sql).ok()) << conn_->Execute(sql).ToString(); }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(SqliteTest, DetectsDialect) {
  EXPECT_EQ(conn_->dialect().kind(), DialectKind::kSqlite);
  EXPECT_NE(conn_->redacted().find("libsqlite3odbc.so"), std::string::npos);
}

TEST_F(SqliteTest, RoundTripsEveryType) {
  auto schema = testing::AllTypesSchema();
  testing::RoundTrip(*conn_, TableName{"", "all_types"}, schema,
                     testing::AllTypesRows(schema, /*exact_extreme_doubles=*/false));
}

TEST_F(SqliteTest, RoundTripsAwkwardIdentifiers) {
  RecordBatch rows = testing::AwkwardIdentifierRow("order", {1});
  auto schema = rows.schema();
  testing::RoundTrip(*conn_, TableName{"", "table \"with\" [all] of.it"}, schema, rows);
  auto parsed = ParseTableName("\"table \"\"with\"\" [all] of.it\"");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(DiscoverTable(*conn_, *parsed).ok());
}

TEST_F(SqliteTest, MapsDeclaredTypesByAffinity) {
  Exec("CREATE TABLE t (a INTEGER PRIMARY KEY, b VARCHAR(20), c NVARCHAR, d DOUBLE PRECISION, e BLOB, "
       "f DECIMAL(10,3), g DATETIME, h BOOL, i CLOB, j FLOATING, k UNSIGNED BIG INT, l SMALLINT, m uuid)");
  auto t = DiscoverTable(*conn_, "t");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> types;
  for (const Field& f : t->schema->fields()) types.push_back(f.type.ToString());
  EXPECT_EQ(types, (std::vector<std::string>{"long", "string", "string", "double", "binary", "decimal(10,3)",
                                             "timestamp", "boolean", "string", "double", "long", "int", "uuid"}));
  EXPECT_TRUE(t->schema->field(0).required);  // a primary key column is never NULL
  EXPECT_EQ(t->key_columns, std::vector<std::string>{"a"});
}

TEST_F(SqliteTest, RejectsTypesWithoutClearAffinity) {
  Exec("CREATE TABLE n (a INTEGER, b NUMERIC)");
  auto t = DiscoverTable(*conn_, "n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("column b"), std::string::npos) << t.status().message();
  EXPECT_NE(t.status().message().find("DECIMAL(p,s)"), std::string::npos);
  Exec("CREATE TABLE u (a INTEGER, b)");
  auto u = DiscoverTable(*conn_, "u");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("declares no type"), std::string::npos) << u.status().message();
}

TEST_F(SqliteTest, ReadsDecimalsStoredAsReals) {
  // SQLite converts DECIMAL text to REAL when lossless and prints large reals in exponent form.
  // DECIMAL_TEXT (what icesync creates) has TEXT affinity and keeps every digit; DECIMAL
  // rounds beyond 15 significant digits, which is SQLite's doing, not ours.
  Exec("CREATE TABLE d (k INTEGER PRIMARY KEY, v DECIMAL(38,2), exact DECIMAL_TEXT(38,2))");
  Exec("INSERT INTO d VALUES (1, 1e20, NULL), (2, '0.10', NULL), (3, -12.5, NULL), "
       "(4, '123456789012345678901234567890.12', '123456789012345678901234567890.12')");
  auto t = DiscoverTable(*conn_, "d");
  ASSERT_TRUE(t.ok());
  RecordBatch b = testing::ExtractAll(*conn_, *t);
  ASSERT_EQ(b.num_rows(), 4);
  EXPECT_EQ(DecimalToString(b.column(1).Value<Int128>(0), 2), "100000000000000000000.00");
  EXPECT_EQ(DecimalToString(b.column(1).Value<Int128>(1), 2), "0.10");
  EXPECT_EQ(DecimalToString(b.column(1).Value<Int128>(2), 2), "-12.50");
  EXPECT_EQ(DecimalToString(b.column(1).Value<Int128>(3), 2), "123456789012346000000000000000.00");
  EXPECT_EQ(DecimalToString(b.column(2).Value<Int128>(3), 2), "123456789012345678901234567890.12");
}

class SqliteRangeTest : public SqliteTest {
 protected:
  void SetUp() override {
    SqliteTest::SetUp();
    Exec("CREATE TABLE r (a INTEGER NOT NULL, b TEXT NOT NULL, v INTEGER, PRIMARY KEY (a, b))");
    ASSERT_TRUE(conn_->Begin().ok());
    for (int a = 0; a < 50; ++a) {
      for (const char* b : {"x", "y"}) {
        Exec("INSERT INTO r VALUES (" + std::to_string(a) + ", '" + b + "', " + std::to_string(a * 10) + ")");
      }
    }
    ASSERT_TRUE(conn_->Commit().ok());
    auto t = DiscoverTable(*conn_, "r");
    ASSERT_TRUE(t.ok());
    table_ = *t;
  }
  SourceTable table_;
};

TEST_F(SqliteRangeTest, CompositeKeyAndRanges) {
  EXPECT_EQ(table_.key_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table_.schema->identifier_field_ids(), (std::vector<int>{1, 2}));
  ExtractOptions o;
  o.batch_rows = 7;  // many batches
  o.key_range = KeyRange{{Value(DataType::Int64(), int64_t{10}), Value(DataType::String(), std::string("x"))},
                         {Value(DataType::Int64(), int64_t{20}), Value(DataType::String(), std::string("x"))}};
  RecordBatch b = testing::ExtractAll(*conn_, table_, o);
  // (10,y) .. (20,x): 1 + 9*2 + 1 rows, in key order.
  ASSERT_EQ(b.num_rows(), 20);
  EXPECT_EQ(b.column(0).Value<int64_t>(0), 10);
  EXPECT_EQ(b.column(1).GetBytes(0), "y");
  EXPECT_EQ(b.column(0).Value<int64_t>(19), 20);
  EXPECT_EQ(b.column(1).GetBytes(19), "x");
}

TEST_F(SqliteRangeTest, WhereWithBoundParameters) {
  ExtractOptions o;
  o.where = "v >= ? AND b = ?";
  o.where_params = {Value(DataType::Int64(), int64_t{480}), Value(DataType::String(), std::string("y"))};
  RecordBatch b = testing::ExtractAll(*conn_, table_, o);
  ASSERT_EQ(b.num_rows(), 2);
  EXPECT_EQ(b.column(2).Value<int64_t>(0), 480);
  EXPECT_EQ(b.column(2).Value<int64_t>(1), 490);
}

TEST_F(SqliteRangeTest, BatchesAreBounded) {
  ExtractOptions o;
  o.batch_rows = 16;
  auto ex = Extractor::Open(*conn_, table_, o);
  ASSERT_TRUE(ex.ok());
  RecordBatch batch;
  int64_t total = 0;
  while (true) {
    auto more = (*ex)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    EXPECT_LE(batch.num_rows(), 16);
    total += batch.num_rows();
  }
  EXPECT_EQ(total, 100);
}

TEST_F(SqliteRangeTest, SetBasedMergeFromStaging) {
  const Dialect& d = conn_->dialect();
  auto staging = d.StagingTableName("stage_r");
  ASSERT_TRUE(conn_->Begin().ok());
  Exec(d.CreateStagingTable(staging, *table_.schema));
  RecordBatch rows(table_.schema);
  // (1,x) updated, (100,x) inserted
  rows.column(0).Append<int64_t>(1);
  rows.column(1).AppendBytes("x");
  rows.column(2).Append<int64_t>(-1);
  rows.column(0).Append<int64_t>(100);
  rows.column(1).AppendBytes("x");
  rows.column(2).Append<int64_t>(-100);
  auto loader = BulkLoader::Open(*conn_, staging, table_.schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  ASSERT_TRUE((*loader)->Append(rows).ok());
  ASSERT_TRUE((*loader)->Finish().ok());
  std::vector<std::string> cols = {"a", "b", "v"};
  Exec(d.UpdateFromStaging(table_.name, staging, cols, table_.key_columns));
  Exec(d.InsertMissingFromStaging(table_.name, staging, cols, table_.key_columns));
  ASSERT_TRUE(conn_->Commit().ok());
  EXPECT_EQ(*conn_->QueryInt64("SELECT v FROM r WHERE a = 1 AND b = 'x'"), -1);
  EXPECT_EQ(*conn_->QueryInt64("SELECT v FROM r WHERE a = 100"), -100);
  EXPECT_EQ(*conn_->QueryInt64("SELECT COUNT(*) FROM r"), 101);
  // Delete the staged keys; a rollback undoes it (the caller owns the transaction).
  ASSERT_TRUE(conn_->Begin().ok());
  Exec(d.DeleteFromStaging(table_.name, staging, table_.key_columns));
  EXPECT_EQ(*conn_->QueryInt64("SELECT COUNT(*) FROM r"), 99);
  ASSERT_TRUE(conn_->Rollback().ok());
  EXPECT_EQ(*conn_->QueryInt64("SELECT COUNT(*) FROM r"), 101);
}

TEST_F(SqliteTest, MissingTableAndColumn) {
  auto t = DiscoverTable(*conn_, "main.nope");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(t.status().message().find("table main.nope not found"), std::string::npos) << t.status().message();
  Exec("CREATE TABLE present (a INTEGER, b TEXT)");
  auto p = DiscoverTable(*conn_, "present");
  ASSERT_TRUE(p.ok());
  auto sel = SelectColumns(*p, {"a", "zzz"});
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(sel.status().message().find("column zzz not found in table present; its columns are: a, b"),
            std::string::npos)
      << sel.status().message();
}

TEST_F(SqliteTest, LongValuesArriveInPieces) {
  Exec("CREATE TABLE big (k INTEGER PRIMARY KEY, t TEXT, b BLOB)");
  auto t = DiscoverTable(*conn_, "big");
  ASSERT_TRUE(t.ok());
  RecordBatch rows(t->schema);
  std::string text(3 << 20, 'a');
  for (size_t i = 0; i < text.size(); i += 1000) text[i] = static_cast<char>('b' + i % 20);
  rows.column(0).Append<int64_t>(1);
  rows.column(1).AppendBytes(text);
  rows.column(2).AppendBytes(text);
  auto loader = BulkLoader::Open(*conn_, t->name, t->schema);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->Append(rows).ok());
  ASSERT_TRUE((*loader)->Finish().ok());
  RecordBatch back = testing::ExtractAll(*conn_, *t);
  ASSERT_EQ(back.num_rows(), 1);
  EXPECT_EQ(back.column(1).GetBytes(0), text);
  EXPECT_EQ(back.column(2).GetBytes(0), text);
}

// SQLite does not enforce declared sizes: an NVARCHAR(100) column holds 4,000 characters and a
// VARBINARY(10) column 5,000 bytes. The extractor reads them whole (in pieces, one row per
// fetch) instead of failing on the buffer its declared size would give.
TEST_F(SqliteTest, ValuesLongerThanTheirDeclaredSizeArriveWhole) {
  Exec("CREATE TABLE small (k INTEGER PRIMARY KEY, name NVARCHAR(100), code VARBINARY(10), note VARCHAR(5))");
  auto t = DiscoverTable(*conn_, "small");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->schema->field(2).type.ToString(), "binary");
  for (const ColumnMapping& m : t->mappings) EXPECT_EQ(m.max_bytes, -1) << m.type.ToString();
  // 4,000 characters mixing 1-, 2-, 3- and 4-byte UTF-8 sequences (10,000 bytes).
  std::string text;
  for (int i = 0; i < 1000; ++i) text += i % 2 == 0 ? "aÃ©æ¥ð" : "ðæ¥Ã©z";
  std::string bytes(5000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
  RecordBatch rows(t->schema);
  for (int64_t k = 1; k <= 3; ++k) {
    rows.column(0).Append<int64_t>(k);
    if (k == 2) {
      rows.column(1).AppendNull();
      rows.column(2).AppendNull();
      rows.column(3).AppendBytes("ok");
      continue;
    }
    rows.column(1).AppendBytes(k == 1 ? text : "short");
    rows.column(2).AppendBytes(k == 1 ? bytes : std::string("\x01\x02"));
    rows.column(3).AppendBytes(text.substr(0, 12));
  }
  auto loader = BulkLoader::Open(*conn_, t->name, t->schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  ASSERT_TRUE((*loader)->Append(rows).ok());
  ASSERT_TRUE((*loader)->Finish().ok());
  auto e = Extractor::Open(*conn_, *t, ExtractOptions{.order_by_key = true});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  RecordBatch back;
  auto more = (*e)->Next(&back);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_EQ(back.num_rows(), 3);
  for (int64_t r = 0; r < 3; ++r) EXPECT_EQ(CanonicalRow(back, r), CanonicalRow(rows, r)) << "row " << r;
  EXPECT_EQ(back.column(1).GetBytes(0), text);
  EXPECT_EQ(back.column(2).GetBytes(0), bytes);
  EXPECT_TRUE(back.column(1).IsNull(1));
}

// Decimals, dates and uuids are read as text of a bounded length; SQLite keeps any text in any
// column, and a longer one is no value of the column's type: the error names the column,
// the table and the type instead of blaming a declared size.
TEST_F(SqliteTest, OverlongTextInATypedColumnIsNamed) {
  Exec("CREATE TABLE typed (k INTEGER PRIMARY KEY, d DATE)");
  Exec("INSERT INTO typed VALUES (1, '2024-01-02'), (2, '" + std::string(100, 'x') + "')");
  auto t = DiscoverTable(*conn_, "typed");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto e = Extractor::Open(*conn_, *t);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  RecordBatch batch;
  auto more = (*e)->Next(&batch);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), ErrorCode::kCorrupt);
  for (const char* part : {"column d of typed", "which is no date", "view"}) {
    EXPECT_NE(more.status().message().find(part), std::string::npos) << part << " in: " << more.status().message();
  }
}

}  // namespace
}  // namespace icesync::db
