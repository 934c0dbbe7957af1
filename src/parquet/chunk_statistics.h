#pragma once
// Column-chunk statistics as core Values, for pruning and `parquet meta`.
//
// Which statistics are trusted (parquet.thrift, Statistics and ColumnOrder):
//  - min_value/max_value, unless the file declares a column order this reader does not know;
//  - the legacy min/max only where their (signed) sort order is the type's order: BOOLEAN,
//    INT32, INT64, FLOAT, DOUBLE with a signed logical type (not unsigned ints; never byte
//    arrays, whose legacy order was signed bytes);
//  - never for INT96, unsigned ints or nanosecond timestamps/times (no ordered core value);
//  - a NaN bound is dropped (NaN stats are meaningless); a zero min is widened to -0 and a
//    zero max to +0, as the spec asks.
// A bound that is unavailable is a null Value; counts are -1 when unknown.
#include "core/batch.h"
#include "core/value.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

struct ChunkBounds {
  Value lower;
  Value upper;
  int64_t null_count = -1;
  int64_t value_count = -1;
};

ChunkBounds BoundsOf(const LeafColumn& leaf, const ColumnMetaData& meta, bool column_order_known);

// Value i of a primitive column vector (null when the slot is null).
Value ValueAt(const ColumnVector& column, int64_t i);

}  // namespace icesync::parquet
