#pragma once
// Support for the `icesync export` end-to-end tests: build a real source table (SQLite file
// or the test PostgreSQL) from known rows, run the real icesync binary, and read the result
// back three ways: DuckDB over the committed data files, icebird over the table, and
// `icesync scan`. Rows are compared as sorted canonical JSON Lines (core/canonical_json.h);
// the expected lines come from the batch that was loaded into the source, not from the
// exporter's own extraction path.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "iceberg/catalog.h"
#include "testing/test_util.h"

namespace icesync::sync::testing {

using icesync::testing::CommandResult;
using icesync::testing::ShellQuote;
using icesync::testing::TempDir;

// Runs `icesync <args>` (args already shell-quoted where needed), with `env` (e.g.
// "ICESYNC_CRASH_AT=commit") prefixed to the command.
CommandResult Icesync(const std::string& args, const std::string& env = "");

// Every type the exporter maps, as loaded into the sources: the db tests' AllTypes columns
// (id long key, flag, i32, i64, f32, f64, dec38_0, dec38_10, dec9_2, day, clock, ts, tstz,
// txt, guid, blob) with their four edge rows (minimums incl. 0001-01-01, maximums incl.
// 9999-12-31, all NULL, ordinary; empty string and binary vs NULL; emoji), followed by
// `generated` ordinary rows spread over 24 months and many ids, so that month/bucket/identity
// partitioning produce many partitions. `sqlite`: doubles SQLite 3.40 round-trips exactly.
std::shared_ptr<const Schema> AllTypesSchema();
RecordBatch AllTypesRows(const std::shared_ptr<const Schema>& schema, int generated, bool sqlite);

// Creates `table` (dialect DDL for `schema`) in the database at `url` and loads `rows`.
void CreateAndLoad(const std::string& url, const std::string& table, const std::shared_ptr<const Schema>& schema,
                   const RecordBatch& rows);

// The named columns of `batch`, in that order (what a SELECT of them returns).
RecordBatch Project(const RecordBatch& batch, const std::vector<std::string>& names);

// Rows of a batch as sorted canonical JSON lines ("\n"-terminated), optionally only rows
// where `keep(row)`.
std::string SortedCanonicalLines(const RecordBatch& batch);
std::string SortedCanonicalLines(const RecordBatch& batch, const std::function<bool(int64_t)>& keep);

// The committed table (newest metadata version); fails the test when it cannot be loaded.
iceberg::Table LoadTable(const std::string& table_dir);
// Data file paths of the table's current snapshot (or `snapshot_id`), from its manifests.
// Expects no delete files (what export writes).
std::vector<std::string> CommittedDataFiles(const std::string& table_dir, int64_t snapshot_id = 0);
// The current snapshot's data files and the position-delete files that apply to them.
struct LiveFiles {
  std::vector<std::string> data;
  std::vector<std::string> position_deletes;
};
LiveFiles CommittedFiles(const std::string& table_dir);

// Every row of every committed data file belongs to the file's partition: applying the spec's
// transforms to the row's values (read back from the file) gives the file's partition tuple.
void ExpectRowsInTheirPartitions(const std::string& table_dir);

// Sorted canonical rows as each reader returns them.
std::string ScanRows(const std::string& warehouse, const std::string& table, int64_t snapshot_id = 0);
std::string DuckdbRows(const std::string& table_dir);  // DuckDB over CommittedDataFiles
// DuckDB over the current snapshot's data files, applying its position-delete files itself.
std::string DuckdbRowsWithDeletes(const std::string& table_dir);
// icebird over the newest metadata version, or over metadata/<metadata_file> (time travel).
std::string IcebirdRows(const std::string& table_dir, const std::string& metadata_file = "");
// `expected` (exact canonical lines) reduced to what icebird can return: decimals via
// float64, timestamps to the millisecond, binary decoded as UTF-8 (tests/js/export_readback.mjs).
std::string IcebirdForm(const std::string& table_dir, const std::string& expected);

// Compares line sets and reports the first difference (truncated) instead of megabytes.
void ExpectSameLines(const std::string& expected, const std::string& actual, const std::string& what);

// Number of lines.
size_t LineCount(const std::string& text);

// The files below `dir` (recursively), sorted; empty when `dir` does not exist.
std::vector<std::string> FilesUnder(const std::string& dir);

// `icesync scan`, DuckDB and icebird all return `expected` from the table. icebird cannot
// return decimals, timestamps and binary exactly (see IcebirdForm), so for it both sides are
// compared in its reduced form.
void ExpectReadersSeeRows(const std::string& warehouse, const std::string& target, const std::string& table_dir,
                          const std::string& expected);

// A temporary directory with a warehouse and a SQLite source file in it.
class ExportFixture : public ::testing::Test {
 public:
  std::string warehouse() const { return dir_.file("lake"); }
  std::string sqlite_path() const { return dir_.file("source.db"); }
  std::string sqlite_url() const { return "sqlite://" + sqlite_path(); }
  // <warehouse>/<ns>/<table> for "ns.table".
  std::string TableDir(const std::string& target) const;
  // icesync export --source SOURCE --table TABLE --warehouse <warehouse> --to TARGET -q EXTRA
  // (`table` empty: no --table, e.g. with --query in EXTRA).
  CommandResult Export(const std::string& source, const std::string& table, const std::string& target,
                       const std::string& extra = "", const std::string& env = "") const;
  // That command line, for composing shell scripts.
  std::string ExportCommand(const std::string& source, const std::string& table, const std::string& target,
                            const std::string& extra = "") const;

  enum class AfterPause { kResume, kTerminate };
  // Runs the export held at crash point `point` (ICESYNC_PAUSE_AT). Once it waits there, runs
  // the shell command `meanwhile` (its output kept), then lets the export carry on or sends it
  // SIGTERM. stdout ends with "export=<the export's exit status>\n".
  CommandResult ExportPausedAt(const std::string& point, const std::string& meanwhile, AfterPause after,
                               const std::string& source, const std::string& table, const std::string& target,
                               const std::string& extra = "") const;

  TempDir dir_;
};

}  // namespace icesync::sync::testing
