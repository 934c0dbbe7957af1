#pragma once
// What an import reads from the Iceberg table: the net change between the snapshot the target
// holds (`from`) and the chosen one (`to`).
//
// Incremental: rows of the data files added after `from` that are still live at `to`, read
// with `to`'s deletes applied (one final version per key), and the keys of rows removed after
// `from`: position-delete files added after `from` point at rows of data files the target may
// hold (their key columns are read at those positions), equality-delete files on the key
// carry the keys themselves. Keys that are deleted and re-added are upserted, not deleted (the
// importer subtracts them set-based).
//
// A full read of `to` instead when the target holds nothing yet, holds another table, its
// snapshot is no longer in the table's history, or a snapshot in between removed data or
// delete files (overwrite, replace, compaction) or deleted by equality on other columns.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "iceberg/scan_planner.h"

namespace icesync::load {

struct FromSnapshot {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
};

struct NetChange {
  const iceberg::Snapshot* to = nullptr;  // nullptr: the table has no snapshot (no rows)
  bool full_read = true;
  std::string reason;  // why a full read; "incremental" otherwise
  iceberg::ScanPlan scan;                    // of `to`
  std::vector<iceberg::FileScanTask> row_tasks;  // the tasks whose rows are read
  std::vector<iceberg::ScanFile> position_deletes;  // added after `from` (incremental only)
  std::vector<iceberg::ScanFile> equality_deletes;  // added after `from`, on the key columns
  bool allow_moved_paths = false;
};

// `key_field_ids` may be empty (append, replace: no deleted keys are read).
Result<NetChange> PlanNetChange(const iceberg::Table& table, std::optional<FromSnapshot> from,
                                std::optional<int64_t> to_snapshot_id, const std::vector<int>& key_field_ids,
                                bool allow_moved_paths);

// The commit time (ms) of the snapshot that added `file`, else `fallback_ms` (expired).
int64_t AddedAtMs(const iceberg::Table& table, const iceberg::ScanFile& file, int64_t fallback_ms);

// Reads the keys removed by the change's delete files as batches of the key fields (in
// `key_fields` order) plus a last column: the commit time (TimestampTz µs) of the snapshot
// that removed the row.
using KeyBatchSink = std::function<Status(const RecordBatch& batch)>;
Status ReadDeletedKeys(const iceberg::Table& table, const NetChange& change, const std::vector<Field>& key_fields,
                       const std::shared_ptr<const Schema>& out_schema, int64_t batch_rows, const KeyBatchSink& sink);

}  // namespace icesync::load
