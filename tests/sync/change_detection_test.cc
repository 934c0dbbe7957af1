// The change-detection strategies' state machines: the read each plans from a stored
// watermark, the watermark each keeps, and what may be a re-read. SQL Server's rowversion runs
// against a scripted ChangeSource here: no SQL Server can run where these tests do, so the
// T-SQL it sends is checked as text (it runs for real only out of band); the other strategies
// run end to end on SQLite and PostgreSQL in incremental_sync_test.cc.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "core/temporal.h"
#include "db/dialect.h"
#include "sync/detect/change_detection.h"
#include "sync/watermark.h"

namespace icesync::sync {
namespace {

class ScriptedSource final : public ChangeSource {
 public:
  explicit ScriptedSource(db::DialectKind kind) : dialect_(db::MakeDialect(kind)) {}
  const db::Dialect& dialect() const override { return *dialect_; }
  std::string isolation() const override { return isolation_level; }
  // The answer of the first scripted query whose text the SQL contains, else `answer`.
  Result<std::string> QueryScalar(const std::string& sql, const std::vector<std::string>& params) const override {
    queries.push_back(sql);
    for (const std::string& p : params) queries.back() += " [" + p + "]";
    for (const auto& [part, reply] : answers) {
      if (sql.find(part) != std::string::npos) {
        if (!reply) return NotFound("{} returned no value", sql);
        return *reply;
      }
    }
    return answer;
  }
  std::string answer;
  std::string isolation_level = "SNAPSHOT";
  std::map<std::string, std::optional<std::string>> answers;
  mutable std::vector<std::string> queries;

