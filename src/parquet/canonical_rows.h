#pragma once
// Canonical JSONL rows (core/canonical_json.h) of batches read from Parquet, honouring the
// ValueFormat of fields whose core storage is not their exact type (INT96, nanosecond
// times, unsigned ints: see file_schema.h). Everything else is formatted by core.
#include <string>

#include "core/batch.h"
#include "parquet/file_schema.h"

namespace icesync::parquet {

void AppendParquetValue(std::string& out, const Field& field, const ColumnVector& column, int64_t row,
                        const FileSchema& schema);
std::string ParquetCanonicalRow(const RecordBatch& batch, int64_t row, const FileSchema& schema);

// INT96 (8 bytes LE nanoseconds of day, 4 bytes LE Julian day) as Spark reads it: 64-bit
// wrapping microsecond arithmetic `(day - 2440588) * 86400000000 + nanos / 1000`, plus the
// sub-microsecond digits; printed with 9 fraction digits and no offset. The wrapping
// matches the decision in the parquet-testing corpus README (int96_from_spark.parquet).
std::string FormatInt96(const uint8_t* bytes12);

}  // namespace icesync::parquet
