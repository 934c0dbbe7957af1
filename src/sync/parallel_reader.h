#pragma once
// `export --parallel N`: N connections each read one primary-key range of the table and write
// their own data files; the caller commits all the files at once.
//
// Why it pays: psqlODBC fetches through a cursor, so on one connection the server waits while
// the client converts a block and the client waits while the server produces the next one.
// With N connections one reader's server work overlaps another's client work (measured on
// 2 cores: bench/RESULTS.md).
//
// Ranges split [min, max] of a single integer primary key evenly; the first and last ranges
// are open-ended, so every row is read whatever the bounds. Each range has its own connection
// (the main reader's only supplies the schema and the key bounds). On PostgreSQL the readers
// share one snapshot (the first exports it with pg_export_snapshot, the others SET TRANSACTION
// SNAPSHOT), so together they read one consistent state; elsewhere each reader has its own
// transaction and the read is not one consistent view (`consistent` is false and the summary
// says so). When the main reader reads through PostgreSQL COPY (SourceReader::shares_snapshot),
// each range is instead a COPY session on the main reader's own exported snapshot.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "iceberg/manifest.h"
#include "sync/partitioned_writer.h"
#include "sync/progress.h"
#include "sync/source_reader.h"

namespace icesync::sync {

struct ParallelReadOptions {
  std::string connection;  // the source, as given to SourceReader::Open
  std::string where;       // SQL predicate on the table ("" = all rows)
  int readers = 2;
  int64_t batch_rows = 16384;
  std::shared_ptr<const Schema> target_schema;  // the batches' schema as the writers expect it
};

struct ParallelReadResult {
  std::vector<iceberg::DataFile> files;
  int64_t rows = 0;
  int readers = 0;          // connections used (fewer than asked for tiny key spans)
  bool consistent = false;  // all readers shared one snapshot
  std::string first_sql;    // the first range's SELECT (for the summary)
};

// Makes reader `index`'s writer (its own file names).
using RangeWriterFactory = std::function<Result<std::unique_ptr<PartitionedWriter>>(int index)>;

// Reads `main`'s table over options.readers connections (one, `main`'s, when the key span or
// the table is too small to split). On failure
// *write_failed says whether writing (not reading) failed.
Result<ParallelReadResult> ReadKeyRangesInParallel(SourceReader& main, const ParallelReadOptions& options,
                                                   const RangeWriterFactory& make_writer, ProgressReporter* progress,
                                                   bool* write_failed);

// The n ranges that split the integer key span [lo, hi]: upper bounds (inclusive) of all but
// the last range; range i is (bound[i-1], bound[i]], the first open below, the last above.
std::vector<int64_t> SplitKeySpan(int64_t lo, int64_t hi, int n);

}  // namespace icesync::sync