 private:
  std::unique_ptr<db::Dialect> dialect_;
};

db::SourceTable Table(std::vector<Field> fields) {
  db::SourceTable t;
  t.name = db::TableName{"dbo", "Orders"};
  t.schema = std::make_shared<const Schema>(std::move(fields));
  return t;
}

RecordBatch Rows(const db::SourceTable& t, const std::vector<std::optional<int64_t>>& cursor) {
  RecordBatch b(t.schema);
  for (const auto& v : cursor) {
    b.column(0).Append<int64_t>(1);
    if (v) b.column(1).Append<int64_t>(*v); else b.column(1).AppendNull();
  }
  return b;
}

TEST(ChangeDetectionTest, SpecsAreParsedWithClearErrors) {
  EXPECT_EQ((*MakeChangeDetection("full", {}))->spec(), "full");
  EXPECT_EQ((*MakeChangeDetection("timestamp:ModifiedDate", {}))->spec(), "timestamp:ModifiedDate");
  Result<std::unique_ptr<ChangeDetection>> bad = MakeChangeDetection("timestamp", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("timestamp:COLUMN"), std::string::npos) << bad.status().message();
  bad = MakeChangeDetection("clock:x", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("full, timestamp:COL, id:COL, rowversion:COL"), std::string::npos);
}

TEST(ChangeDetectionTest, TimestampReadsFromTheWatermarkMinusLagWithAClosedStart) {
  db::SourceTable t = Table({{1, "id", DataType::Int64(), true}, {2, "updated_at", DataType::Timestamp(), false}});
  DetectionOptions o;
  o.lag_micros = 5'000'000;
  o.on_null_cursor = NullCursorPolicy::kExclude;
  auto d = std::move(MakeChangeDetection("timestamp:updated_at", o)).value();
  ASSERT_TRUE(d->Bind(t).ok());
  ScriptedSource pg(db::DialectKind::kPostgres);
  // First run: every row with a cursor.
  DetectionPlan first = *d->Plan(std::nullopt, pg);
  EXPECT_EQ(first.where, "\"updated_at\" IS NOT NULL");
  const int64_t w = *ParseTimestampMicros("2024-05-01T12:00:00.123456");
  DetectionPlan next = *d->Plan(std::string("2024-05-01T12:00:00.123456"), pg);
  EXPECT_EQ(next.where, "\"updated_at\" >= ?");
  ASSERT_EQ(next.params.size(), 1u);
  EXPECT_EQ(next.params[0].get<int64_t>(), w - 5'000'000);
  // Rows at or below the previous watermark may be re-reads; later ones are changes.
  RecordBatch rows = Rows(t, {w - 1, w, w + 1, std::nullopt});
  EXPECT_TRUE(d->MayBeReread(rows, 0));
  EXPECT_TRUE(d->MayBeReread(rows, 1));
  EXPECT_FALSE(d->MayBeReread(rows, 2));
  // The new watermark is the highest value read, at full precision, never lower than before.
  ASSERT_TRUE(d->Observe(rows).ok());
  EXPECT_EQ(d->NewWatermark(), "2024-05-01T12:00:00.123457");
  auto e = std::move(MakeChangeDetection("timestamp:updated_at", o)).value();
  ASSERT_TRUE(e->Bind(t).ok());
  ASSERT_TRUE(e->Plan(std::string("2024-05-01T12:00:00.123456"), pg).ok());
  ASSERT_TRUE(e->Observe(Rows(t, {w - 100})).ok());
  EXPECT_EQ(e->NewWatermark(), "2024-05-01T12:00:00.123456");
}

TEST(ChangeDetectionTest, TimestampBoundOnSqliteIsAWholeSecondEarlier) {
  db::SourceTable t = Table({{1, "id", DataType::Int64(), true}, {2, "ts", DataType::Timestamp(), false}});
  auto d = std::move(MakeChangeDetection("timestamp:ts", {})).value();
  ASSERT_TRUE(d->Bind(t).ok());
  ScriptedSource sqlite(db::DialectKind::kSqlite);
  DetectionPlan p = *d->Plan(std::string("2024-05-01T12:00:00.5"), sqlite);
  EXPECT_EQ(p.where, "(\"ts\" >= ?) OR \"ts\" IS NULL");  // NULLs read so that they are counted
  EXPECT_EQ(p.params[0].get<int64_t>(), *ParseTimestampMicros("2024-05-01T11:59:59"));
}

TEST(ChangeDetectionTest, NullCursorsFailByDefaultNamingTheCount) {
  db::SourceTable t = Table({{1, "id", DataType::Int64(), true}, {2, "ts", DataType::Timestamp(), false}});
  auto d = std::move(MakeChangeDetection("timestamp:ts", {})).value();
  ASSERT_TRUE(d->Bind(t).ok());
  ASSERT_TRUE(d->Observe(Rows(t, {1, std::nullopt, std::nullopt})).ok());
  Status st = d->Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("2 row(s) of dbo.Orders have NULL in ts"), std::string::npos) << st.message();
}

TEST(ChangeDetectionTest, CursorColumnMustExistAndHaveAUsableType) {
  db::SourceTable t = Table({{1, "id", DataType::Int64(), true}, {2, "name", DataType::String(), false}});
  Status missing = (*MakeChangeDetection("timestamp:nope", {}))->Bind(t);
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("columns: id, name"), std::string::npos) << missing.message();
  Status wrong = (*MakeChangeDetection("timestamp:name", {}))->Bind(t);
  EXPECT_NE(wrong.message().find("not a timestamp"), std::string::npos) << wrong.message();
}

TEST(ChangeDetectionTest, IdReadsAboveTheWatermarkAndSeesInsertsOnly) {
  db::SourceTable t = Table({{1, "x", DataType::Int64(), true}, {2, "seq", DataType::Int64(), true}});
  auto d = std::move(MakeChangeDetection("id:seq", {})).value();
  ASSERT_TRUE(d->Bind(t).ok());
  EXPECT_TRUE(d->inserts_only());
  ScriptedSource pg(db::DialectKind::kPostgres);
  DetectionPlan p = *d->Plan(std::string("41"), pg);
  EXPECT_EQ(p.where, "(\"seq\" > ?) OR \"seq\" IS NULL");
  EXPECT_EQ(p.params[0].get<int64_t>(), 41);
  ASSERT_TRUE(d->Observe(Rows(t, {42, 50, 43})).ok());
  EXPECT_EQ(d->NewWatermark(), "50");
}

