#pragma once
// Column building blocks the table reader needs beyond what a Parquet file gives it:
// copying selected rows (to drop deleted rows) and filling a column with one constant (a
// schema field a data file lacks reads as its identity partition value, its initial-default,
// or null — table spec, "Default values" and "Column Projection").
#include <cstdint>
#include <vector>

#include "core/batch.h"
#include "core/value.h"

namespace icesync::iceberg {

// Appends value `row` of `src` to `dst` (same type; nested types included).
void AppendValueFrom(ColumnVector& dst, const ColumnVector& src, int64_t row);

// The rows of `batch` whose `keep` byte is non-zero, in order. keep.size() == num_rows.
RecordBatch SelectRows(const RecordBatch& batch, const std::vector<uint8_t>& keep);

// A column of `rows` copies of `value` (null when value.is_null()). The value's storage
// must match `type` (see core/value.h); primitive types only.
Result<ColumnVector> ConstantColumn(const DataType& type, const Value& value, int64_t rows);

}  // namespace icesync::iceberg
