#pragma once
// What a scan of a Parquet file reads (ParquetReader::Scan): fields, row groups, batch size.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/predicate.h"

namespace icesync::parquet {

struct ReaderOptions {
  // Check page CRC32s where pages carry one (off by default, like most readers).
  bool verify_checksums = false;
};

// Iceberg's reserved field id of the `_pos` metadata column.
constexpr int kRowPositionFieldId = 2147483645;

// Rows per batch unless the scan says otherwise: small enough that a batch's buffers stay
// a few MiB and are reused from batch to batch, large enough that per-batch work is noise.
constexpr int64_t kDefaultBatchRows = 64 * 1024;

struct ScanOptions {
  // Top-level fields to read, by field id; a nested field's id selects its whole top-level
  // field. Empty: every field. Ids the file lacks are ignored (schema evolution: the
  // caller fills columns a file predates).
  std::vector<int> field_ids;
  // Conjunction of predicates: row groups whose statistics show no row can match are
  // skipped (rows of the groups read are not filtered).
  std::vector<Predicate> filter;
  // Appends a required long column `_pos` (field id kRowPositionFieldId): each row's 0-based
  // position in the file, counting across row groups.
  bool with_row_position = false;
  // Row groups to read, in this order (`filter` then also applies). Unset: every row group.
  std::optional<std::vector<int>> row_groups;
  // Batches hold at most this many rows (> 0), and never span row groups.
  int64_t batch_rows = kDefaultBatchRows;
};

}  // namespace icesync::parquet
