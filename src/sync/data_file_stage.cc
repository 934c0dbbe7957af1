#include "sync/data_file_stage.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/temporal.h"
#include "io/file_io.h"
#include "iceberg/column_fill.h"
#include "iceberg/table_metadata.h"
#include "sync/parquet_file_sink.h"

namespace icesync::sync {

namespace fs = std::filesystem;

namespace {

void RemoveIfEmpty(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
}

}  // namespace

Status CheckWritable(const std::string& dir) {
  // Object storage: permissions show only on the first write, which fails the job cleanly.
  if (io::HasRemoteScheme(dir)) return Status::OK();
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

Result<std::unique_ptr<DataFileStage>> DataFileStage::Open(DataFileStageOptions options) {
  std::unique_ptr<DataFileStage> s(new DataFileStage());
  s->job_id_ = iceberg::NewUuid();
  s->data_dir_ = options.table_dir + "/data";
  s->schema_ = options.schema;
  if (!io::HasRemoteScheme(s->data_dir_)) {
    std::error_code ec;
    for (fs::path p = s->data_dir_; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      s->created_dirs_.push_back(p.string());
    }
    fs::create_directories(s->data_dir_, ec);
    if (ec) return IOError("cannot create {}: {}", s->data_dir_, ec.message());
  }
  ParquetSinkOptions so;
  so.compression = options.compression;
  // Memory: one row group per open file. Few files (unpartitioned) get large row groups,
  // many open partitions share a budget of about 256 MB of buffered pages.
  const bool unpartitioned = options.spec.fields().empty();
  so.row_group_size = unpartitioned ? int64_t{32} << 20
                                    : std::clamp<int64_t>((int64_t{256} << 20) / std::max(1, options.max_open_files),
                                                          int64_t{1} << 20, int64_t{32} << 20);
  so.row_group_size = std::min(so.row_group_size, options.target_file_size);
  // Encoding threads per open file: an unpartitioned stage has one open file per writer, so
  // the writers share the cores; a partitioned one may have max_open_files open at once, each
  // of which would start its own threads, so it encodes on the writing thread.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.threads = unpartitioned ? std::max(1, cores / std::max(1, options.writers)) : 1;
  ASSIGN_OR_RETURN(s->sink_factory_, ParquetSinkFactory(s->schema_, so));
  s->options_ = std::move(options);
  PartitionedWriterOptions wo;
  wo.data_dir = s->data_dir_;
  wo.data_uri = s->data_dir_;  // our tables' location is their local directory
  wo.job_id = s->job_id_;
  wo.target_file_size = s->options_.target_file_size;
  wo.max_open_files = s->options_.max_open_files;
  ASSIGN_OR_RETURN(s->writer_, PartitionedWriter::Create(s->schema_, s->options_.spec, wo, s->sink_factory_));
  s->adapted_ = RecordBatch(s->schema_);
  return s;
}

Result<std::unique_ptr<PartitionedWriter>> DataFileStage::NewWriter(int index) const {
  PartitionedWriterOptions wo;
  wo.data_dir = data_dir_;
  wo.data_uri = data_dir_;
  wo.job_id = job_id_ + "-" + std::to_string(index + 1);
  wo.target_file_size = options_.target_file_size;
  wo.max_open_files = std::max(1, options_.max_open_files / std::max(1, options_.writers));
  return PartitionedWriter::Create(schema_, options_.spec, wo, sink_factory_);
}

Status DataFileStage::Write(RecordBatch& batch, const std::vector<uint8_t>* keep) {
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  const std::vector<int>& map = options_.source_column;
  std::vector<ColumnVector>& out = adapted_.columns();
  // Borrow the source columns (no copy); columns the source lacks are nulls.
  for (size_t i = 0; i < out.size(); ++i) {
    const int src = map.empty() ? static_cast<int>(i) : map[i];
    if (src >= 0) {
      std::swap(out[i], batch.column(static_cast<size_t>(src)));
    } else {
      ASSIGN_OR_RETURN(out[i], iceberg::ConstantColumn(schema_->field(i).type, Value::Null(schema_->field(i).type), rows));
    }
  }
  Status st;
  if (keep == nullptr) {
    st = writer_->Write(adapted_);
  } else if (std::any_of(keep->begin(), keep->end(), [](uint8_t k) { return k != 0; })) {
    st = writer_->Write(iceberg::SelectRows(adapted_, *keep));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const int src = map.empty() ? static_cast<int>(i) : map[i];
    if (src >= 0) std::swap(out[i], batch.column(static_cast<size_t>(src)));
  }
  return st;
}

Result<std::vector<iceberg::DataFile>> DataFileStage::Finish() { return writer_->Finish(); }

DataFileStage::~DataFileStage() {
  if (keep_) return;
  writer_.reset();  // open files remove their temporary files themselves
  if (io::HasRemoteScheme(data_dir_)) {
    // No directories on object storage: the job's finished files are found by their prefix.
    Result<std::vector<io::FileInfo>> files = io::ListAt(data_dir_);
    if (!files.ok()) return;
    for (const io::FileInfo& f : *files) {
      const std::string name = f.location.substr(f.location.find_last_of('/') + 1);
      if (name.rfind(job_id_ + "-", 0) == 0) (void)io::DeleteAt(f.location);
    }
    return;
  }
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (auto it = fs::recursive_directory_iterator(data_dir_, ec); !ec && it != fs::recursive_directory_iterator();
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
  for (const std::string& d : created_dirs_) RemoveIfEmpty(d);
}

}  // namespace icesync::sync