// SQL Server, scripted: the window is [last, MIN_ACTIVE_ROWVERSION()) and the stored watermark
// is that upper bound, not the highest rowversion read.
TEST(ChangeDetectionTest, RowversionWindowEndsAtMinActiveRowversion) {
  db::SourceTable t = Table({{1, "id", DataType::Int64(), true}, {2, "RowVer", DataType::Fixed(8), true}});
  auto d = std::move(MakeChangeDetection("rowversion:RowVer", {})).value();
  ASSERT_TRUE(d->Bind(t).ok());
  ScriptedSource mssql(db::DialectKind::kSqlServer);
  mssql.answer = "0x00000000000007D1";
  DetectionPlan first = *d->Plan(std::nullopt, mssql);
  ASSERT_EQ(mssql.queries.size(), 1u);
  EXPECT_EQ(mssql.queries[0], "SELECT CONVERT(varchar(18), MIN_ACTIVE_ROWVERSION(), 1)");
  EXPECT_EQ(first.where, "[RowVer] < ?");
  ASSERT_EQ(first.params.size(), 1u);
  EXPECT_EQ(first.params[0].get<std::string>(), std::string("\0\0\0\0\0\0\x07\xD1", 8));
  EXPECT_EQ(d->NewWatermark(), "00000000000007d1");
  // The next run continues from exactly that bound, inclusive (it was excluded before).
  auto next = std::move(MakeChangeDetection("rowversion:RowVer", {})).value();
  ASSERT_TRUE(next->Bind(t).ok());
  mssql.answer = "0x0000000000000800";
  DetectionPlan p = *next->Plan(std::string("00000000000007d1"), mssql);
  EXPECT_EQ(p.where, "[RowVer] >= ? AND [RowVer] < ?");
  EXPECT_EQ(p.params[0].get<std::string>(), std::string("\0\0\0\0\0\0\x07\xD1", 8));
  EXPECT_EQ(p.params[1].get<std::string>(), std::string("\0\0\0\0\0\0\x08\x00", 8));
  EXPECT_EQ(next->NewWatermark(), "0000000000000800");
  // A garbled answer is an error, not a wrong window.
  mssql.answer = "0x12";
  auto bad = std::move(MakeChangeDetection("rowversion:RowVer", {})).value();
  ASSERT_TRUE(bad->Bind(t).ok());
  EXPECT_FALSE(bad->Plan(std::nullopt, mssql).ok());
  // Elsewhere rowversion does not exist.
  ScriptedSource pg(db::DialectKind::kPostgres);
  auto on_pg = std::move(MakeChangeDetection("rowversion:RowVer", {})).value();
  ASSERT_TRUE(on_pg->Bind(t).ok());
  EXPECT_EQ(on_pg->Plan(std::nullopt, pg).status().code(), ErrorCode::kUnsupported);
}

