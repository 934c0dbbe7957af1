#pragma once
// `icesync export`: one full copy of a relational table (or query) into an Iceberg table.
//
// Data flow, with memory bounded by one extracted batch plus one row group per open file:
//
//   SourceReader (db: one consistent read transaction)
//     └─ RecordBatch ─▶ DataFileWriterSet (route rows by partition tuple, roll files at the
//                       target size) ─▶ Parquet data files under <table>/data/
//                                         └─ one commit: manifest + manifest list +
//                                            vN.metadata.json linked into place
//
// Nothing is visible before the final commit. A new table's metadata is created by that same
// commit (table + first snapshot), so a failed or killed run leaves no table behind; with
// `replace` the commit is an overwrite snapshot, and a failure leaves the previous snapshot
// current. A failed run removes the data files it wrote (and directories it created that are
// left empty); a killed one cannot, and its files stay under data/, referenced by nothing.
//
// The pieces are separate so that later jobs reuse them: incremental sync extracts "changed
// since watermark" through the same SourceReader and commits an append/overwrite whose summary
// carries the new watermark (ExportOptions::extra_summary); the multi-table `sync` command runs
// one Export per configured table.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "iceberg/catalog.h"
#include "sync/job_phase.h"
#include "sync/progress.h"

namespace icesync::sync {

struct ExportOptions {
  std::string source;     // connection URL or ODBC string (see db/connection_string.h)
  std::string table;      // [schema.]table in the source; optional with `query`
  std::string where;      // SQL predicate appended as WHERE (source dialect)
  std::string query;      // a whole SELECT instead of table/where
  std::string warehouse;  // where new tables' files go: a directory or s3:// prefix
  // The catalog the table is registered in; null: the filesystem catalog at `warehouse`.
  std::shared_ptr<iceberg::Catalog> catalog;
  std::string target;     // ns.table in the catalog
  std::string partition_by;  // e.g. "day(order_date), bucket(16, customer_id)"; "" = none
  int64_t target_file_size = int64_t{128} << 20;
  std::string compression = "zstd";  // zstd | snappy | gzip | none
  bool replace = false;              // overwrite snapshot of an existing table
  int parallel = 1;                  // >1: key-range readers on separate connections
  int64_t batch_rows = 16384;        // rows per extracted batch
  int max_open_files = 64;           // partitions written at once; LRU files are closed beyond
  // PostgreSQL: rows through COPY on a libpq session (false: through ODBC; diagnosis, tests).
  bool pg_copy = true;
  // Added to the snapshot summary (incremental sync puts its watermark here).
  std::map<std::string, std::string> extra_summary;
};


struct ExportResult {
  std::string table;          // ns.table
  std::string table_dir;      // local table directory
  std::string metadata_path;  // the committed vN.metadata.json
  int64_t snapshot_id = 0;
  std::optional<int64_t> previous_snapshot_id;  // the snapshot replaced (with `replace`)
  std::string operation;      // "append" (new table) or "overwrite"
  int64_t rows = 0;
  int64_t files = 0;
  int64_t bytes = 0;          // data file bytes on disk
  double seconds = 0;
  std::string isolation;      // the source read's isolation, as recorded in the summary
  std::string extract_method;  // "postgresql-copy" or "odbc" (summary icesync.extract-method)
  std::string source;         // redacted connection string
};

// Runs one export. `progress` may be null. On failure `failed_phase` (when given) says where.
Result<ExportResult> Export(const ExportOptions& options, ProgressReporter* progress,
                            JobPhase* failed_phase = nullptr);

// Checks the options without touching the source or the warehouse (usage errors).
Status ValidateExportOptions(const ExportOptions& options);

}  // namespace icesync::sync
