#pragma once
// Record assembly (Dremel): turns the decoded definition/repetition levels and values of
// the leaf columns for a batch of rows (of one row group) into nested ColumnVectors,
// validating the levels as it goes so that corrupt files fail with Corrupt instead of
// producing misaligned rows: every row starts with repetition level 0 in every leaf, levels
// stay within their max, sibling leaves agree on where lists start and end, and each leaf's
// levels and values are used up exactly by the batch's num_rows rows.
#include <cstdint>
#include <string>
#include <vector>

#include "core/batch.h"
#include "parquet/decoded_values.h"
#include "parquet/file_schema.h"

namespace icesync::parquet {

// Levels and values of one column chunk. `def`/`rep` are empty when the column's max level
// is 0 (all levels 0); `num_levels` is the number of level entries either way.
struct LeafData {
  int64_t num_levels = 0;
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  DecodedValues values;
};

class RecordAssembler {
 public:
  // `data` is indexed by leaf index; only the leaves under assembled fields must be filled.
  RecordAssembler(const FileSchema& schema, std::vector<LeafData>& data, std::string context)
      : schema_(schema), data_(data), context_(std::move(context)), pos_(data.size(), 0), vpos_(data.size(), 0) {}

  // Appends num_rows values of a top-level field to `out` and checks that its leaves are
  // fully consumed.
  Status AssembleField(const AssemblyNode& node, int64_t num_rows, ColumnVector* out);

 private:
  Status AssembleValue(const AssemblyNode& node, ColumnVector* out);
  Status AppendLeafValue(int leaf, ColumnVector* out);
  // Appends the leaf's next `n` values (all present) in bulk.
  Status AppendLeafRun(int leaf, int64_t n, ColumnVector* out);
  // Checks that the leaves under `node` were used up exactly.
  Status CheckConsumed(const AssemblyNode& node, int64_t num_rows);
  Status SkipEmpty(const AssemblyNode& node, int below_def);
  Status Def(int leaf, int* def);
  int Rep(int leaf) const;

  const FileSchema& schema_;
  std::vector<LeafData>& data_;
  std::string context_;
  std::vector<int64_t> pos_;   // next level entry per leaf
  std::vector<int64_t> vpos_;  // next value per leaf
};

// Converts physical value i of a leaf to its core type and appends it.
Status AppendConverted(const LeafColumn& leaf, const DecodedValues& values, int64_t i, ColumnVector* out);
// Whether a flat leaf's decoded values have the storage of `out` (no conversion), so that
// the decoded buffers can become the vector's.
bool SharesStorage(const LeafColumn& leaf, const ColumnVector& out);
// Spreads the dense values of a fixed-width or byte-array vector (its data and offsets
// hold only the present values) over num_rows rows: a row is present when def[r] >=
// present_def; null rows get a zeroed slot or an empty range and validity 0. size() is
// left to the caller.
void SpreadNulls(const std::vector<int16_t>& def, int present_def, int64_t num_rows, ColumnVector* out);
// The same for values [first, first + n): one copy or one tight loop per run for the common
// conversions, AppendConverted per value for the rest.
Status AppendConvertedRun(const LeafColumn& leaf, const DecodedValues& values, int64_t first, int64_t n,
                          ColumnVector* out);

}  // namespace icesync::parquet
