#pragma once
// Commit operations that add a snapshot: fast append, overwrite, row delta, replace-all and
// rewrite (table spec, "Snapshots", "Sequence Numbers", "Manifests"; Java's FastAppend,
// BaseOverwriteFiles, BaseRowDelta, BaseReplacePartitions over every partition,
// BaseRewriteFiles). This is the one commit path of icesync: export, sync, import's readers and
// maintenance all commit here.
//
// A change may carry table-level updates committed with the snapshot in the same metadata
// version: a schema (schema evolution: becomes current, added when its id is new), a partition
// spec (becomes the default) and property changes. CreateTableWithSnapshot commits the first
// snapshot of a new table the same way, so a table and its first rows appear in one step.
//
// Each operation commits through CommitTable (filesystem_catalog.h), so it is atomic and
// retried on conflict: on every attempt the change is re-applied to the newest metadata and
// re-validated (files to remove must still be live; the caller's `validate` hook runs again,
// which is where sync checks its watermark). Per attempt:
//   - sequence number = base last-sequence-number + 1; the new snapshot's parent is the base's
//     current snapshot;
//   - manifests of the added files are written once (entries ADDED, snapshot id and sequence
//     numbers left null so readers inherit them from the manifest list) and reused;
//   - overwrite rewrites each base manifest holding a removed file: removed entries become
//     DELETED (with this snapshot's id), the others EXISTING with their explicit snapshot id
//     and sequence numbers; other base manifests are carried over unchanged (manifests left
//     with no live files are dropped). A base manifest whose live entries are all removed is
//     not rewritten on its own: its DELETED entries join one manifest per spec and content;
//   - rewrite (compaction) removes data and delete files the same way and adds the new data
//     files; its operation is `replace`;
//   - replace-all marks every live data and delete file of the base DELETED, whatever the base
//     is at that attempt: a replace that loses a race re-applies on the new base instead of
//     failing (it replaces everything, so nothing of the winner's is lost that it would keep);
//   - a manifest list (new manifests first) and the summary are written; the crash point
//     "commit" (core/crash_point.h) lies between it and the metadata file's link.
// Files written by an attempt that loses the race stay behind as unreferenced orphans.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/table_ref.h"
#include "iceberg/manifest.h"

namespace icesync::iceberg {

// kRewrite: compaction (Java's RewriteFiles): removes data and delete files and adds data files
// holding the same rows; the snapshot's operation is `replace` (no logical change).
enum class SnapshotOperation { kAppend, kOverwrite, kRowDelta, kReplaceAll, kRewrite };

struct SnapshotChange {
  SnapshotOperation operation = SnapshotOperation::kAppend;
  // Data files (content kData) to add. Partition tuples follow the table's default spec.
  std::vector<DataFile> added_data_files;
  // Row delta: position- and equality-delete files to add.
  std::vector<DataFile> added_delete_files;
  // Overwrite: `file_path`s (as in the manifests) of live data files to remove. If one is no
  // longer live at commit time (someone else removed it), the commit fails with Conflict.
  std::vector<std::string> removed_data_files;
  // Rewrite: `file_path`s of live delete files to remove (same Conflict rule as above).
  std::vector<std::string> removed_delete_files;
  // Row delta: `file_path`s of data files that must still be live when the commit lands (the
  // targets of added position deletes). Checked on every attempt; a missing one is a Conflict
  // (a concurrent overwrite removed it, so the deletes would point at nothing).
  std::vector<std::string> required_data_files;
  // Table-level updates committed with the snapshot. `schema` becomes the current schema (its
  // field ids final; added when the table lacks its schema id); `spec` becomes the default
  // spec (added when new); added files are written against these.
  std::optional<Schema> schema;
  std::optional<PartitionSpec> spec;
  std::map<std::string, std::string> set_properties;
  std::vector<std::string> removed_properties;
  // Free-form summary properties (e.g. sync watermarks), committed atomically with the data.
  std::map<std::string, std::string> summary_properties;
  // Summary properties that depend on the base of each attempt (merged over the fixed ones),
  // e.g. compaction copying forward the sync watermark in force on the base it commits on.
  std::function<std::map<std::string, std::string>(const Table& base)> summary_from_base;
  // Runs on every attempt against the base being committed on; an error stops the commit
  // (return Conflict for "the table moved on in a way this change cannot accept").
  std::function<Status(const Table& base)> validate;
  CommitOptions commit_options;
};

// Commits the change as one new snapshot of `table` (through its catalog); returns the new version.
Result<Table> CommitSnapshot(const TableRef& table, const SnapshotChange& change);

// Creates `table` (first metadata, in its catalog or as metadata/v1.metadata.json) holding its first snapshot,
// `change` applied to an empty table with `schema` (ids final), `spec` and `properties`.
// AlreadyExists when another writer created the table first: nothing of this one is visible.
Result<Table> CreateTableWithSnapshot(const TableRef& table, const Schema& schema, const PartitionSpec& spec,
                                      const std::map<std::string, std::string>& properties,
                                      const SnapshotChange& change);

// Conveniences for the three operations.
Result<Table> AppendFiles(const TableRef& table, std::vector<DataFile> files,
                          std::map<std::string, std::string> summary_properties = {});
Result<Table> OverwriteFiles(const TableRef& table, std::vector<std::string> removed_data_files,
                             std::vector<DataFile> added_files,
                             std::map<std::string, std::string> summary_properties = {});
Result<Table> RowDelta(const TableRef& table, std::vector<DataFile> data_files,
                       std::vector<DataFile> delete_files,
                       std::map<std::string, std::string> summary_properties = {});

// Where to write a new data or delete file: a fresh name under data/<partition_path>/.
// `uri` goes into DataFile::file_path (under the table's location); `local_path` is where
// to create it (parent directories are created).
struct NewFileLocation {
  std::string uri;
  std::string local_path;
};
Result<NewFileLocation> NewDataFileLocation(const Table& table, const std::string& partition_path,
                                            const std::string& suffix = ".parquet");

// The entries of a manifest with inherited snapshot ids and sequence numbers filled in from
// its manifest list entry (spec: "Sequence Number Inheritance"). Errors name the file.
Result<std::vector<ManifestEntry>> ReadManifestEntriesResolved(const std::string& local_path,
                                                               const ManifestFile& manifest,
                                                               const std::vector<Field>& partition_fields);

}  // namespace icesync::iceberg
