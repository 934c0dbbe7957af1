#pragma once
// `icesync maintain`: table upkeep for synced tables, what Spark users get from
// rewrite_data_files, expire_snapshots and remove_orphan_files (issue #13). One file per
// operation: compaction.cc, snapshot_expiry.cc, orphan_removal.cc; table_files.cc lists the
// files a set of snapshots references.
//
// Why under src/sync/ (and not a module of its own): compaction writes its output through
// sync's DataFileStage and carries sync's watermark keys (sync/watermark.h) forward, and expiry
// must keep the snapshot chain that sync walks to find its watermark. A separate library would
// either depend on sync anyway or duplicate both; as a subdirectory it is one more concept of
// the "into Iceberg" module, like sync/detect/.
//
// Crash safety, for every operation: files are deleted only after the metadata that no longer
// references them is current (linked by CommitTable); a kill in between leaves only orphans,
// which --remove-orphans deletes later. Orphan removal deletes only files older than a limit,
// so the new files of a writer still running (not yet committed) are never touched.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "iceberg/catalog.h"
#include "iceberg/table_ref.h"

namespace icesync::sync::maintain {

// ---- snapshot expiry (snapshot_expiry.cc) ----
struct ExpireOptions {
  // Snapshots committed before this time (ms since the epoch) may be expired.
  int64_t older_than_ms = 0;
  // The newest N snapshots of the current snapshot's ancestry are always kept.
  int retain_last = 1;
  // Snapshots kept whatever their age (--keep-snapshot: e.g. the one an import target holds).
  std::set<int64_t> keep_snapshots;
  bool dry_run = false;
};

struct ExpireResult {
  std::vector<int64_t> expired_snapshot_ids;
  int64_t files_deleted = 0;  // manifest lists, manifests, data and delete files
  int64_t bytes_freed = 0;
};

// Removes the expired snapshots from the table's metadata in one commit, then deletes the
// manifest lists, manifests and data/delete files that no remaining snapshot references.
// Always kept besides the limits: snapshots named by refs (branches, tags) and every snapshot
// from the current one back to the one carrying the sync watermark, so that sync's walk along
// the chain still finds it.
Result<ExpireResult> ExpireSnapshots(const iceberg::TableRef& table, const ExpireOptions& options);

// ---- orphan removal (orphan_removal.cc) ----
struct OrphanOptions {
  // Only files last modified before this time (ms since the epoch) are removed.
  int64_t older_than_ms = 0;
  bool dry_run = false;
};

struct OrphanResult {
  std::vector<std::string> removed;  // local paths (to remove, with dry_run)
  int64_t bytes_freed = 0;
};

// Deletes the files under the table's data/ and metadata/ directories that no snapshot of the
// current metadata references (manifest lists, manifests, live data and delete files) and that are
// older than the limit. Metadata files (*.metadata.json) and version-hint are never removed.
Result<OrphanResult> RemoveOrphans(const iceberg::TableRef& table, const OrphanOptions& options);

// ---- compaction (compaction.cc) ----
struct CompactOptions {
  int64_t target_file_size = 128ll << 20;
  // A partition is rewritten when it has at least this many small files (or any delete).
  int min_input_files = 5;
  bool dry_run = false;
};

struct CompactResult {
  int64_t rewritten_data_files = 0;
  int64_t removed_delete_files = 0;
  int64_t added_data_files = 0;
  int64_t rows = 0;
  int64_t snapshot_id = 0;  // 0: nothing was committed
};

// Rewrites the small data files of each partition, deletes applied, into files near the
// target size, as one snapshot with operation `replace` (see compaction.cc).
Result<CompactResult> Compact(const iceberg::TableRef& table, const CompactOptions& options);

// ---- shared ----
// Counts of the current snapshot's live files.
struct LiveFileCounts {
  int64_t data_files = 0;
  int64_t delete_files = 0;
};
Result<LiveFileCounts> CountLiveFiles(const iceberg::Table& table);

}  // namespace icesync::sync::maintain
