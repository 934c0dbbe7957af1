#pragma once
// `icesync run`: every table of a pipeline (pipeline_config.h), each extract -> commit ->
// import, up to `jobs` tables at once.
//
// Retries are safe because every step is idempotent: a sync that failed or was killed left
// the previous watermark in force (it is committed with the rows), and an import's state row
// is committed with the merge. So a transient failure (a commit conflict with another writer,
// a lost connection, a deadlock victim) re-runs the whole table with backoff; other errors
// (a missing column, a bad key, a type that cannot load) fail the table at once. A failing
// table never stops the others.
//
// The jobs share the machine: each sync is told how many run at once and encodes its files
// with that share of the cores (SyncOptions::concurrent_jobs).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline_config.h"

namespace icesync::pipeline {

// A live view of a run (the terminal board of `icesync run`, run_board.h): told what each
// table is doing as it changes. Called from the job threads; implementations synchronise.
class RunMonitor {
 public:
  virtual ~RunMonitor() = default;
  // A new phase: "sync", "import", "maintain", "retrying", "planning", and at the end the
  // table's status (ok, unchanged, failed, planned). Resets the row count.
  virtual void Phase(const std::string& table, const std::string& phase) = 0;
  // Rows the current phase has moved so far (the sync's extract).
  virtual void Rows(const std::string& table, int64_t rows) = 0;
  // What the phase is doing now ("looking up 1,024 changed keys").
  virtual void Note(const std::string& table, const std::string& note) = 0;
};

struct RunOptions {
  std::vector<std::string> only_tables;  // --tables: run these names only (all when empty)
  int jobs = 2;
  int max_attempts = 3;                  // per table, transient failures included
  int initial_backoff_ms = 500;          // doubled per attempt, with jitter
  bool dry_run = false;
  RunMonitor* monitor = nullptr;         // a live view, when the caller draws one
};

struct TableRunResult {
  std::string name;
  std::string status;  // ok | unchanged | failed (dry run: planned)
  int64_t rows_extracted = 0;
  int64_t rows_appended = 0;  // rows the sync wrote into Iceberg (inserted + updated + deleted)
  int64_t rows_imported = 0;  // rows the import changed in the target
  std::optional<int64_t> snapshot_id;
  std::string watermark;
  double duration_s = 0;
  std::string error;
  int attempts = 0;
  std::string detect;
  std::string import_status;  // ok | unchanged | "" (no import)
};

struct RunResult {
  std::vector<TableRunResult> tables;
  int ok = 0;
  int failed = 0;
};

// Where progress goes: one line per event ("customers: sync ok, 12 rows, snapshot ...").
using RunLog = std::function<void(const std::string& table, const std::string& message)>;

// Whether an error is worth another attempt (see above).
bool IsTransient(const Status& status);

// InvalidArgument when --tables names a table the pipeline does not have.
Result<RunResult> RunPipeline(const PipelineConfig& config, const RunOptions& options, const RunLog& log);

}  // namespace icesync::pipeline
