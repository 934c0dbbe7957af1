#pragma once
// Row-level deletes applied to the rows of one data file.
//
// Position deletes: rows (file_path, pos) of position delete files, kept per data file path
// (the unmapped manifest string). Equality deletes: the delete rows' values of the
// `equality_ids` columns; a data row is deleted when its values of those columns equal a
// delete row's (null equals null, per the spec).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/batch.h"

namespace icesync::iceberg {

// Field ids of the position delete file columns (table spec, "Position Delete Files").
inline constexpr int kDeleteFilePathFieldId = 2147483546;
inline constexpr int kDeletePosFieldId = 2147483545;

class PositionDeletes {
 public:
  // `batch` has the file_path (string) and pos (long) columns at the given indexes.
  Status AddBatch(const RecordBatch& batch, size_t path_column, size_t pos_column);
  void Add(std::string_view data_file_path, int64_t pos);
  // Sorted, de-duplicated positions deleted in `data_file_path` (empty if none).
  std::vector<int64_t> PositionsFor(std::string_view data_file_path) const;

 private:
  std::unordered_map<std::string, std::vector<int64_t>> by_path_;
};

// Clears keep[i] for every deleted row i of a batch holding file rows
// [first_row, first_row + keep.size()). `positions` is sorted.
void ApplyPositionDeletes(const std::vector<int64_t>& positions, int64_t first_row, std::vector<uint8_t>& keep);

class EqualityDeletes {
 public:
  // `equality_ids` in the delete file's order; the key columns of every batch passed to
  // AddBatch/Apply are given in that order and have the same types.
  explicit EqualityDeletes(std::vector<int> equality_ids) : equality_ids_(std::move(equality_ids)) {}
  const std::vector<int>& equality_ids() const { return equality_ids_; }
  // Adds every row of `columns` (one column per equality id) as a deleted key.
  void AddRows(const std::vector<const ColumnVector*>& columns);
  // Clears keep[i] for data rows whose key columns match a deleted key.
  void Apply(const std::vector<const ColumnVector*>& columns, std::vector<uint8_t>& keep) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<int> equality_ids_;
  std::unordered_set<std::string> keys_;
};

// A byte string identifying the values of `columns` at `row`: equal strings iff equal
// values (same types assumed). Primitive types only.
std::string EqualityKey(const std::vector<const ColumnVector*>& columns, int64_t row);

}  // namespace icesync::iceberg
