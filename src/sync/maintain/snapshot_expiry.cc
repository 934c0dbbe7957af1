// Snapshot expiry: one metadata commit that drops the expired snapshots, then deletion of the
// files only they referenced (Java's ExpireSnapshots with its reachable-file cleanup).
#include <algorithm>

#include "core/crash_point.h"
#include "iceberg/filesystem_catalog.h"
#include "sync/maintain/maintain.h"
#include "sync/maintain/table_files.h"
#include "sync/watermark.h"

namespace icesync::sync::maintain {

namespace {

// The snapshots `m` must keep under `o`; recomputed on every commit attempt, against the base
// being committed on (a sync that committed meanwhile is the newest snapshot and so is kept).
std::set<int64_t> KeptSnapshots(const iceberg::TableMetadata& m, const ExpireOptions& o) {
  std::set<int64_t> keep = o.keep_snapshots;
  for (const auto& [name, ref] : m.refs) keep.insert(ref.snapshot_id);
  if (m.current_snapshot_id) keep.insert(*m.current_snapshot_id);
  // The newest `retain_last` of the current ancestry, and the chain back to the snapshot that
  // carries the sync watermark: sync walks parent links to find it, so none may be missing.
  // The carrier is the nearest snapshot with the keys (a compaction's copy counts); without a
  // watermark nothing is kept for it.
  const iceberg::Snapshot* carrier = FindWatermarkSnapshot(m);
  bool before_watermark = carrier != nullptr;
  int depth = 0;
  const iceberg::Snapshot* s = m.CurrentSnapshot();
  for (size_t steps = 0; s != nullptr && steps <= m.snapshots.size(); ++steps, ++depth) {
    if (depth < o.retain_last || before_watermark) keep.insert(s->snapshot_id);
    if (s == carrier) before_watermark = false;
    if (!s->parent_snapshot_id) break;
    s = m.SnapshotById(*s->parent_snapshot_id);
  }
  for (const iceberg::Snapshot& snap : m.snapshots) {
    if (snap.timestamp_ms >= o.older_than_ms) keep.insert(snap.snapshot_id);
  }
  return keep;
}

std::set<int64_t> Expired(const iceberg::TableMetadata& m, const std::set<int64_t>& keep) {
  std::set<int64_t> out;
  for (const iceberg::Snapshot& s : m.snapshots) {
    if (!keep.count(s.snapshot_id)) out.insert(s.snapshot_id);
  }
  return out;
}

}  // namespace

Result<ExpireResult> ExpireSnapshots(const iceberg::TableRef& ref, const ExpireOptions& options) {
  if (options.retain_last < 1) {
    return InvalidArgument("--retain-last must be at least 1 (the current snapshot is always kept)");
  }
  ExpireResult result;
  ASSIGN_OR_RETURN(iceberg::Table table, ref.Load());
  const std::string table_dir = table.table_dir;
  std::set<int64_t> expired = Expired(table.metadata, KeptSnapshots(table.metadata, options));
  iceberg::Table before = table;  // the version whose expired snapshots name the candidates
  // What the expired snapshots referenced (every entry). Read on each commit attempt, before
  // the commit: a path in them that leaves the table (hand-edited or hostile metadata) fails
  // the expiry while the table is unchanged, instead of after its snapshots are gone.
  ReferencedFiles gone;
  if (!expired.empty() && !options.dry_run) {
    Result<iceberg::Table> committed = ref.Commit([&](const iceberg::Table& base) -> Result<iceberg::TableMetadata> {
      before = base;
      expired = Expired(base.metadata, KeptSnapshots(base.metadata, options));
      ASSIGN_OR_RETURN(gone, CollectReferencedFiles(base, expired, false));
      iceberg::TableMetadata next = base.metadata;
      std::erase_if(next.snapshots, [&](const iceberg::Snapshot& s) { return expired.count(s.snapshot_id) > 0; });
      std::erase_if(next.snapshot_log, [&](const iceberg::SnapshotLogEntry& e) { return expired.count(e.snapshot_id) > 0; });
      return next;
    });
    if (!committed.ok()) return committed.status().WithContext(fmt::format("expiring snapshots of {}", table_dir));
    table = *committed;
  }
  result.expired_snapshot_ids.assign(expired.begin(), expired.end());
  if (expired.empty()) return result;

  // Those files minus what the remaining snapshots still hold live, read after the commit:
  // from here on no reader can reach the difference.
  if (options.dry_run) {
    ASSIGN_OR_RETURN(gone, CollectReferencedFiles(before, expired, false));
  }
  std::set<int64_t> remaining;
  for (const iceberg::Snapshot& s : (options.dry_run ? before : table).metadata.snapshots) {
    if (!expired.count(s.snapshot_id)) remaining.insert(s.snapshot_id);
  }
  ASSIGN_OR_RETURN(ReferencedFiles kept, CollectReferencedFiles(options.dry_run ? before : table, remaining, true));
  std::vector<std::string> to_delete;
  for (const std::set<std::string>* set : {&gone.manifest_lists, &gone.manifests, &gone.content_files}) {
    for (const std::string& p : *set) {
      if (!kept.Contains(p)) to_delete.push_back(p);
    }
  }
  result.files_deleted = static_cast<int64_t>(to_delete.size());
  if (options.dry_run) {
    for (const std::string& p : to_delete) {
      if (Result<uint64_t> size = FileSize(p); size.ok()) result.bytes_freed += static_cast<int64_t>(*size);
    }
    return result;
  }
  // A kill here leaves the new metadata current and the files it no longer references on
  // disk: orphans, which --remove-orphans takes later.
  CrashPoint("expire-committed");
  ASSIGN_OR_RETURN(result.bytes_freed, DeleteTableFiles(table, to_delete));
  return result;
}

}  // namespace icesync::sync::maintain
