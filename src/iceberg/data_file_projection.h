#pragma once
// Reading the columns of an Iceberg data or delete file by field id (never by name: Parquet
// names may be sanitised, `Breed_x20Name`, or stale after a rename). Columns come back typed
// as the Iceberg schema says; a file column whose physical form differs only in annotation
// (uuid stored as plain fixed[16]) or by an allowed type promotion (int → long, float →
// double, decimal precision widening) is converted.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/batch.h"

namespace icesync::iceberg {

struct ProjectedFile {
  int64_t num_rows = 0;
  // present[i]: wanted[i] is a column of the file. Missing fields have no column in batches.
  std::vector<bool> present;
};

// Reads `wanted` top-level fields of the Parquet file at `local_path` and calls `sink` with
// batches of the present fields only (schema: the present wanted fields, in wanted order),
// in file row order, each with the position in the file of its first row (its rows are
// consecutive). Batches are bounded (parquet::kDefaultBatchRows rows), not one per row
// group. `sink` may be called zero times (empty file).
using ProjectedBatchSink = std::function<Status(RecordBatch&& batch, int64_t first_row)>;
Result<ProjectedFile> ReadProjected(const std::string& local_path, const std::vector<Field>& wanted,
                                    const ProjectedBatchSink& sink);

// `column` converted to `target` (same values): retyping identical storage, int → long,
// float → double, decimal(P,S) → decimal(P',S) for P' >= P. Unsupported otherwise.
Result<ColumnVector> ConvertColumn(ColumnVector column, const DataType& target);

}  // namespace icesync::iceberg
