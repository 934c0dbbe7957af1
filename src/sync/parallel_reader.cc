#include "sync/parallel_reader.h"

#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "core/crash_point.h"

namespace icesync::sync {

namespace {

// One key range: its connection (null for the main reader's), cursor and writer.
struct RangeWorker {
  std::unique_ptr<db::Connection> conn;  // declared first: outlives the extractor
  std::unique_ptr<db::BatchReader> extractor;
  std::unique_ptr<PartitionedWriter> writer;
  Status status;
  bool write_failed = false;
  std::vector<iceberg::DataFile> files;
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> bytes{0};
  std::atomic<bool> done{false};
};

// Streams the worker's range into its writer until the end, an error, or `cancel`.
void RunRange(RangeWorker& w, const std::shared_ptr<const Schema>& target_schema, const std::atomic<bool>& cancel) {
  RecordBatch batch;
  RecordBatch target_batch(target_schema);
  bool first = true;
  while (!cancel) {
    Result<bool> more = w.extractor->Next(&batch);
    if (!more.ok()) {
      w.status = more.status();
      return;
    }
    if (!*more) break;
    // Same columns in the same order (see Export): the columns move over without copying.
    std::swap(target_batch.columns(), batch.columns());
    Status st = w.writer->Write(target_batch);
    std::swap(target_batch.columns(), batch.columns());
    if (!st.ok()) {
      w.status = st;
      w.write_failed = true;
      return;
    }
    w.rows = w.writer->rows_written();
    w.bytes = w.writer->bytes_written();
    if (first) {
      CrashPoint("extract");
      first = false;
    }
  }
  if (cancel) return;
  Result<std::vector<iceberg::DataFile>> files = w.writer->Finish();
  if (!files.ok()) {
    w.status = files.status();
    w.write_failed = true;
    return;
  }
  w.files = std::move(files).value();
}

Value KeyValue(const DataType& type, int64_t v) {
  if (type.id() == TypeId::kInt32) return Value(type, static_cast<int32_t>(v));
  return Value(type, v);
}

// A further connection reading in its own transaction. On PostgreSQL the transaction is
// REPEATABLE READ and shares a snapshot: the first reader exports its snapshot into *snapshot
// (left empty when that fails), the others import it. Both statements must be the first of
// their transaction, before psqlODBC wraps statements in savepoints (a snapshot can neither be
// exported from nor imported into a subtransaction), which is why the main reader's
// connection, which already ran catalog queries, cannot take part.
Result<std::unique_ptr<db::Connection>> OpenRangeConnection(const std::string& source, bool first,
                                                            std::string* snapshot) {
  ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, db::Connect(source));
  const bool postgres = conn->dialect().kind() == db::DialectKind::kPostgres;
  if (postgres && !SQL_SUCCEEDED(SQLSetConnectAttr(conn->dbc(), SQL_ATTR_TXN_ISOLATION,
                                                   reinterpret_cast<SQLPOINTER>(SQL_TXN_REPEATABLE_READ), 0))) {
    return conn->ConnectionError("setting REPEATABLE READ for a parallel reader");
  }
  RETURN_IF_ERROR(conn->Begin(db::TransactionMode::kReadOnly));
  if (postgres && first) {
    Result<std::vector<db::TextRow>> rows = conn->QueryText("SELECT pg_export_snapshot()");
    if (rows.ok() && !rows->empty() && !rows->front().empty() && rows->front()[0]) *snapshot = *rows->front()[0];
  } else if (postgres && !snapshot->empty()) {
    // The id is server-generated hex and dashes (e.g. 00000003-0000001B-1): no quoting needed.
    RETURN_IF_ERROR(conn->Execute("SET TRANSACTION SNAPSHOT '" + *snapshot + "'"));
  }
  return conn;
}

}  // namespace

std::vector<int64_t> SplitKeySpan(int64_t lo, int64_t hi, int n) {
  std::vector<int64_t> bounds;
  const Int128 span = static_cast<Int128>(hi) - lo + 1;
  for (int i = 1; i < n; ++i) bounds.push_back(static_cast<int64_t>(lo - 1 + span * i / n));
  return bounds;
}

