#pragma once
// Scan planning (table spec v2, "Scan Planning"): the live data files of one snapshot, each
// with the delete files that apply to it, optionally pruned by simple predicates.
//
//   snapshot   the current one, a given id, or the one current at a time (snapshot-log)
//   schema     current-schema-id for the current table state; a snapshot's schema-id when a
//              snapshot is asked for by id or time
//   entries    DELETED entries skipped; null sequence numbers / snapshot ids inherited
//              from the manifest list entry
//   pruning    a data file is dropped when an identity partition value or its column
//              bounds prove no row can satisfy every predicate (conservative otherwise)
#include <functional>
#include <optional>
#include <vector>

#include "core/predicate.h"
#include "core/schema.h"
#include "iceberg/catalog.h"
#include "iceberg/scan_task.h"

namespace icesync::iceberg {

struct ScanOptions {
  std::optional<SnapshotId> snapshot_id;
  std::optional<int64_t> as_of_ms;  // ms since epoch; exclusive with snapshot_id
  std::vector<Predicate> filter;    // conjunction, on field ids of the scan schema
  bool allow_moved_paths = false;   // see table_file_mapper.h
};

struct ScanPlan {
  std::optional<Snapshot> snapshot;  // none: the table has no snapshot (no rows)
  Schema schema;                     // the schema rows are read with
  std::vector<FileScanTask> tasks;
  // Planning statistics, for tests and `--verbose`.
  int64_t data_files_pruned = 0;
  int64_t manifests_pruned = 0;
};

// The snapshot a scan reads: NotFound naming the id, or the time before the first snapshot.
// nullptr (no error) when the table has no current snapshot and none was asked for.
Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const ScanOptions& options);

Result<ScanPlan> PlanScan(const Table& table, const ScanOptions& options);

// Could a data file hold a row satisfying every predicate? `schema` types the bounds.
bool FileMightMatch(const ScanFile& file, const std::vector<Predicate>& filter, const Schema& schema);

// Builds a ScanFile from a manifest entry of `manifest` (inheritance per the spec); `spec`
// may be null when the metadata lacks the manifest's spec (then treated as unpartitioned).
ScanFile ResolveEntry(const ManifestEntry& entry, const ManifestFile& manifest, const PartitionSpec* spec);

struct ResolvedEntry {
  EntryStatus status;
  ScanFile file;
};
// Reads the manifests of a snapshot's manifest list that `keep_manifest` accepts (all when
// empty) and returns every entry, DELETED ones included, resolved. Errors name the missing
// or corrupt manifest list or manifest.
using ManifestFilter = std::function<bool(const ManifestFile&)>;
Result<std::vector<ResolvedEntry>> ReadSnapshotEntries(const Table& table, const Snapshot& snapshot,
                                                       const TableFileMapper& mapper,
                                                       const ManifestFilter& keep_manifest = {});

}  // namespace icesync::iceberg
