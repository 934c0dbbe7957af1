#pragma once
// Where each key of a data file sits, for a table keyed by one integer column whose keys
// mostly count up by one from row to row (IDENTITY/serial keys read in key order: the common
// case). A run (first key k, length n) starting at row p says rows p .. p+n-1 hold keys
// k .. k+n-1; the runs of a file follow each other (the first starts at row 0) and cover
// every row.
//
// icesync writes them into the data file's Parquet footer (key "icesync.key-runs") when a
// file has few enough of them; a mirror sync then finds the rows of its changed keys from the
// footer alone, instead of reading the key column of every row (sync/int_key_scan.h), and an
// import finds the keys of deleted positions without reading the file (load/net_change.cc).
// Other readers ignore the entry. A file whose entry is missing, malformed or does not add up to
// its row count is read the ordinary way.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "parquet/metadata.h"

namespace icesync::iceberg {

inline constexpr const char* kKeyRunsFooterKey = "icesync.key-runs";

struct KeyRun {
  int64_t first_key = 0;
  int64_t length = 0;
};

// Collects the runs of the key values written to one file, in write order. Gives up (and
// writes nothing) past kMaxRuns runs or at a null key.
class KeyRunsBuilder {
 public:
  static constexpr size_t kMaxRuns = 4096;
  explicit KeyRunsBuilder(int field_id) : field_id_(field_id) {}
  // Appends rows [0, column.size()) of an int or long column.
  void Add(const ColumnVector& column);
  // The footer value, or nullopt when the file has too many runs (or a null key) for one to
  // pay: fewer than 16 rows a run on average is not worth an entry.
  std::optional<std::string> Encode() const;

 private:
  int field_id_;
  std::vector<KeyRun> runs_;
  int64_t rows_ = 0;
  bool abandoned_ = false;
};

struct KeyRuns {
  int field_id = 0;
  std::vector<KeyRun> runs;

  // Parses a footer value; nullopt unless it is well formed and its runs cover exactly
  // `num_rows` rows.
  static std::optional<KeyRuns> Decode(const std::string& value, int64_t num_rows);
  // The (key, position) of every key of `sorted_keys` (ascending, distinct) that the file
  // holds, in no particular order.
  std::vector<std::pair<int64_t, int64_t>> Find(const std::vector<int64_t>& sorted_keys) const;
  // The key at each of `sorted_positions` (ascending); nullopt if one is past the file's end.
  std::optional<std::vector<int64_t>> KeysAt(const std::vector<int64_t>& sorted_positions) const;
};

// The runs a data file's footer entries hold for key field `field_id`, if any (and if they
// fit a file of `num_rows` rows).
std::optional<KeyRuns> FooterKeyRuns(const std::vector<parquet::KeyValue>& footer, int64_t num_rows, int field_id);

}  // namespace icesync::iceberg
