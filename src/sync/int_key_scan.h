#pragma once
// The table's key scan for its most common shape: one integer key column and a set of wanted
// keys (sync/table_key_index.h falls back to reading rows through iceberg::TableReader for
// anything else). Per data file it reads only the key column's values, straight from the
// Parquet reader into a probe of the wanted set, with the row groups shared among threads;
// deleted positions are checked only for the rows found, not applied to every row. A mirror
// sync of a few changed rows spends most of its time here on a large table: every file whose
// key bounds may hold a changed key is read, so this loop is what "cost follows the change"
// pays per row of the table.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/predicate.h"
#include "core/schema.h"
#include "sync/int_key_set.h"

namespace icesync::sync {

// A row found: its key and its position in the file.
struct FoundIntKey {
  int64_t key = 0;
  int64_t pos = 0;
};

// The rows of the Parquet file at `local_path` whose field `key` (an int or long, as the file
// stores it) is in `wanted` (also given as `sorted_wanted`: ascending, distinct), skipping
// `deleted` positions (sorted) and row groups that `prune` rules out. A file whose footer
// has key runs (iceberg/key_runs.h) is answered from them without reading its rows. nullopt
// when the file does not store the key as `key.type` (a promoted column): the caller then
// reads it the general way. Threads: at most `threads` (row groups are dealt out among them).
Result<std::optional<std::vector<FoundIntKey>>> ScanIntKeys(const std::string& local_path, const Field& key,
                                                            const IntKeySet& wanted,
                                                            const std::vector<int64_t>& sorted_wanted,
                                                            const std::vector<int64_t>& deleted,
                                                            const std::vector<Predicate>& prune, int threads);

}  // namespace icesync::sync
