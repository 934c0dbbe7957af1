// Key runs (iceberg/key_runs.h) and the table's key lookup that uses them: the positions found
// from a footer's runs, and from the lean key-column scan, are the ones the general row reader
// finds (IndexTableKeys with a hashed column reads whole rows through iceberg::TableReader).
#include "iceberg/key_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "parquet/parquet_reader.h"
#include "sync/table_key_index.h"
#include "testing/export_support.h"

namespace icesync::sync {
namespace {

using iceberg::KeyRuns;
using iceberg::KeyRunsBuilder;
using iceberg::kKeyRunsFooterKey;
using testing::CommandResult;
using testing::ExportFixture;
using testing::ShellQuote;

ColumnVector Longs(const std::vector<int64_t>& values) {
  ColumnVector c(DataType::Int64());
  for (int64_t v : values) c.Append(v);
  return c;
}

TEST(KeyRunsTest, RunsFollowTheKeysInWriteOrderAndFindPositions) {
  KeyRunsBuilder b(7);
  std::vector<int64_t> keys;
  for (int64_t k = 100; k < 140; ++k) keys.push_back(k);  // one run of 40
  keys.push_back(5);                                       // a run of 1
  for (int64_t k = 6; k < 30; ++k) keys.push_back(k);      // continues it: 5..29
  b.Add(Longs({keys.begin(), keys.begin() + 17}));         // batches split runs nowhere
  b.Add(Longs({keys.begin() + 17, keys.end()}));
  std::optional<std::string> encoded = b.Encode();
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, "1;7;100:40,5:25");
  std::optional<KeyRuns> runs = KeyRuns::Decode(*encoded, 65);
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->field_id, 7);
  auto found = runs->Find({4, 5, 29, 30, 100, 139, 140});
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::pair<int64_t, int64_t>>{{5, 40}, {29, 64}, {100, 0}, {139, 39}}));
}

TEST(KeyRunsTest, KeysAtPositionsWalkTheRuns) {
  std::optional<KeyRuns> runs = KeyRuns::Decode("1;7;100:40,5:25", 65);
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->KeysAt({0, 39, 40, 41, 64}), (std::vector<int64_t>{100, 139, 5, 6, 29}));
  EXPECT_EQ(runs->KeysAt({}), std::vector<int64_t>{});
  EXPECT_FALSE(runs->KeysAt({3, 65}));  // past the end
  EXPECT_FALSE(runs->KeysAt({-1}));
}

TEST(KeyRunsTest, NoEntryWhenItWouldNotPay) {
  KeyRunsBuilder scattered(1);
  scattered.Add(Longs({9, 3, 7, 1, 5}));  // five runs for five rows
  EXPECT_FALSE(scattered.Encode());
  KeyRunsBuilder with_null(1);
  ColumnVector c = Longs({1, 2, 3});
  c.AppendNull();
  with_null.Add(c);
  EXPECT_FALSE(with_null.Encode());
  KeyRunsBuilder too_many(1);
  std::vector<int64_t> every_other;
  for (int64_t k = 0; k < 2 * static_cast<int64_t>(KeyRunsBuilder::kMaxRuns) + 2; k += 2) {
    for (int i = 0; i < 20; ++i) every_other.push_back(k * 100 + i);
  }
  too_many.Add(Longs(every_other));
  EXPECT_FALSE(too_many.Encode());
}

TEST(KeyRunsTest, MalformedOrShortEntriesAreNotTrusted) {
  EXPECT_TRUE(KeyRuns::Decode("1;3;10:5,20:5", 10));
  for (const char* bad : {"", "2;3;10:5,20:5", "1;3;10:5,20:5,", "1;3;10:5;20:5", "1;3;10:0,20:10", "1;3;x:5",
                          "1;3;10:-5,20:15", "1;3;9223372036854775807:2,0:8"}) {
    EXPECT_FALSE(KeyRuns::Decode(bad, 10)) << bad;
  }
  EXPECT_FALSE(KeyRuns::Decode("1;3;10:5,20:5", 11));  // does not cover the file
}

