#include "sync/exporter.h"

#include <algorithm>

namespace icesync::sync {

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
  const size_t dot = o.target.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == o.target.size() || o.target.front() == '.' ||
      o.target.find("..") != std::string::npos) {
    return InvalidArgument("--to '{}' must be namespace.table (e.g. shop.orders)", o.target);
  }
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

Result<ExportResult> Export(const ExportOptions& options, ProgressReporter* progress, ExportPhase* failed_phase) {
  (void)progress;
  if (failed_phase) *failed_phase = ExportPhase::kValidate;
  RETURN_IF_ERROR(ValidateExportOptions(options));
  return Unsupported("export is not available yet in this build");
}

}  // namespace icesync::sync
