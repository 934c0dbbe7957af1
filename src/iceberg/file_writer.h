#pragma once
// Writes one RecordBatch as a new Parquet data or delete file of a table and describes it for a
// manifest (metrics from the writer): what row deltas made by hand need (tests, benchmarks,
// position/equality deletes). Nothing is committed: pass the DataFile to a commit operation
// (snapshot_producer.h). Partitioned files go under the default spec's partition path.
#include <vector>

#include "core/batch.h"
#include "core/value.h"
#include "iceberg/catalog.h"
#include "iceberg/manifest.h"

namespace icesync::iceberg {

Result<DataFile> WriteNewFile(const Table& table, const RecordBatch& batch, FileContent content,
                              std::vector<Value> partition = {}, std::vector<int> equality_ids = {});

}  // namespace icesync::iceberg
