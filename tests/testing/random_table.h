#pragma once
// A randomly shaped source table for the randomized tests (differential, random kills): a
// seeded schema (1-3 key columns, every type the exporter maps, awkward column names), seeded
// rows at the edges of every type (min/max integers, 0001-01-01 and 9999-12-31, decimals with
// all their digits, unicode with emoji and quotes, empty strings and binaries beside NULLs),
// and seeded batches of inserts, updates (some changing the key) and deletes. Each batch runs
// on the real database through bound parameters (bulk-loaded staging tables and set-based
// statements in one transaction) and on the in-memory model in the same way, so the model is
// what every reader of the database or of its Iceberg copy must return.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/value.h"

namespace icesync::testing {

enum class Engine { kSqlite, kPostgres };
// What one batch of changes did (rows of the model).
struct ChangeCounts {
  int inserted = 0;
  int updated = 0;
  int rekeyed = 0;  // updates that changed the key
  int deleted = 0;
};

class RandomTable {
 public:
  // A new random schema named `name` for `engine` (engine decides which doubles survive a
  // round trip: SQLite 3.40 keeps about 16 digits, docs/type-mapping.md).
  RandomTable(uint64_t seed, Engine engine, std::string name);

  const std::string& name() const { return name_; }
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  // "name type, ..." with the key columns marked, for failure messages.
  std::string Describe() const;
  // The timestamp column every change stamps (for --detect timestamp:COL).
  static constexpr const char* kCursor = "updated_at";
  // A random --partition-by expression over this schema ("" sometimes): identity, bucket,
  // truncate, month or day of suitable columns.
  std::string RandomPartitionBy();
  // Something from the table's random stream, for choices the test makes (options, delays).
  uint64_t Draw() { return rng_(); }

  // Creates the table (with its primary key) at `url` and loads `rows` random rows.
  void Create(const std::string& url, int rows);
  // One random batch of changes applied to the database at `url` in one transaction, and to
  // the model. Fails the test when the database refuses it.
  ChangeCounts ApplyRandomChanges(const std::string& url);

  // The rows as the model holds them, and as sorted canonical JSON lines.
  RecordBatch Rows() const;
  std::string ExpectedLines() const;
  size_t row_count() const { return rows_.size(); }

 private:
  using Row = std::vector<Value>;
  Value RandomValue(const DataType& type);
  Row RandomRow();
  // Random key values that none of `holders` has, written into `row`.
  void RandomFreshKey(Row& row, const std::vector<Row>& holders);
  std::string KeyOf(const Row& row) const;
  RecordBatch ToBatch(const std::shared_ptr<const Schema>& schema, const std::vector<Row>& rows) const;
  Value NextStamp();

  std::mt19937_64 rng_;
  Engine engine_;
  std::string name_;
  std::shared_ptr<const Schema> schema_;
  std::vector<size_t> key_columns_;
  size_t cursor_column_ = 0;
  std::vector<Row> rows_;
  int64_t clock_micros_ = 0;  // the last stamp
  // Half the tables keyed by one integer column number new rows as IDENTITY/serial columns do
  // (counting up, now and then a gap, some near the type's maximum): the keys sync finds by
  // the runs in data file footers (sync/key_runs.h). Empty: random keys.
  std::optional<int64_t> next_serial_;
};

}  // namespace icesync::testing
