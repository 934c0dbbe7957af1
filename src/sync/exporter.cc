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
#include "core/crash_point.h"
#include "iceberg/snapshot_producer.h"
#include "iceberg/snapshot_summary.h"
#include "iceberg/table_layout.h"
#include "sync/data_file_stage.h"
#include "sync/iceberg_target.h"
#include "sync/parallel_reader.h"
#include "sync/source_reader.h"
#include "sync/source_stream.h"

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
  if (o.warehouse.empty() && !o.catalog) {
    return InvalidArgument("--warehouse is required (a directory or s3://bucket/prefix)");
  }
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

// The isolation as recorded: a parallel read is one consistent view only when every reader
// imported the same snapshot.
std::string IsolationSummary(const std::string& isolation, const std::optional<ParallelReadResult>& parallel) {
  if (!parallel || parallel->readers == 1) return isolation;
  if (parallel->consistent) return isolation + ", one snapshot shared by " + std::to_string(parallel->readers) + " readers";
  return isolation + " per reader; " + std::to_string(parallel->readers) +
         " key-range readers, not one consistent view";
}

}  // namespace

Result<ExportResult> Export(const ExportOptions& options, ProgressReporter* progress, JobPhase* failed_phase) {
  const auto start = std::chrono::steady_clock::now();
  PhaseTracker phase{failed_phase};
  phase.Set(JobPhase::kValidate);
  RETURN_IF_ERROR(ValidateExportOptions(options));
  ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(options.target));
  // Before connecting to the source: a table that exists without --replace, or a warehouse
  // that cannot be written, fails fast.
  ASSIGN_OR_RETURN(IcebergTarget target, OpenIcebergTarget(options.catalog, options.warehouse, id));
  if (target.base && !options.replace) {
    return AlreadyExists("table {} already exists in the {}; pass --replace to replace its contents "
                         "(a new snapshot; older snapshots stay readable)",
                         id.ToString(), target.ref.catalog()->Describe());
  }
  const iceberg::TableRef& ref = target.ref;
  const std::optional<iceberg::Table>& base = target.base;
  const std::string& table_dir = target.table_dir;

  // Source: connection, consistent read, schema.
  phase.Set(JobPhase::kSource);
  if (progress) progress->Note(options.query.empty() ? "reading " + options.table + " from the source" : "running the query");
  ASSIGN_OR_RETURN(std::unique_ptr<SourceReader> source, SourceReader::Open(options.source, options.table, options.query,
                                                                              SourceReadOptions{options.pg_copy}));
  phase.Set(JobPhase::kValidate);
  for (const Field& f : source->schema()->fields()) {
    if (!IsUtf8(f.name)) {
      return Unsupported("column '{}' of {} has a name that is not valid UTF-8, which Iceberg requires; select it "
                         "under another name (--query \"SELECT ... AS new_name\") or rename it in a view",
                         Escaped(f.name), source->table().name.ToString());
    }
  }
  ASSIGN_OR_RETURN(iceberg::TableLayout layout,
                   iceberg::LayoutForSource(*source->schema(), options.partition_by, base ? &base->metadata : nullptr));
  auto target_schema = std::make_shared<const Schema>(layout.schema);

  phase.Set(JobPhase::kSource);
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
  phase.Set(JobPhase::kWrite);
  DataFileStageOptions so;
  so.table_dir = table_dir;
  so.schema = target_schema;
  so.spec = layout.spec;
  so.target_file_size = options.target_file_size;
  so.compression = options.compression;
  so.max_open_files = options.max_open_files;
  so.writers = options.parallel;
  ASSIGN_OR_RETURN(std::unique_ptr<DataFileStage> stage, DataFileStage::Open(std::move(so)));
  std::optional<ParallelReadResult> parallel;
  if (options.parallel > 1) {
    phase.Set(JobPhase::kSource);
    bool write_failed = false;
    Result<ParallelReadResult> read = ReadKeyRangesInParallel(
        *source, ParallelReadOptions{options.source, options.where, options.parallel, options.batch_rows, target_schema},
        [&](int index) { return stage->NewWriter(index); }, progress, &write_failed);
    if (!read.ok()) {
      if (write_failed) phase.Set(JobPhase::kWrite);
      return read.status();
    }
    parallel = std::move(read).value();
  } else {
    RETURN_IF_ERROR(StreamSourceBatches(*extractor, *source, phase, [&](RecordBatch& batch) -> Status {
      RETURN_IF_ERROR(stage->Write(batch));
      if (progress) progress->Update(stage->rows_written(), stage->bytes_written());
      return Status::OK();
    }));
  }
  phase.Set(JobPhase::kWrite);
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, stage->Finish());
  if (parallel) files = std::move(parallel->files);
  phase.Set(JobPhase::kSource);
  RETURN_IF_ERROR(source->Finish());
  CrashPoint("files-written");

  // One commit.
  phase.Set(JobPhase::kCommit);
  if (progress) progress->Note("committing " + std::to_string(files.size()) + " data files");
  iceberg::SnapshotChange change;
  change.operation = iceberg::SnapshotOperation::kReplaceAll;
  change.added_data_files = files;
  change.summary_properties = options.extra_summary;
  auto& summary = change.summary_properties;
  summary["icesync.source"] = source->redacted_source();
  if (!source->from_query()) summary["icesync.source-table"] = source->table().name.ToString();
  if (!options.where.empty()) summary["icesync.source-where"] = options.where;
  // What ran on the source: the user's query as given, else the SELECT the extractor built.
  summary["icesync.source-query"] = source->from_query() ? options.query : parallel ? parallel->first_sql : extractor->sql();
  summary["icesync.extracted-at"] = extracted_at;
  summary["icesync.isolation"] = IsolationSummary(source->isolation(), parallel);
  if (parallel) summary["icesync.parallel-readers"] = std::to_string(parallel->readers);
  summary["icesync.extract-method"] = source->extract_method();
  summary["icesync.job-id"] = stage->job_id();
  std::map<std::string, std::string>& props = change.set_properties;
  props["icesync.source"] = source->redacted_source();
  if (source->from_query()) {
    change.removed_properties.push_back("icesync.source-table");  // a replaced table's earlier source
  } else {
    props["icesync.source-table"] = source->table().name.ToString();
  }
  props["write.parquet.compression-codec"] = options.compression == "none" ? "uncompressed" : options.compression;
  props["write.target-file-size-bytes"] = std::to_string(options.target_file_size);
  Result<iceberg::Table> committed = Status::OK();
  if (base) {
    // A replace replaces whatever the table holds when it commits: losing a race to another
    // writer means re-applying on the winner's snapshot, not failing.
    change.schema = layout.schema;
    change.spec = layout.spec;
    committed = iceberg::CommitSnapshot(ref, change);
  } else {
    change.operation = iceberg::SnapshotOperation::kAppend;  // a new table's first rows
    committed = iceberg::CreateTableWithSnapshot(ref, layout.schema, layout.spec, props, change);
    if (!committed.ok() && committed.status().code() == ErrorCode::kAlreadyExists) {
      committed = AlreadyExists("table at {} was created by another writer while this job ran, and this job "
                                "committed nothing; run it again with --replace to replace that table's contents",
                                table_dir);
    }
  }
  if (!committed.ok()) return committed.status().WithContext("committing " + id.ToString());
  stage->Keep();
  const iceberg::Snapshot* snapshot = committed->metadata.CurrentSnapshot();

  ExportResult r;
  r.table = id.ToString();
  r.table_dir = table_dir;
  r.metadata_path = committed->metadata_path;
  r.snapshot_id = snapshot->snapshot_id;
  r.previous_snapshot_id = snapshot->parent_snapshot_id;
  r.operation = base ? iceberg::kOpOverwrite : iceberg::kOpAppend;
  r.rows = parallel ? parallel->rows : stage->rows_written();
  r.files = static_cast<int64_t>(files.size());
  for (const iceberg::DataFile& f : files) r.bytes += f.file_size_in_bytes;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.isolation = IsolationSummary(source->isolation(), parallel);
  r.source = source->redacted_source();
  r.extract_method = source->extract_method();
  if (progress) progress->Update(r.rows, r.bytes);
  return r;
}

}  // namespace icesync::sync
