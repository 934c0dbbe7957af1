#pragma once
// `icesync sync`: one incremental run from a source table into an Iceberg table, exactly once.
//
//   first run (no table)   every row read, the table created with its first snapshot and the
//                          watermark (the exporter's stage: SourceReader -> DataFileStage)
//   later runs             the rows the change detection selects (detect/), compared with the
//                          table where they may be re-reads, committed as ONE snapshot with the
//                          new watermark in its summary (watermark.h); nothing changed: no
//                          snapshot at all
//
// Writing the changes:
//   mirror     (default with a key) the table equals the source as of the read: new versions
//              of inserted and updated rows in new data files, position deletes removing the
//              previous versions of updated and deleted keys (table_key_index.h finds them by
//              reading key columns only), one row-delta snapshot.
//   changelog  (default without a key) every change appended with _change_op (I/U/D) and
//              _change_seq (monotonic per table), nothing deleted: a replayable history.
//
// Exactly once: the watermark is committed atomically with the rows it covers, so a run killed
// anywhere leaves the previous watermark in force and the next run re-reads exactly that
// window; rows it already holds unchanged are not written again. Two syncs of one table at
// once: the commit checks that the watermark it started from is still the table's latest, so
// the later one fails with Conflict (exit 4) and commits nothing; run it again.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "iceberg/catalog.h"
#include "iceberg/table_layout.h"
#include "sync/detect/change_detection.h"
#include "sync/job_phase.h"
#include "sync/progress.h"

namespace icesync::sync {

enum class SyncMode { kMirror, kChangelog };
const char* SyncModeName(SyncMode mode);

// Column names a changelog table adds.
inline constexpr const char* kChangeOpColumn = "_change_op";
inline constexpr const char* kChangeSeqColumn = "_change_seq";

struct SyncOptions {
  std::string source;     // connection URL or ODBC string
  std::string table;      // [schema.]table in the source
  std::string warehouse;  // where new tables' files go: a directory or s3:// prefix
  // The catalog the table is registered in; null: the filesystem catalog at `warehouse`.
  std::shared_ptr<iceberg::Catalog> catalog;
  std::string target;     // ns.table
  std::string detect = "full";
  DetectionOptions detection;  // --lag, --on-null-cursor
  // Makes the strategy instead of `detect` (library callers; tests drive the change-tracking
  // path on SQLite with a change-log strategy, since no SQL Server runs where they do).
  std::function<std::unique_ptr<ChangeDetection>()> make_detection;
  std::vector<std::string> key;  // default: the source's primary key
  std::optional<SyncMode> mode;  // default: mirror with a key, else changelog
  bool detect_deletes = false;
  iceberg::SchemaChangePolicy on_schema_change = iceberg::SchemaChangePolicy::kEvolve;
  std::string partition_by;  // first run (or a change of spec); "" keeps the table's
  int64_t target_file_size = int64_t{128} << 20;
  std::string compression = "zstd";
  int64_t batch_rows = 16384;
  bool pg_copy = true;
  // Jobs running at once in this process (icesync run --jobs): they share the cores, so each
  // encodes its data files with that share of the encoding threads.
  int concurrent_jobs = 1;
  // Plan only (icesync run --dry-run): read the watermark, ask the detection for its read and
  // count the rows it selects (status "planned", rows_extracted = that count); write nothing.
  bool dry_run = false;
};

struct SyncResult {
  std::string status;  // "ok" (a snapshot was committed), "unchanged", or "planned" (dry run)
  std::string table;   // ns.table
  std::string detect;
  std::string mode;
  bool created = false;  // this run created the table
  int64_t rows_extracted = 0;
  int64_t inserted = 0, updated = 0, deleted = 0;
  std::optional<int64_t> snapshot_id;
  std::string watermark;  // as stored (the previous one when unchanged)
  double seconds = 0;
  int64_t data_files = 0, delete_files = 0;
  std::vector<std::string> schema_changes;
  std::string source;  // redacted
  std::string note;    // e.g. why a run compared every row
};

Status ValidateSyncOptions(const SyncOptions& options);
Result<SyncResult> Sync(const SyncOptions& options, ProgressReporter* progress, JobPhase* failed_phase = nullptr);

}  // namespace icesync::sync