// SQL Server Change Tracking, scripted: versions checked and taken in the read's snapshot, the
// changes read from CHANGETABLE joined to the table, deletes flagged by the operation column.
TEST(ChangeDetectionTest, ChangeTrackingReadsTheChangeTableSinceTheStoredVersion) {
  db::SourceTable t = Table({{1, "OrderID", DataType::Int64(), true}, {2, "Total", DataType::Int64(), false}});
  t.key_columns = {"OrderID"};
  auto d = std::move(MakeChangeDetection("change-tracking", {})).value();
  ASSERT_TRUE(d->Bind(t).ok());
  ScriptedSource mssql(db::DialectKind::kSqlServer);
  mssql.answers["MIN_VALID_VERSION"] = "10";
  mssql.answers["CURRENT_VERSION"] = "42";
  // First run: the table itself; the watermark is the version current in its snapshot.
  DetectionPlan first = *d->Plan(std::nullopt, mssql);
  EXPECT_TRUE(first.from.empty());
  EXPECT_TRUE(first.where.empty());
  EXPECT_EQ(d->NewWatermark(), "42");
  ASSERT_EQ(mssql.queries.size(), 2u);
  EXPECT_EQ(mssql.queries[0], "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(?)) [[dbo].[Orders]]");
  EXPECT_EQ(mssql.queries[1], "SELECT CHANGE_TRACKING_CURRENT_VERSION()");
  // Next run: the changes since the stored version.
  mssql.answers["CURRENT_VERSION"] = "57";
  DetectionPlan next = *d->Plan(std::string("42"), mssql);
  EXPECT_EQ(next.from,
            "(SELECT [ct].[OrderID] AS [OrderID], [t].[Total] AS [Total], [ct].[SYS_CHANGE_OPERATION] AS "
            "[__icesync_change_op] FROM CHANGETABLE(CHANGES [dbo].[Orders], ?) AS [ct] LEFT OUTER JOIN "
            "[dbo].[Orders] AS [t] ON [t].[OrderID] = [ct].[OrderID]) AS [changes]");
  ASSERT_EQ(next.from_params.size(), 1u);
  EXPECT_EQ(next.from_params[0].get<int64_t>(), 42);
  EXPECT_EQ(next.op_column, kChangeOperationColumn);
  EXPECT_EQ(d->NewWatermark(), "57");
  // The extractor's SELECT over that derived table (T-SQL as text: no SQL Server runs here).
  auto dialect = db::MakeDialect(db::DialectKind::kSqlServer);
  EXPECT_EQ(dialect->SelectFrom(next.from, {{"OrderID", db::ReadAs::kNative, DataType::Int64()}}, "", {}),
            "SELECT [OrderID] FROM " + next.from);
  // Retention dropped changes since the stored version: an error that offers the ways out...
  mssql.answers["MIN_VALID_VERSION"] = "50";
  Result<DetectionPlan> stale = d->Plan(std::string("42"), mssql);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.status().message().find("since version 42 (the oldest it keeps is 50"), std::string::npos)
      << stale.status().message();
  EXPECT_NE(stale.status().message().find("--reinit"), std::string::npos);
  EXPECT_NE(stale.status().message().find("--detect full"), std::string::npos);
  // ...or with --reinit a full read compared with the table, continuing from the current version.
  DetectionOptions reinit;
  reinit.reinit = true;
  auto r = std::move(MakeChangeDetection("change-tracking", reinit)).value();
  ASSERT_TRUE(r->Bind(t).ok());
  DetectionPlan full = *r->Plan(std::string("42"), mssql);
  EXPECT_TRUE(full.full_read);
  EXPECT_TRUE(full.from.empty());
  EXPECT_EQ(r->NewWatermark(), "57");
  // Not enabled on the table, or not under SNAPSHOT isolation: errors that say how to fix it.
  mssql.answers["MIN_VALID_VERSION"] = std::nullopt;
  Status off = d->Plan(std::string("42"), mssql).status();
  EXPECT_NE(off.message().find("ENABLE CHANGE_TRACKING"), std::string::npos) << off.message();
  mssql.isolation_level = "READ COMMITTED";
  Status iso = d->Plan(std::string("42"), mssql).status();
  EXPECT_NE(iso.message().find("ALLOW_SNAPSHOT_ISOLATION ON"), std::string::npos) << iso.message();
  // A table without a primary key cannot be tracked.
  db::SourceTable keyless = Table({{1, "a", DataType::Int64(), true}});
  EXPECT_FALSE(std::move(MakeChangeDetection("change-tracking", {})).value()->Bind(keyless).ok());
}

TEST(WatermarkTest, ValuesRoundTripThroughTheirStoredText) {
  const Value values[] = {
      Value(DataType::Int64(), int64_t{-5}),
      Value(DataType::Int32(), int32_t{7}),
      Value(DataType::Date(), int32_t{19000}),
      Value(DataType::Timestamp(), *ParseTimestampMicros("2024-02-29T23:59:59.999999")),
      Value(DataType::TimestampTz(), *ParseTimestampMicros("2024-02-29T23:59:59.000001+00:00")),
      Value(DataType::Fixed(8), std::string("\x01\x02\x03\x04\x05\x06\x07\xff", 8)),
      Value(DataType::String(), std::string("Zürich")),
  };
  for (const Value& v : values) {
    const std::string text = EncodeWatermark(v);
    Result<Value> back = DecodeWatermark(v.type(), text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().ToString();
    EXPECT_EQ(back->Compare(v), 0) << text;
  }
  EXPECT_FALSE(DecodeWatermark(DataType::Int64(), "12x").ok());
}

}  // namespace
}  // namespace icesync::sync
