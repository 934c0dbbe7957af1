#include "sync/exporter.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/temporal.h"
#include "iceberg/filesystem_catalog.h"
#include "sync/crash_point.h"
#include "sync/parallel_reader.h"
#include "sync/prefetching_extractor.h"
#include "sync/parquet_file_sink.h"
#include "sync/partitioned_writer.h"
#include "sync/source_reader.h"
#include "sync/table_commit.h"

namespace icesync::sync {

namespace fs = std::filesystem;

Status ValidateExportOptions(const ExportOptions& o) {
  if (o.source.empty()) return InvalidArgument("--source is required (e.g. sqlite:///path/shop.db)");
  if (o.table.empty() == o.query.empty()) {
    return InvalidArgument("give either --table (optionally with --where) or --query, not {}",
                           o.table.empty() ? "neither" : "both");
  }
  if (!o.where.empty() && o.table.empty()) {
    return InvalidArgument("--where applies to --table; put the condition into the --query instead");
  }
  if (o.warehouse.empty()) return InvalidArgument("--warehouse is required (a directory)");
  RETURN_IF_ERROR(iceberg::TableIdentifier::Parse(o.target).status().WithContext("--to"));
  static const char* kCodecs[] = {"zstd", "snappy", "gzip", "none"};
  if (std::find(std::begin(kCodecs), std::end(kCodecs), o.compression) == std::end(kCodecs)) {
    return InvalidArgument("--compression '{}' is not one of zstd, snappy, gzip, none", o.compression);
  }
  if (o.target_file_size < 1024) {
    return InvalidArgument("--target-file-size {} is too small (at least 1KB)", o.target_file_size);
  }
  if (o.batch_rows < 1) return InvalidArgument("--batch-rows must be positive");
  if (o.parallel < 1) return InvalidArgument("--parallel must be at least 1");
  if (o.parallel > 1 && !o.query.empty()) {
    return InvalidArgument("--parallel needs --table (key ranges of its primary key), not --query");
  }
  if (o.max_open_files < 1) return InvalidArgument("max_open_files must be positive");
  return Status::OK();
}

namespace {

// The nearest existing ancestor of `dir` must be a writable directory; checked before
// anything is created so that an unwritable warehouse fails with nothing written.
Status CheckWritable(const std::string& dir) {
  fs::path p = dir;
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  if (p.empty()) p = ".";
  if (!fs::is_directory(p, ec)) return IOError("warehouse {}: {} is not a directory", dir, p.string());
  if (::access(p.c_str(), W_OK | X_OK) != 0) {
    return IOError("warehouse {}: cannot write to {} (permission denied)", dir, p.string());
  }
  return Status::OK();
}

std::string IsoNow() {
  const auto now = std::chrono::system_clock::now();
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return FormatTimestampMicros(micros, true);
}

// Tracks the phase for the caller's exit code.
struct PhaseTracker {
  ExportPhase* out;
  void Set(ExportPhase p) {
    if (out) *out = p;
  }
};

// The isolation as recorded: a parallel read is one consistent view only when every reader
// imported the same snapshot.
std::string IsolationSummary(const std::string& isolation, const std::optional<ParallelReadResult>& parallel) {
  if (!parallel || parallel->readers == 1) return isolation;
  if (parallel->consistent) return isolation + ", one snapshot shared by " + std::to_string(parallel->readers) + " readers";
  return isolation + " per reader; " + std::to_string(parallel->readers) +
         " key-range readers, not one consistent view";
}

}  // namespace

Result<ExportResult> Export(const ExportOptions& options, ProgressReporter* progress, ExportPhase* failed_phase) {
  const auto start = std::chrono::steady_clock::now();
  PhaseTracker phase{failed_phase};
  phase.Set(ExportPhase::kValidate);
  RETURN_IF_ERROR(ValidateExportOptions(options));
  if (!options.query.empty()) {
    return Unsupported("--query is not supported yet; export a --table (optionally with --where)");
  }
  ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(options.target));
  std::error_code ec;
  const std::string warehouse = fs::absolute(options.warehouse, ec).lexically_normal().string();
  iceberg::FilesystemCatalog catalog(warehouse);
  const std::string table_dir = catalog.TableDir(id);
  std::optional<iceberg::Table> base;
  if (catalog.TableExists(id)) {
    if (!options.replace) {
      return AlreadyExists("table {} already exists in warehouse {}; pass --replace to replace its contents "
                           "(a new snapshot; older snapshots stay readable)",
                           id.ToString(), warehouse);
    }
    ASSIGN_OR_RETURN(base, catalog.LoadTable(id));
  }