Result<ParallelReadResult> ReadKeyRangesInParallel(SourceReader& main, const ParallelReadOptions& options,
                                                   const RangeWriterFactory& make_writer, ProgressReporter* progress,
                                                   bool* write_failed) {
  *write_failed = false;
  const db::SourceTable& table = main.table();
  const db::Connection& conn = main.connection();
  const db::Dialect& d = conn.dialect();
  std::optional<size_t> key_index;
  if (table.key_columns.size() == 1) key_index = table.schema->FindTopLevelIndex(table.key_columns[0]);
  const Field* key = key_index ? &table.schema->field(*key_index) : nullptr;
  if (key == nullptr || (key->type.id() != TypeId::kInt32 && key->type.id() != TypeId::kInt64)) {
    return Unsupported("--parallel splits the table by ranges of a single integer primary key, and {} has {}; "
                       "run without --parallel",
                       table.name.ToString(),
                       table.key_columns.empty() ? std::string("no primary key")
                                                 : "the key (" + fmt::format("{}", fmt::join(table.key_columns, ", ")) + ")");
  }

  // Key bounds of the rows to read, in the main transaction.
  std::string sql = "SELECT MIN(" + d.QuoteIdentifier(key->name) + "), MAX(" + d.QuoteIdentifier(key->name) +
                    ") FROM " + d.QualifiedName(table.name);
  if (!options.where.empty()) sql += " WHERE " + options.where;
  ASSIGN_OR_RETURN(std::vector<db::TextRow> bounds_row, conn.QueryText(sql));
  int readers = 1;
  std::vector<int64_t> bounds;
  if (!bounds_row.empty() && bounds_row[0].size() == 2 && bounds_row[0][0] && bounds_row[0][1]) {
    const int64_t lo = std::strtoll(bounds_row[0][0]->c_str(), nullptr, 10);
    const int64_t hi = std::strtoll(bounds_row[0][1]->c_str(), nullptr, 10);
    readers = static_cast<int>(std::min<Int128>(options.readers, static_cast<Int128>(hi) - lo + 1));
    bounds = SplitKeySpan(lo, hi, readers);
  }

  ParallelReadResult result;
  result.readers = readers;
  std::string snapshot;
  std::vector<std::unique_ptr<RangeWorker>> workers;
  // On the COPY path every range reads through its own libpq session on the main reader's
  // snapshot; no further ODBC connections are needed.
  const bool shared = main.shares_snapshot();
  for (int i = 0; i < readers; ++i) {
    auto w = std::make_unique<RangeWorker>();
    if (readers > 1 && !shared) {
      Result<std::unique_ptr<db::Connection>> c = OpenRangeConnection(options.connection, i == 0, &snapshot);
      if (!c.ok()) return c.status().WithContext("opening parallel reader " + std::to_string(i + 1));
      w->conn = std::move(c).value();
    }
    db::ExtractOptions eo;
    eo.batch_rows = options.batch_rows;
    eo.where = options.where;
    if (readers > 1) {
      db::KeyRange range;
      if (i > 0) range.lower = {KeyValue(key->type, bounds[static_cast<size_t>(i - 1)])};
      if (i + 1 < readers) range.upper = {KeyValue(key->type, bounds[static_cast<size_t>(i)])};
      eo.key_range = std::move(range);
    }
    if (shared) {
      ASSIGN_OR_RETURN(w->extractor, main.Extract(eo));
    } else {
      ASSIGN_OR_RETURN(std::unique_ptr<db::Extractor> odbc, db::Extractor::Open(w->conn ? *w->conn : conn, table, eo));
      w->extractor = std::move(odbc);
    }
    ASSIGN_OR_RETURN(w->writer, make_writer(i));
    workers.push_back(std::move(w));
  }
  result.first_sql = workers.front()->extractor->sql();
  result.consistent = readers == 1 || shared || !snapshot.empty();

  std::atomic<bool> cancel{false};
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&w = *w, &options, &cancel] {
      RunRange(w, options.target_schema, cancel);
      if (!w.status.ok()) cancel = true;
      w.done = true;
    });
  }
  // Progress from this thread only (ProgressReporter is not thread-safe).
  for (;;) {
    bool all_done = true;
    int64_t rows = 0, bytes = 0;
    for (const auto& w : workers) {
      all_done &= w->done.load();
      rows += w->rows.load();
      bytes += w->bytes.load();
    }
    if (progress) progress->Update(rows, bytes);
    if (all_done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (std::thread& t : threads) t.join();

  for (size_t i = 0; i < workers.size(); ++i) {
    RangeWorker& w = *workers[i];
    if (!w.status.ok()) {
      *write_failed = w.write_failed;
      return w.status.WithContext("parallel reader " + std::to_string(i + 1) + " of " + std::to_string(readers));
    }
  }
  for (auto& w : workers) {
    result.rows += w->writer->rows_written();
    for (iceberg::DataFile& f : w->files) result.files.push_back(std::move(f));
    if (w->conn && w->conn->in_transaction()) (void)w->conn->Rollback();
  }
  return result;
}

}  // namespace icesync::sync
