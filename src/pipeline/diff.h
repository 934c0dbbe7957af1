#pragma once
// `icesync diff`: does an Iceberg snapshot hold the rows of its source table (and does a
// target table hold the rows of the snapshot)? Rows are matched by key and compared by value
// under the type mapping (docs/type-mapping.md), so a decimal SQLite keeps as text equals the
// same decimal in Iceberg, an int equals the same long, 12.50 equals 12.5.
//
// Memory stays bounded whatever the table sizes, in the manner of reladiff's checksummed key
// ranges, adapted to sides that cannot all be read in key order (an Iceberg scan returns rows
// in file order): keys are hash-partitioned into `buckets` buckets instead of key ranges.
//   1. Each side is streamed once; per bucket it keeps a row count and an order-independent
//      sum of (key, row) hashes. Memory: the buckets.
//   2. Only buckets whose count or sum differ between two compared sides are read again,
//      a group of buckets at a time holding at most about `max_rows_in_memory` rows, and
//      their rows are compared key by key.
// Equal tables are thus read once per side with O(buckets) memory. The sides are read with
// plain SELECTs, not in one transaction: a source that changes during the diff shows those
// changes as differences.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/status.h"
#include "iceberg/catalog.h"
#include "iceberg/snapshot.h"

namespace icesync::pipeline {

struct DiffOptions {
  std::string source;        // connection: URL or ODBC string
  std::string table;         // [schema.]table in the source
  std::string warehouse;     // filesystem catalog root
  std::shared_ptr<iceberg::Catalog> catalog;  // null: the filesystem catalog at `warehouse`
  std::string iceberg;       // namespace.table (or a table directory / metadata file)
  std::string target;        // optional third side: connection
  std::string target_table;  // its table; defaults to `table`
  // Key columns; default: the source's primary key, else the Iceberg identifier fields.
  std::vector<std::string> key;
  std::optional<iceberg::SnapshotId> snapshot_id;  // default: the current snapshot
  int buckets = 4096;
  int64_t max_rows_in_memory = 1'000'000;
  int64_t batch_rows = 16384;
};

// One key that differs between two sides `left` and `right` ("source", "iceberg",
// "target"). `key` is a JSON object of the key columns' values.
struct RowDifference {
  std::string left;
  std::string right;
  std::string key;
  std::string column;       // kDifferent: the first differing column in column order
  std::string left_value;   // kDifferent: the values in comparable form (cut at 200 bytes)
  std::string right_value;
};

struct DiffResult {
  bool equal = true;
  std::vector<std::string> key_columns;
  std::vector<std::string> columns;  // compared: present on every side
  // "side.column" of columns that some side lacks (each makes the sides unequal).
  std::vector<std::string> unmatched_columns;
  int64_t source_rows = 0;
  int64_t iceberg_rows = 0;
  std::optional<int64_t> target_rows;
  std::optional<int64_t> snapshot_id;  // the snapshot compared (none: the table has no snapshot)
  std::vector<RowDifference> missing;     // key on the left side only
  std::vector<RowDifference> extra;       // key on the right side only
  std::vector<RowDifference> different;   // key on both, values differ
  std::vector<RowDifference> duplicates;  // key more than once on side `left` (right empty)
  int buckets = 0;
  int buckets_compared = 0;  // buckets whose rows were read again
  int passes = 0;            // reads of each side after the first
};

// Errors: NotFound for a missing source/target/Iceberg table, Database for source failures,
// InvalidArgument for options (no key, unknown key column).
Result<DiffResult> Diff(const DiffOptions& options);

// The form values are compared in: canonical JSON (core/canonical_json.h) with numbers of
// every integer and decimal type as a JSON string of their plain value ("5", "12.5", "-0.25"),
// so that int/long/decimal columns holding the same number compare equal.
std::string ComparableValue(const ColumnVector& column, int64_t row);

}  // namespace icesync::pipeline
