#pragma once
// Incremental planning: what changed between two snapshots of a table's history, snapshot by
// snapshot, oldest first. This is what sync and import consume: the files a snapshot ADDED
// (data files and delete files, with their data sequence numbers), and the data files it
// removed (DELETED entries, e.g. by an overwrite).
#include <optional>
#include <vector>

#include "iceberg/scan_planner.h"

namespace icesync::iceberg {

struct SnapshotChanges {
  Snapshot snapshot;
  std::vector<ScanFile> added_data_files;
  std::vector<ScanFile> added_delete_files;
  std::vector<ScanFile> removed_data_files;
  std::vector<ScanFile> removed_delete_files;
};

// Changes of the snapshots after `from_snapshot_id` (exclusive; nullopt: from the start of
// the table's history) up to `to_snapshot_id` (inclusive; nullopt: the current snapshot),
// following parent links from `to` back to `from`. InvalidArgument when `from` is not an
// ancestor of `to`; NotFound for unknown ids.
Result<std::vector<SnapshotChanges>> PlanIncremental(const Table& table, std::optional<SnapshotId> from_snapshot_id,
                                                     std::optional<SnapshotId> to_snapshot_id,
                                                     bool allow_moved_paths = false);

}  // namespace icesync::iceberg
