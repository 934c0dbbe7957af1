#pragma once
// Commit operations that add a snapshot: fast append, overwrite and row delta (table spec,
// "Snapshots", "Sequence Numbers", "Manifests"; Java's FastAppend, BaseOverwriteFiles,
// BaseRowDelta).
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
//     with no live files are dropped);
//   - a manifest list (new manifests first) and the summary are written.
// Files written by an attempt that loses the race stay behind as unreferenced orphans.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/manifest.h"

namespace icesync::iceberg {

enum class SnapshotOperation { kAppend, kOverwrite, kRowDelta };

struct SnapshotChange {
  SnapshotOperation operation = SnapshotOperation::kAppend;
  // Data files (content kData) to add. Partition tuples follow the table's default spec.
  std::vector<DataFile> added_data_files;
  // Row delta: position- and equality-delete files to add.
  std::vector<DataFile> added_delete_files;
  // Overwrite: `file_path`s (as in the manifests) of live data files to remove. If one is no
  // longer live at commit time (someone else removed it), the commit fails with Conflict.
  std::vector<std::string> removed_data_files;
  // Free-form summary properties (e.g. sync watermarks), committed atomically with the data.
  std::map<std::string, std::string> summary_properties;
  // Runs on every attempt against the base being committed on; an error stops the commit
  // (return Conflict for "the table moved on in a way this change cannot accept").
  std::function<Status(const Table& base)> validate;
  CommitOptions commit_options;
};

// Commits the change as one new snapshot of the table at `table_dir`; returns the new version.
Result<Table> CommitSnapshot(const std::string& table_dir, const SnapshotChange& change);

// Conveniences for the three operations.
Result<Table> AppendFiles(const std::string& table_dir, std::vector<DataFile> files,
                          std::map<std::string, std::string> summary_properties = {});
Result<Table> OverwriteFiles(const std::string& table_dir, std::vector<std::string> removed_data_files,
                             std::vector<DataFile> added_files,
                             std::map<std::string, std::string> summary_properties = {});
Result<Table> RowDelta(const std::string& table_dir, std::vector<DataFile> data_files,
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