// A table synced from SQLite whose key column is `layout`: sequential (runs in the footer)
// or shuffled (none: the lean scan reads the key column), then changed and synced again so
// that position deletes apply.
class KeyLookupTest : public ExportFixture, public ::testing::WithParamInterface<bool> {};

TEST_P(KeyLookupTest, RunsAndTheKeyScanFindWhatTheRowReaderFinds) {
  const bool sequential = GetParam();
  auto conn = db::Connection::Open(sqlite_url());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)->Execute("CREATE TABLE t (k BIGINT NOT NULL, v TEXT, updated_at TIMESTAMP)").ok());
  std::vector<int64_t> keys;
  for (int64_t k = 1; k <= 3000; ++k) keys.push_back(k < 2000 ? k : k + 5000);  // two runs when in order
  std::mt19937_64 rng(11);
  if (!sequential) std::shuffle(keys.begin(), keys.end(), rng);
  std::string insert = "INSERT INTO t VALUES ";
  for (size_t i = 0; i < keys.size(); ++i) {
    insert += fmt::format("{}({}, 'v{}', '2025-01-01 00:00:00')", i ? "," : "", keys[i], keys[i]);
  }
  ASSERT_TRUE((*conn)->Execute(insert).ok());
  const std::string sync = "sync --source " + ShellQuote(sqlite_url()) + " --table t --key k --warehouse " +
                           ShellQuote(warehouse()) + " --to s.t --detect timestamp:updated_at -q";
  CommandResult first = testing::Icesync(sync);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Updates move rows to a new file (position deletes in the old one); deletes remove them.
  ASSERT_TRUE((*conn)->Execute("UPDATE t SET v = 'changed', updated_at = '2025-02-01 00:00:00' WHERE k % 10 = 3").ok());
  CommandResult second = testing::Icesync(sync);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  iceberg::Table table = testing::LoadTable(TableDir("s.t"));
  const std::vector<std::string> files = testing::CommittedFiles(TableDir("s.t")).data;
  size_t with_runs = 0;
  for (const std::string& f : files) {
    auto reader = parquet::ParquetReader::Open(f);
    ASSERT_TRUE(reader.ok());
    for (const auto& kv : (*reader)->key_value_metadata()) with_runs += kv.key == kKeyRunsFooterKey;
  }
  // The first file (every key) has two runs; the updated rows' file (every tenth key) none.
  EXPECT_EQ(with_runs, sequential ? 1u : 0u);

  const Schema& schema = *table.metadata.CurrentSchema();
  const int key_id = schema.field(*schema.FindTopLevelIndex("k")).id;
  std::unordered_set<std::string> wanted;
  for (int64_t k : {int64_t{1}, int64_t{3}, int64_t{13}, int64_t{1999}, int64_t{2000}, int64_t{7000},
                    int64_t{7003}, int64_t{7993}, int64_t{999999}}) {
    std::string key(1, '\1');
    key.append(reinterpret_cast<const char*>(&k), 8);
    wanted.insert(key);
  }
  KeyIndexOptions lean;
  lean.key_field_ids = {key_id};
  KeyIndexOptions rows = lean;
  rows.hash_field_ids = {schema.field(*schema.FindTopLevelIndex("v")).id};
  auto by_lean = IndexTableKeys(table, schema, lean, KeyFilter{&wanted}, {});
  auto by_rows = IndexTableKeys(table, schema, rows, KeyFilter{&wanted}, {});
  ASSERT_TRUE(by_lean.ok()) << by_lean.status().ToString();
  ASSERT_TRUE(by_rows.ok()) << by_rows.status().ToString();
  auto located = [](const KeyIndex& index) {
    std::map<std::string, std::pair<std::string, int64_t>> out;
    for (const auto& [key, row] : index.rows) out[key] = {index.files[row.file].file_path, row.pos};
    return out;
  };
  EXPECT_EQ(located(*by_lean), located(*by_rows));
  // All but 2000 and 999999, which the table never held; 3, 13, 7003 and 7993 were updated.
  EXPECT_EQ(by_lean->rows.size(), 7u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, KeyLookupTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Sequential" : "Shuffled"; });

}  // namespace
}  // namespace icesync::sync
