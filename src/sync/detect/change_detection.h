#pragma once
// Change detection: which source rows a sync reads, and how far it got (the watermark). One
// interface, one file per strategy:
//
//   full                 every row, compared with the table by key and row content; the
//                        fallback that always works and the only one that sees deletes by itself
//   timestamp:COL        COL >= watermark - lag (closed start; see timestamp_detection.cc)
//   id:COL               COL > watermark: inserts only
//   rowversion:COL       SQL Server: @last <= COL < MIN_ACTIVE_ROWVERSION(), in one snapshot
//   change-tracking      SQL Server Change Tracking: CHANGETABLE(CHANGES t, @last_version)
//
// A strategy only decides the read and the watermark; the sync job (incremental_sync.h) reads
// the rows, compares what may be a re-read with the table, writes and commits.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/value.h"
#include "db/connection.h"
#include "db/table_schema.h"

namespace icesync::sync {

// What to do with rows whose cursor column is NULL (they can never pass `COL >= watermark`).
enum class NullCursorPolicy {
  kFail,     // error naming the count (default): such rows would silently never sync
  kInclude,  // read them on every run (compared with the table, so written once)
  kExclude,  // leave them out
};

struct DetectionOptions {
  int64_t lag_micros = 0;  // timestamp: re-read this far back
  NullCursorPolicy on_null_cursor = NullCursorPolicy::kFail;
  // change-tracking: when the stored version is older than the oldest change kept, read every
  // row once (and compare) instead of failing.
  bool reinit = false;
  // timestamp: at most this many re-read hashes kept with a watermark (see RereadState); 0
  // keeps none, so every re-read is compared with the table.
  size_t max_reread_rows = 256;
};

// What a strategy may ask the source while planning, inside the sync's read transaction. The
// sync passes the SourceReader's connection (db_change_source.cc); tests of the SQL Server
// strategies pass a scripted one, since no SQL Server runs where the tests do.
class ChangeSource {
 public:
  virtual ~ChangeSource() = default;
  virtual const db::Dialect& dialect() const = 0;
  // The isolation the read transaction obtained (SourceReader::isolation()).
  virtual std::string isolation() const = 0;
  // The first column of the first row of `sql` with text `params` bound, as text (NotFound
  // when there is no row or the value is NULL).
  virtual Result<std::string> QueryScalar(const std::string& sql, const std::vector<std::string>& params = {}) const = 0;
};
std::unique_ptr<ChangeSource> ChangeSourceFor(const db::Connection& connection, std::string isolation);

// The read of one run: a predicate in the source's SQL with `?` placeholders bound to `params`.
struct DetectionPlan {
  std::string where;  // "" = every row
  std::vector<Value> params;
  // Read from this FROM clause instead of the table (db::ExtractOptions::from), which adds a
  // string column `op_column` holding each row's operation: 'D' rows are deletes (key only).
  std::string from;
  std::vector<Value> from_params;
  std::string op_column;
  // Every row is read even though a watermark exists (change tracking re-initialised): the
  // rows are compared with the table and keys it did not return are deleted.
  bool full_read = false;
};

class ChangeDetection {
 public:
  virtual ~ChangeDetection() = default;

  // As recorded in the snapshot summary (icesync.detect) and printed: "timestamp:updated_at".
  virtual std::string spec() const = 0;
  // Whether every run reads every row (then keys missing from the read were deleted).
  virtual bool reads_all_rows() const { return false; }
  // Whether the strategy can only see inserts (id).
  virtual bool inserts_only() const { return false; }

  // Finds the strategy's column in the table; NotFound names it and lists the columns,
  // InvalidArgument when its type cannot be a cursor.
  virtual Status Bind(const db::SourceTable& table) = 0;
  // This run's read, given the stored watermark (nullopt: the table has none yet, so
  // everything). `source` holds the read transaction (rowversion asks it for its upper bound).
  virtual Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) = 0;
  // Sees every row read, in order (tracks the highest cursor, counts NULL cursors).
  virtual Status Observe(const RecordBatch& batch) = 0;
  // Called after the last batch: the NULL-cursor error, if any.
  virtual Status Finish() { return Status::OK(); }
  // Whether row `row` may be a re-read of a row the table already holds (read again because
  // the start is closed or lagged): such rows are compared with the table before writing.
  virtual bool MayBeReread(const RecordBatch& /*batch*/, int64_t /*row*/) const { return false; }
  // The watermark to store after this run (the previous one when nothing was read).
  virtual std::string NewWatermark() const = 0;

  // Re-read state (timestamp): the content hashes of the rows this run read that the next run
  // will read again (at or above its lower bound), stored with the watermark, so that the
  // next run recognises its re-reads without reading the table. "" when there is none or too
  // many rows to keep in a snapshot summary (the next run then compares with the table).
  // Whether row `row` (of a batch Observe has seen) may be re-read by the next run, so that
  // the caller computes its hash for Remember only then.
  virtual bool InRereadWindow(const RecordBatch& /*batch*/, int64_t /*row*/) const { return false; }
  virtual void Remember(const RecordBatch& /*batch*/, int64_t /*row*/, uint64_t /*content_hash*/) {}
  virtual std::string RereadState() const { return ""; }
  virtual void LoadRereadState(const std::string& /*state*/) {}
  // For a row MayBeReread accepted: true when the previous run read it with this content,
  // false when the loaded state proves it new or changed, nullopt without usable state.
  virtual std::optional<bool> KnownUnchanged(const RecordBatch& /*batch*/, int64_t /*row*/,
                                             uint64_t /*content_hash*/) const {
    return std::nullopt;
  }
};

// "full", "timestamp:COL", "id:COL", "rowversion:COL"; InvalidArgument lists the forms.
Result<std::unique_ptr<ChangeDetection>> MakeChangeDetection(const std::string& spec, const DetectionOptions& options);

// The strategies (one file each).
std::unique_ptr<ChangeDetection> MakeFullDetection();
std::unique_ptr<ChangeDetection> MakeTimestampDetection(std::string column, const DetectionOptions& options);
std::unique_ptr<ChangeDetection> MakeIdDetection(std::string column, const DetectionOptions& options);
std::unique_ptr<ChangeDetection> MakeRowversionDetection(std::string column);
std::unique_ptr<ChangeDetection> MakeChangeTrackingDetection(const DetectionOptions& options);

// The name of the operation column a change-tracking read adds.
inline constexpr const char* kChangeOperationColumn = "__icesync_change_op";

// Shared by the cursor strategies: the index of `column` in the table (NotFound lists them).
Result<size_t> FindCursorColumn(const db::SourceTable& table, const std::string& column, const char* strategy);

}  // namespace icesync::sync