  // Source: connection, consistent read, schema.
  phase.Set(ExportPhase::kSource);
  if (progress) progress->Note("reading " + options.table + " from the source");
  ASSIGN_OR_RETURN(std::unique_ptr<SourceReader> source, SourceReader::Open(options.source, options.table));
  phase.Set(ExportPhase::kValidate);
  ASSIGN_OR_RETURN(TargetLayout layout,
                   PrepareTarget(*source->schema(), options.partition_by, base ? &base->metadata : nullptr));
  RETURN_IF_ERROR(CheckWritable(table_dir));
  auto target_schema = std::make_shared<const Schema>(layout.schema);

  phase.Set(ExportPhase::kSource);
  if (progress && progress->mode() == ProgressReporter::Mode::kTerminal) {
    Result<int64_t> total = source->CountRows(options.where);
    if (total.ok()) progress->SetTotalRows(*total);
  }
  const std::string extracted_at = IsoNow();
  std::unique_ptr<db::Extractor> extractor;
  if (options.parallel == 1) {
    ASSIGN_OR_RETURN(extractor, source->Extract(options.where, options.batch_rows));
  }

  // Data files.
  phase.Set(ExportPhase::kWrite);
  PartitionedWriterOptions wo;
  wo.data_dir = table_dir + "/data";
  wo.data_uri = wo.data_dir;  // our tables' location is their local directory
  wo.job_id = iceberg::NewUuid();
  wo.target_file_size = options.target_file_size;
  wo.max_open_files = options.max_open_files;
  fs::create_directories(wo.data_dir, ec);
  if (ec) return IOError("cannot create {}: {}", wo.data_dir, ec.message());
  ParquetSinkOptions so;
  so.compression = options.compression;
  // Memory: one row group per open file. Few files (unpartitioned) get large row groups,
  // many open partitions share a budget of about 256 MB of buffered pages.
  so.row_group_size = std::clamp<int64_t>((int64_t{256} << 20) / std::max(1, options.max_open_files),
                                          int64_t{1} << 20, int64_t{32} << 20);
  if (layout.spec.fields().empty()) so.row_group_size = int64_t{32} << 20;
  so.row_group_size = std::min(so.row_group_size, options.target_file_size);
  ASSIGN_OR_RETURN(DataFileSinkFactory sink_factory, ParquetSinkFactory(target_schema, so));
  std::optional<ParallelReadResult> parallel;
  if (options.parallel > 1) {
    // Each reader has its own files (job id suffixed by the reader) and a share of the open-file budget.
    auto make_writer = [&](int index) {
      PartitionedWriterOptions reader_wo = wo;
      reader_wo.job_id = wo.job_id + "-" + std::to_string(index + 1);
      reader_wo.max_open_files = std::max(1, options.max_open_files / options.parallel);
      return PartitionedWriter::Create(target_schema, layout.spec, reader_wo, sink_factory);
    };
    phase.Set(ExportPhase::kSource);
    bool write_failed = false;
    Result<ParallelReadResult> read = ReadKeyRangesInParallel(
        *source, ParallelReadOptions{options.source, options.where, options.parallel, options.batch_rows, target_schema},
        make_writer, progress, &write_failed);
    if (!read.ok()) {
      if (write_failed) phase.Set(ExportPhase::kWrite);
      return read.status();
    }
    parallel = std::move(read).value();
  }
  ASSIGN_OR_RETURN(auto writer, PartitionedWriter::Create(target_schema, layout.spec, wo, sink_factory));
  RecordBatch batch;
  RecordBatch target_batch(target_schema);
  bool first = true;
  // Fetching runs one batch ahead on its own thread, overlapping with the writing here.
  std::unique_ptr<PrefetchingExtractor> fetch;
  if (extractor) fetch = std::make_unique<PrefetchingExtractor>(extractor.get());
  while (fetch) {
    phase.Set(ExportPhase::kSource);
    ASSIGN_OR_RETURN(bool more, fetch->Next(&batch));
    if (!more) break;
    phase.Set(ExportPhase::kWrite);
    // Same columns in the same order; only the field ids may differ (a replaced table keeps
    // its ids), so the columns move over without copying.
    std::swap(target_batch.columns(), batch.columns());
    RETURN_IF_ERROR(writer->Write(target_batch));
    std::swap(target_batch.columns(), batch.columns());
    if (progress) progress->Update(writer->rows_written(), writer->bytes_written());
    if (first) {
      CrashPoint("extract");
      first = false;
    }
  }
  fetch.reset();
  phase.Set(ExportPhase::kWrite);
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, writer->Finish());
  if (parallel) files = std::move(parallel->files);
  phase.Set(ExportPhase::kSource);
  RETURN_IF_ERROR(source->Finish());
  CrashPoint("files-written");

  // One commit.
  phase.Set(ExportPhase::kCommit);
  if (progress) progress->Note("committing " + std::to_string(files.size()) + " data files");
  SnapshotRequest req;
  req.table_dir = table_dir;
  req.schema = layout.schema;
  req.spec = layout.spec;
  req.files = std::move(files);
  req.summary = options.extra_summary;
  req.summary["icesync.source"] = source->redacted_source();
  req.summary["icesync.source-table"] = source->table().name.ToString();
  if (!options.where.empty()) req.summary["icesync.source-where"] = options.where;
  req.summary["icesync.source-query"] = parallel ? parallel->first_sql : extractor->sql();
  req.summary["icesync.extracted-at"] = extracted_at;
  req.summary["icesync.isolation"] = IsolationSummary(source->isolation(), parallel);
  if (parallel) req.summary["icesync.parallel-readers"] = std::to_string(parallel->readers);
  req.summary["icesync.job-id"] = wo.job_id;
  req.properties["icesync.source"] = source->redacted_source();
  req.properties["icesync.source-table"] = source->table().name.ToString();
  req.properties["write.parquet.compression-codec"] = options.compression == "none" ? "uncompressed" : options.compression;
  req.properties["write.target-file-size-bytes"] = std::to_string(options.target_file_size);
  if (base) req.expected_snapshot_id = base->metadata.current_snapshot_id;
  Result<CommittedSnapshot> committed = base ? CommitOverwrite(req) : CommitNewTable(req);
  if (!committed.ok()) return committed.status().WithContext("committing " + id.ToString());

  ExportResult r;
  r.table = id.ToString();
  r.table_dir = table_dir;
  r.metadata_path = committed->table.metadata_path;
  r.snapshot_id = committed->snapshot_id;
  r.previous_snapshot_id = committed->parent_snapshot_id;
  r.operation = committed->operation;
  r.rows = parallel ? parallel->rows : writer->rows_written();
  r.files = static_cast<int64_t>(req.files.size());
  for (const iceberg::DataFile& f : req.files) r.bytes += f.file_size_in_bytes;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.isolation = IsolationSummary(source->isolation(), parallel);
  r.source = source->redacted_source();
  if (progress) progress->Update(r.rows, r.bytes);
  return r;
}

}  // namespace icesync::sync
