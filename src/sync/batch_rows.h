#pragma once
// Copying selected rows between columnar batches of the same schema: how the exporter routes
// the rows of one extracted batch into per-partition batches. Copies are bulk per column
// (no per-row heap allocation once the destination buffers have grown).
#include <cstdint>
#include <span>

#include "core/batch.h"

namespace icesync::sync {

// Appends src[rows[0]], src[rows[1]], ... to dst (same type), nulls included.
void AppendRows(ColumnVector& dst, const ColumnVector& src, std::span<const int64_t> rows);
// Appends the given rows of every column; dst and src have the same schema.
void AppendRows(RecordBatch& dst, const RecordBatch& src, std::span<const int64_t> rows);

}  // namespace icesync::sync
