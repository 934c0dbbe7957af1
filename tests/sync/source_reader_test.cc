// SourceReader on SQLite: one consistent read whose rows stream through sqliteodbc (step mode)
// instead of being read whole into memory when the statement executes, while other statements
// (counts, catalog queries) run on the same connection, under both journal modes.
#include "sync/source_reader.h"

#include <gtest/gtest.h>

#include "testing/test_util.h"

namespace icesync::sync {
namespace {

constexpr int64_t kRows = 5000;

class SqliteSourceReaderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    source_ = "sqlite://" + dir_.file("s.db");
    // Another client of the file; it gives up on a lock after 200 ms instead of the driver's 100 s.
    auto c = db::Connect(source_ + "?Timeout=200");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    writer_ = std::move(c).value();
    Exec("PRAGMA journal_mode=" + GetParam());
    Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    Exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(kRows) +
         ") INSERT INTO t SELECT x, 'v' || x FROM c");
  }
  void Exec(const std::string& sql) {
    Status st = writer_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  bool Wal() const { return GetParam() == "WAL"; }

  // Whether `sql` is part-way through its rows on `conn`: SQLite's sqlite_stmt table lists the
  // connection's prepared statements and whether each is running. A result the driver read
  // whole at execution has run to its end, so only a stepping statement is still busy.
  static bool Stepping(const db::Connection& conn, const std::string& sql) {
    auto rows = conn.QueryText("SELECT busy FROM sqlite_stmt WHERE sql = ?", {sql});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && rows->size() == 1 && (*rows)[0][0] == std::optional<std::string>("1");
  }

  icesync::testing::TempDir dir_;
  std::string source_;
  std::unique_ptr<db::Connection> writer_;
};

TEST_P(SqliteSourceReaderTest, StreamsRowsOfOneStateWhileOtherStatementsRun) {
  auto opened = SourceReader::Open(source_, "t");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SourceReader& reader = **opened;
  EXPECT_EQ(reader.isolation(), "serializable (sqlite read transaction)");

  // A commit after Open: WAL lets the writer commit and the reader not see it; under a
  // rollback journal the reader's shared lock keeps the writer from committing.
  Status insert = writer_->Execute("INSERT INTO t VALUES (" + std::to_string(kRows + 1) + ", 'late')");
  EXPECT_EQ(insert.ok(), Wal()) << insert.ToString();
  auto count = reader.CountRows("");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, kRows);

  auto extractor = reader.Extract("", 100);
  ASSERT_TRUE(extractor.ok()) << extractor.status().ToString();
  RecordBatch batch;
  int64_t next_id = 1;
  auto read = [&]() -> bool {
    Result<bool> more = (*extractor)->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) return false;
    for (int64_t r = 0; r < batch.num_rows(); ++r) EXPECT_EQ(batch.column(0).Value<int64_t>(r), next_id++);
    return true;
  };
  ASSERT_TRUE(read());
  // Rows arrived while the statement is part-way through the table: the driver steps.
  EXPECT_TRUE(Stepping(reader.connection(), (*extractor)->sql()));

  // Statements on the same connection meanwhile run (buffered) and leave the stream alone.
  count = reader.CountRows("id > 10");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, kRows - 10);
  if (Wal()) Exec("DELETE FROM t WHERE id = 4000");  // after the reader's state: not seen
  EXPECT_TRUE(Stepping(reader.connection(), (*extractor)->sql()));
  while (read()) {
  }
  EXPECT_EQ(next_id, kRows + 1);
  EXPECT_FALSE(Stepping(reader.connection(), (*extractor)->sql()));
  ASSERT_TRUE(reader.Finish().ok());

  // The read transaction is over: a writer commits, and a new read sees what it committed.
  Exec("INSERT INTO t VALUES (" + std::to_string(kRows + 2) + ", 'after')");
  auto again = SourceReader::Open(source_, "t");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  count = (*again)->CountRows("");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, kRows + 1);  // WAL: +2 rows, -1 row; rollback journal: +1 row
}

// A key range (one reader of --parallel) streams too: sqliteodbc never steps a statement with
// bound parameters, so the integer bounds the range split computed are written as literals.
TEST_P(SqliteSourceReaderTest, KeyRangeStreamsWithItsBoundsAsLiterals) {
  auto opened = SourceReader::Open(source_, "t");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SourceReader& reader = **opened;
  db::ExtractOptions eo;
  eo.batch_rows = 100;
  db::KeyRange range;
  range.lower = {Value(DataType::Int64(), int64_t{1000})};
  range.upper = {Value(DataType::Int64(), int64_t{4000})};
  eo.key_range = range;
  auto extractor = reader.Extract(eo);
  ASSERT_TRUE(extractor.ok()) << extractor.status().ToString();
  const std::string sql = (*extractor)->sql();
  EXPECT_EQ(sql.find('?'), std::string::npos) << sql;
  EXPECT_NE(sql.find("> 1000"), std::string::npos) << sql;
  EXPECT_NE(sql.find("<= 4000"), std::string::npos) << sql;
  RecordBatch batch;
  int64_t next_id = 1001;
  bool checked = false;
  for (;;) {
    Result<bool> more = (*extractor)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    for (int64_t r = 0; r < batch.num_rows(); ++r) EXPECT_EQ(batch.column(0).Value<int64_t>(r), next_id++);
    if (!checked) {
      EXPECT_TRUE(Stepping(reader.connection(), sql));
      checked = true;
    }
  }
  EXPECT_EQ(next_id, 4001);
  ASSERT_TRUE(reader.Finish().ok());
}

INSTANTIATE_TEST_SUITE_P(JournalModes, SqliteSourceReaderTest, ::testing::Values("WAL", "DELETE"));

}  // namespace
}  // namespace icesync::sync
