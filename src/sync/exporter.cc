#include "sync/exporter.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

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

namespace {

// Iceberg metadata is JSON, so every name and path it records must be UTF-8, while SQLite (and
// servers with legacy encodings) accept any bytes in names.
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    const int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || s.size() - i <= static_cast<size_t>(extra)) return false;  // truncated sequence
    uint32_t cp = extra == 0 ? b : (b & (0x7F >> (extra + 1)));
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(s[i + static_cast<size_t>(k)]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// `s` with every byte outside printable ASCII as \xHH, for messages about non-UTF-8 names.
std::string Escaped(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    if (c >= 0x20 && c < 0x7F) {
      out += ch;
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Status ValidateExportOptions(const ExportOptions& o) {
  for (const auto& [flag, value] : {std::pair<const char*, const std::string&>{"--source", o.source},
                                    {"--table", o.table},
                                    {"--where", o.where},
                                    {"--query", o.query},
                                    {"--warehouse", o.warehouse},
                                    {"--to", o.target},
                                    {"--partition-by", o.partition_by}}) {
    if (!IsUtf8(value)) {
      // The source may hold a password: it is never echoed.
      const std::string shown = std::string(flag) == "--source" ? "" : " '" + Escaped(value) + "'";
      return InvalidArgument("{}{} is not valid UTF-8; Iceberg metadata records it as JSON text", flag, shown);
    }
  }
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

// What a failed (not killed) run wrote is removed again, so that a failed export leaves the
// warehouse as it found it: the data files this job closed (named <job id>-NNNNN.parquet;
// open ones delete their temporary files themselves), then the directories that became empty,
// up to the table directory and its namespace directories if this run created them. Files of
// other jobs are never touched. A killed run cannot clean up; its files stay unreferenced.
class FailedRunCleanup {
 public:
  // Notes the directories that creating `dir` will create (deepest first).
  FailedRunCleanup(const std::string& dir, std::string job_id) : root_(dir), job_id_(std::move(job_id)) {
    std::error_code ec;
    for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) created_.push_back(p);
  }
  ~FailedRunCleanup() {
    if (!failed_) return;
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec)) {
        dirs.push_back(it->path());
      } else if (it->path().filename().string().rfind(job_id_ + "-", 0) == 0) {
        fs::remove(it->path(), ec);
      }
    }
    // Deepest first: partition directories, then what this run created above them.
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.string() > b.string(); });
    for (const fs::path& d : dirs) RemoveIfEmpty(d);
    for (const fs::path& d : created_) RemoveIfEmpty(d);
  }
  void Succeeded() { failed_ = false; }

 private:
  static void RemoveIfEmpty(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
  }
  fs::path root_;
  std::string job_id_;
  std::vector<fs::path> created_;
  bool failed_ = true;
};

// A value the source holds that its column's type does not allow (SQLite stores any value in
// any column) is an error of the source, not of the command line: reported as such, naming
// the table, with the ways out.
Status SourceReadError(const Status& st, const SourceReader& source) {
  if (st.code() != ErrorCode::kInvalidArgument) return st;
  return DatabaseError("reading {}: {}; correct the value in the source, or export the column converted or "
                       "excluded with --query",
                       source.from_query() ? std::string("the --query result") : source.table().name.ToString(),
                       st.message());
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
  ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(options.target));
  std::error_code ec;
  const std::string warehouse = fs::absolute(options.warehouse, ec).lexically_normal().string();
  iceberg::FilesystemCatalog catalog(warehouse);
  const std::string table_dir = catalog.TableDir(id);
  // Before connecting to the source: a warehouse that cannot be written fails fast.
  RETURN_IF_ERROR(CheckWritable(table_dir));
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
  if (progress) progress->Note(options.query.empty() ? "reading " + options.table + " from the source" : "running the query");
  ASSIGN_OR_RETURN(std::unique_ptr<SourceReader> source, SourceReader::Open(options.source, options.table, options.query,
                                                                              SourceReadOptions{options.pg_copy}));
  phase.Set(ExportPhase::kValidate);
  for (const Field& f : source->schema()->fields()) {
    if (!IsUtf8(f.name)) {
      return Unsupported("column '{}' of {} has a name that is not valid UTF-8, which Iceberg requires; select it "
                         "under another name (--query \"SELECT ... AS new_name\") or rename it in a view",
                         Escaped(f.name), source->table().name.ToString());
    }
  }
  ASSIGN_OR_RETURN(TargetLayout layout,
                   PrepareTarget(*source->schema(), options.partition_by, base ? &base->metadata : nullptr));
  auto target_schema = std::make_shared<const Schema>(layout.schema);

  phase.Set(ExportPhase::kSource);
  if (progress && progress->mode() == ProgressReporter::Mode::kTerminal) {
    Result<int64_t> total = source->CountRows(options.where);
    if (total.ok()) progress->SetTotalRows(*total);
  }
  const std::string extracted_at = IsoNow();
  std::unique_ptr<db::BatchReader> extractor;
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
  FailedRunCleanup cleanup(wo.data_dir, wo.job_id);
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
  // Encoding threads per open file: an unpartitioned export has one open file per reader, so
  // the readers share the cores; a partitioned one may have max_open_files open at once,
  // each of which would start its own threads, so it encodes on the writing thread.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.threads = layout.spec.fields().empty() ? std::max(1, cores / std::max(1, options.parallel)) : 1;
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
    Result<bool> more = fetch->Next(&batch);
    if (!more.ok()) return SourceReadError(more.status(), *source);
    if (!*more) break;
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
  if (!source->from_query()) req.summary["icesync.source-table"] = source->table().name.ToString();
  if (!options.where.empty()) req.summary["icesync.source-where"] = options.where;
  // What ran on the source: the user's query as given, else the SELECT the extractor built.
  req.summary["icesync.source-query"] =
      source->from_query() ? options.query : parallel ? parallel->first_sql : extractor->sql();
  req.summary["icesync.extracted-at"] = extracted_at;
  req.summary["icesync.isolation"] = IsolationSummary(source->isolation(), parallel);
  if (parallel) req.summary["icesync.parallel-readers"] = std::to_string(parallel->readers);
  req.summary["icesync.extract-method"] = source->extract_method();
  req.summary["icesync.job-id"] = wo.job_id;
  req.properties["icesync.source"] = source->redacted_source();
  if (source->from_query()) {
    req.removed_properties.push_back("icesync.source-table");  // a replaced table's earlier source
  } else {
    req.properties["icesync.source-table"] = source->table().name.ToString();
  }
  req.properties["write.parquet.compression-codec"] = options.compression == "none" ? "uncompressed" : options.compression;
  req.properties["write.target-file-size-bytes"] = std::to_string(options.target_file_size);
  if (base) req.expected_snapshot_id = base->metadata.current_snapshot_id;
  Result<CommittedSnapshot> committed = base ? CommitOverwrite(req) : CommitNewTable(req);
  if (!committed.ok()) return committed.status().WithContext("committing " + id.ToString());
  cleanup.Succeeded();

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
  r.extract_method = source->extract_method();
  if (progress) progress->Update(r.rows, r.bytes);
  return r;
}

}  // namespace icesync::sync
