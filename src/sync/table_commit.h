#pragma once
// Committing written data files as one snapshot, so that a table changes in one step:
//
//   CommitNewTable   creates the table and its first snapshot in one metadata file
//                    (v1.metadata.json, linked into place). Before that link the table does
//                    not exist (FilesystemCatalog::TableExists looks for metadata files), so a
//                    failed or killed run leaves only unreferenced files behind and a re-run
//                    simply creates the table.
//   CommitOverwrite  replaces every row of an existing table: one "overwrite" snapshot whose
//                    manifests add the new files and mark every live file of the base
//                    snapshot DELETED (older snapshots keep them: time travel still works).
//
// Appends and row deltas (incremental sync) use iceberg::CommitSnapshot directly; these two
// exist because a job's first commit creates the table, and a replace may change the schema
// or partition spec along with the rows, which CommitSnapshot does not do.
// Manifests and the manifest list are written first under unique names in metadata/; only
// the metadata file commit makes them reachable.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/catalog.h"
#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"

namespace icesync::sync {

struct SnapshotRequest {
  std::string table_dir;
  // The schema and spec the files were written with (ids final: see PrepareTarget).
  Schema schema;
  iceberg::PartitionSpec spec;
  std::vector<iceberg::DataFile> files;
  // Extra snapshot summary entries (source, query, extraction time, watermark...).
  std::map<std::string, std::string> summary;
  // Table properties set by this commit (added/overwritten; others kept), and removed by it.
  std::map<std::string, std::string> properties;
  std::vector<std::string> removed_properties;
  // Overwrite: the snapshot the job started from; a different current snapshot at
  // commit time is a Conflict (someone else changed the table meanwhile).
  std::optional<int64_t> expected_snapshot_id;
};

struct CommittedSnapshot {
  iceberg::Table table;
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  std::string operation;
};

Result<CommittedSnapshot> CommitNewTable(const SnapshotRequest& request);
Result<CommittedSnapshot> CommitOverwrite(const SnapshotRequest& request);

// The target's schema and spec for a job writing `source_schema` rows partitioned by
// `partition_by`: for a new table the source schema as is (ids 1..n) and spec 0; for an
// existing table (`existing` set) columns keep their field ids when name and type match,
// others get new ids above last-column-id, and an equal spec is reused (else a new spec id).
struct TargetLayout {
  Schema schema;                 // with the schema id to record (existing id if unchanged)
  iceberg::PartitionSpec spec;
  bool new_schema = false;       // must be added to the metadata
  bool new_spec = false;
};
Result<TargetLayout> PrepareTarget(const Schema& source_schema, const std::string& partition_by,
                                   const iceberg::TableMetadata* existing);

}  // namespace icesync::sync
