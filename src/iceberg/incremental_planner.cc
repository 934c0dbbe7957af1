#include "iceberg/incremental_planner.h"

#include <algorithm>

namespace icesync::iceberg {

Result<std::vector<SnapshotChanges>> PlanIncremental(const Table& table, std::optional<SnapshotId> from_snapshot_id,
                                                     std::optional<SnapshotId> to_snapshot_id,
                                                     bool allow_moved_paths) {
  const TableMetadata& metadata = table.metadata;
  if (from_snapshot_id && !metadata.SnapshotById(*from_snapshot_id)) {
    return NotFound("table {} has no snapshot {}", metadata.location, SnapshotIdToString(*from_snapshot_id));
  }
  const Snapshot* to = nullptr;
  if (to_snapshot_id) {
    to = metadata.SnapshotById(*to_snapshot_id);
    if (!to) return NotFound("table {} has no snapshot {}", metadata.location, SnapshotIdToString(*to_snapshot_id));
  } else if (metadata.current_snapshot_id) {
    to = metadata.CurrentSnapshot();
  }

  // Walk from `to` back to `from` through parent links.
  std::vector<const Snapshot*> chain;
  bool reached_from = !from_snapshot_id;
  for (const Snapshot* s = to; s != nullptr;) {
    if (from_snapshot_id && s->snapshot_id == *from_snapshot_id) {
      reached_from = true;
      break;
    }
    chain.push_back(s);
    if (chain.size() > metadata.snapshots.size()) {
      return Corrupt("table {}: the snapshot parent links form a cycle", metadata.location);
    }
    s = s->parent_snapshot_id ? metadata.SnapshotById(*s->parent_snapshot_id) : nullptr;
  }
  if (!reached_from) {
    return InvalidArgument("snapshot {} is not an ancestor of snapshot {} in table {}",
                           SnapshotIdToString(*from_snapshot_id),
                           to ? SnapshotIdToString(to->snapshot_id) : std::string("(none)"), metadata.location);
  }
  std::reverse(chain.begin(), chain.end());

  const TableFileMapper mapper = table.FileMapper(allow_moved_paths);
  std::vector<SnapshotChanges> out;
  for (const Snapshot* s : chain) {
    SnapshotChanges changes;
    changes.snapshot = *s;
    // Only manifests written by this snapshot can hold entries it added or deleted.
    const SnapshotId id = s->snapshot_id;
    ASSIGN_OR_RETURN(std::vector<ResolvedEntry> entries,
                     ReadSnapshotEntries(table, *s, mapper, [id](const ManifestFile& m) {
                       return m.added_snapshot_id == id;
                     }));
    for (ResolvedEntry& e : entries) {
      if (e.file.snapshot_id != id || e.status == EntryStatus::kExisting) continue;
      const bool is_data = e.file.content() == FileContent::kData;
      if (e.status == EntryStatus::kAdded) {
        (is_data ? changes.added_data_files : changes.added_delete_files).push_back(std::move(e.file));
      } else {
        (is_data ? changes.removed_data_files : changes.removed_delete_files).push_back(std::move(e.file));
      }
    }
    out.push_back(std::move(changes));
  }
  return out;
}

}  // namespace icesync::iceberg
