#pragma once
// Finding the live rows of an Iceberg table by key: for each key, the data file and position of
// the row that holds it (what a position delete must name to replace or remove it).
//
// Cost follows the change: only the key columns are read (plus, in a changelog, its sequence
// column), only from data files whose key bounds (manifest partition summaries and file
// column bounds, through scan planning) may hold one of the wanted keys, with the table's
// deletes applied. Whole rows are read only for the few keys whose rows must be compared
// (ReadRowsAt), and only from the files that hold them.
//
// Keys are the byte strings of iceberg::EqualityKey over the key columns, typed as the
// table's schema `row_schema` (the schema this job writes with, so promoted columns compare
// in their new type).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/batch.h"
#include "core/predicate.h"
#include "iceberg/catalog.h"
#include "sync/position_delete_writer.h"

namespace icesync::sync {

// A live row: its data file (an index into KeyIndex::files, so that millions of rows do not
// each carry a path) and position.
struct IndexedRow {
  uint32_t file = 0;
  int64_t pos = 0;
  int64_t order = 0;          // the latest_by column's value (changelog sequence), else 0
  std::string tag;            // the tag column's value (changelog operation), else ""
  std::string content_hash;   // with hash_field_ids: 16 bytes identifying those values
};
struct KeyIndex {
  std::vector<RowLocation> files;  // per data file read: path, spec, partition (pos unused)
  std::unordered_map<std::string, IndexedRow> rows;  // by key
  RowLocation At(const IndexedRow& row) const {
    RowLocation l = files[row.file];
    l.pos = row.pos;
    return l;
  }
};

// Which keys to index: all (no keys), those in `keys`, or with `absent` those NOT in it (the
// table's rows whose key the source no longer has). For a single integer key `sorted_ints`
// may stand in for `keys`: the same set as sorted numbers, 8 bytes a key.
struct KeyFilter {
  const std::unordered_set<std::string>* keys = nullptr;
  const std::vector<int64_t>* sorted_ints = nullptr;
  bool absent = false;
};

struct KeyIndexOptions {
  std::vector<int> key_field_ids;  // in key order
  // Several rows per key (a changelog): keep the one with the highest value of this long field.
  std::optional<int> latest_by_field_id;
  // A string field whose value (the changelog's operation) is kept with each row.
  std::optional<int> tag_field_id;
  // Also read these fields and keep a hash of each row's values of them (full detection).
  std::vector<int> hash_field_ids;
};

// The rows of the table's current snapshot whose keys pass `filter`. `prune`: predicates every
// wanted key satisfies (e.g. its first column's range), used to skip files. InvalidArgument
// when a key occurs in two live rows (outside a changelog): the table's key is not unique, so
// a key cannot name one row.
Result<KeyIndex> IndexTableKeys(const iceberg::Table& table, const Schema& row_schema, const KeyIndexOptions& options,
                                const KeyFilter& filter, const std::vector<Predicate>& prune);

// 16 bytes identifying a row's values (two independent 64-bit hashes of its EqualityKey).
std::string ContentHash(const std::vector<const ColumnVector*>& columns, int64_t row);
// The first of those two hashes (what a run keeps about its re-reads).
uint64_t ContentHash64(const std::vector<const ColumnVector*>& columns, int64_t row);

// The whole rows (in `row_schema`) at the given locations; `sink` gets each as (batch, row
// index in it, the location).
using LocatedRowSink = std::function<Status(const RecordBatch& batch, int64_t row, const RowLocation& location)>;
Status ReadRowsAt(const iceberg::Table& table, const Schema& row_schema, const std::vector<RowLocation>& rows,
                  const LocatedRowSink& sink);

}  // namespace icesync::sync
