#include "parquet/writer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "core/schema_json.h"
#include "core/version.h"
#include "parquet/compression.h"

namespace icesync::parquet {
namespace {
// Rows handed to the column writers between row-group size checks.
constexpr int64_t kSliceRows = 64 * 1024;
constexpr char kMagic[] = "PAR1";
// zstd's own default is 3. On bench/parquet_bench's 10M mixed rows level 2 writes a file
// 1.5% larger with about a quarter less compression time (compression was ~40% of the
// writer's CPU at level 3); level -1 (fast) is 5% larger, level 1 20% larger there.
constexpr int kDefaultZstdLevel = 2;
}  // namespace

Result<CompressionCodec> ParseCompressionCodec(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "zstd") return CompressionCodec::ZSTD;
  if (n == "snappy") return CompressionCodec::SNAPPY;
  if (n == "gzip") return CompressionCodec::GZIP;
  if (n == "uncompressed" || n == "none") return CompressionCodec::UNCOMPRESSED;
  return InvalidArgument("unknown Parquet compression '{}'; use zstd, snappy, gzip or uncompressed", name);
}

ParquetWriter::ParquetWriter(std::string path, std::shared_ptr<const Schema> schema, WriterOptions options)
    : path_(std::move(path)), schema_(std::move(schema)), options_(std::move(options)) {}

ParquetWriter::~ParquetWriter() { Abort(); }

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(const std::string& path,
                                                           std::shared_ptr<const Schema> schema,
                                                           WriterOptions options) {
  if (!schema) return InvalidArgument("writing {}: no schema", path);
  if (!CanCompress(options.compression)) {
    return InvalidArgument("writing {}: cannot write {} compression; use zstd, snappy, gzip or uncompressed",
                           path, CodecName(options.compression));
  }
  if (options.page_size <= 0 || options.row_group_size <= 0) {
    return InvalidArgument("writing {}: page and row group sizes must be positive", path);
  }
  std::unique_ptr<ParquetWriter> w(new ParquetWriter(path, schema, options));
  ColumnWriterOptions copts;
  copts.codec = options.compression;
  copts.compression_level = options.compression_level;
  if (copts.compression_level == 0 && copts.codec == CompressionCodec::ZSTD) copts.compression_level = kDefaultZstdLevel;
  copts.page_size = options.page_size;
  copts.dictionary_page_size_limit = options.dictionary_page_size_limit;
  copts.enable_dictionary = options.enable_dictionary;

  FileMetaData& md = w->metadata_;
  md.version = 2;  // RLE_DICTIONARY is a format 2 encoding
  SchemaElement root;
  root.name = "table";
  root.num_children = static_cast<int32_t>(schema->num_fields());
  md.schema.push_back(root);
  for (const Field& f : schema->fields()) {
    auto col = ColumnWriter::Make(f, copts);
    if (!col.ok()) return col.status().WithContext("writing " + path);
    md.schema.push_back((*col)->schema_element());
    w->columns_.push_back(std::move(*col));
    md.column_orders.push_back(ColumnOrder{});
  }
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, std::max(1, static_cast<int>(w->columns_.size())));
  w->pool_ = std::make_unique<ColumnEncodePool>(threads);
  w->column_order_.resize(w->columns_.size());
  std::iota(w->column_order_.begin(), w->column_order_.end(), 0);
  w->column_seconds_.assign(w->columns_.size(), TaskSeconds{});
  md.key_value_metadata.push_back({"iceberg.schema", SchemaToJson(*schema).dump()});
  for (const KeyValue& kv : options.key_value_metadata) md.key_value_metadata.push_back(kv);
  md.created_by = ICESYNC_CREATED_BY;

  ASSIGN_OR_RETURN(w->sink_, FileSink::Open(path));
  RETURN_IF_ERROR(w->sink_->Append(kMagic));
  // With encoding threads, the file is written on one more, so a row group's chunks reach
  // the kernel while the next row group is encoded. At most about one row group is queued.
  if (threads > 1) RETURN_IF_ERROR(w->sink_->WriteInBackground(options.row_group_size));
  // With encoding threads, WriteAsync's batches are encoded on the encoder's thread (the
  // pool's calling thread) while the caller prepares the next one.
  if (threads > 1) {
    w->in_flight_ = RecordBatch(schema);
    w->encoder_ = std::make_unique<BackgroundTask>();
  }
  return w;
}

Status ParquetWriter::Fail(Status st) {
  Abort();
  return st.WithContext("writing " + path_);
}

void ParquetWriter::Abort() {
  // The batch in flight may be writing to the sink; its error no longer matters.
  (void)WaitForEncoding();
  if (sink_) sink_->Abort();
  closed_ = true;
}

Status ParquetWriter::Write(const RecordBatch& batch) {
  RETURN_IF_ERROR(CheckBatch(batch));
  // A batch WriteAsync handed over comes first; its error, if any, is this call's.
  Status st = WaitForEncoding();
  if (st.ok()) st = EncodeBatch(batch);
  if (!st.ok()) return Fail(std::move(st));
  num_rows_ += batch.num_rows();
  return Status::OK();
}

Status ParquetWriter::WriteAsync(RecordBatch* batch) {
  RETURN_IF_ERROR(CheckBatch(*batch));
  if (!encoder_) {
    RETURN_IF_ERROR(Write(*batch));
  } else {
    // The previous batch must be encoded before its buffers go back to the caller; its
    // error, if any, is this call's.
    Status st = encoder_->Wait();
    if (!st.ok()) return Fail(std::move(st));
    num_rows_ += batch->num_rows();
    std::swap(in_flight_, *batch);
    encoder_->Start([this] { return EncodeBatch(in_flight_); });
  }
  batch->Clear();
  return Status::OK();
}

Status ParquetWriter::CheckBatch(const RecordBatch& batch) {
  if (closed_) return InvalidArgument("writing {}: the writer is closed", path_);
  if (batch.num_columns() != columns_.size()) {
    return Fail(InvalidArgument("batch has {} columns, the file schema {}", batch.num_columns(), columns_.size()));
  }
  const int64_t rows = batch.num_rows();
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnVector& col = batch.column(c);
    if (!(col.type() == columns_[c]->field().type) || col.size() != rows) {
      return Fail(InvalidArgument("batch column {} is {} with {} rows; expected {} '{}' with {} rows", c,
                                  col.type().ToString(), col.size(), columns_[c]->field().type.ToString(),
                                  columns_[c]->field().name, rows));
    }
  }
  return Status::OK();
}

Status ParquetWriter::EncodeBatch(const RecordBatch& batch) {
  const int64_t rows = batch.num_rows();
  for (int64_t offset = 0; offset < rows; offset += kSliceRows) {
    const int64_t n = std::min(kSliceRows, rows - offset);
    RETURN_IF_ERROR(ForEachColumn([&](size_t c) { return columns_[c]->Append(batch.column(c), offset, n); }));
    // The row group ends after the same slice whatever the thread count: every column has
    // taken the whole slice before the sizes are summed.
    int64_t buffered = 0;
    for (const auto& col : columns_) buffered += col->buffered_bytes();
    row_group_rows_ += n;
    if (buffered >= options_.row_group_size) RETURN_IF_ERROR(FlushRowGroup());
  }
  return Status::OK();
}

Status ParquetWriter::WaitForEncoding() const { return encoder_ ? encoder_->Wait() : Status::OK(); }

Status ParquetWriter::FlushRowGroup() {
  if (row_group_rows_ == 0) return Status::OK();
  RowGroup rg;
  rg.num_rows = row_group_rows_;
  rg.file_offset = sink_->position();
  rg.ordinal = static_cast<int16_t>(std::min<size_t>(metadata_.row_groups.size(), INT16_MAX));
  RETURN_IF_ERROR(ForEachColumn([&](size_t c) { return columns_[c]->FinishChunk(); }));
  int64_t compressed = 0;
  for (auto& col : columns_) {
    ColumnChunk chunk;
    RETURN_IF_ERROR(col->WriteChunk(*sink_, &chunk));
    rg.total_byte_size += chunk.meta_data->total_uncompressed_size;
    compressed += chunk.meta_data->total_compressed_size;
    rg.columns.push_back(std::move(chunk));
  }
  rg.total_compressed_size = compressed;
  metadata_.row_groups.push_back(std::move(rg));
  row_group_rows_ = 0;
  return Status::OK();
}

Status ParquetWriter::ForEachColumn(const std::function<Status(size_t)>& task) {
  using Clock = std::chrono::steady_clock;
  std::vector<Status> statuses = pool_->Run(column_order_, [&](int c) {
    const Clock::time_point start = Clock::now();
    Status st = task(static_cast<size_t>(c));
    TaskSeconds& t = column_seconds_[c];
    t.before_last = t.last;
    t.last = std::chrono::duration<double>(Clock::now() - start).count();
    return st;
  });
  std::stable_sort(column_order_.begin(), column_order_.end(), [&](int a, int b) {
    return column_seconds_[a].estimate() > column_seconds_[b].estimate();
  });
  for (size_t c = 0; c < statuses.size(); ++c) {
    if (!statuses[c].ok()) {
      const Field& f = columns_[c]->field();
      return statuses[c].WithContext(fmt::format("column '{}' (field id {})", f.name, f.id));
    }
  }
  return Status::OK();
}

int64_t ParquetWriter::estimated_file_size() const {
  // Exact for the rows written so far, whatever the timing (a caller rolling files at a
  // size must split them at the same batch every run); an encoding error stays for the
  // next Write or Close to report.
  (void)WaitForEncoding();
  int64_t n = sink_ ? sink_->position() : 0;
  for (const auto& col : columns_) n += col->buffered_compressed_bytes();
  return n;
}

Result<FileMetrics> ParquetWriter::Close(std::vector<KeyValue> footer_entries) {
  if (closed_) return InvalidArgument("writing {}: the writer is already closed or aborted", path_);
  Status st = WaitForEncoding();
  if (st.ok()) st = FlushRowGroup();
  if (!st.ok()) return Fail(std::move(st));
  metadata_.num_rows = num_rows_;
  for (KeyValue& kv : footer_entries) metadata_.key_value_metadata.push_back(std::move(kv));
  std::string footer = SerializeFileMetaData(metadata_);
  uint32_t len = static_cast<uint32_t>(footer.size());
  char len_bytes[4];
  std::memcpy(len_bytes, &len, 4);
  footer.append(len_bytes, 4);
  footer.append(kMagic, 4);
  st = sink_->Append(footer);
  if (!st.ok()) return Fail(std::move(st));
  FileMetrics m;
  m.file_size_in_bytes = sink_->position();
  st = sink_->Finish();
  closed_ = true;
  if (!st.ok()) return st.WithContext("writing " + path_);

  m.record_count = num_rows_;
  for (const RowGroup& rg : metadata_.row_groups) m.split_offsets.push_back(*rg.file_offset);
  for (const auto& col : columns_) {
    const Field& f = col->field();
    const ColumnFileMetrics& cm = col->metrics();
    m.column_sizes[f.id] = cm.column_size;
    m.value_counts[f.id] = cm.value_count;
    m.null_value_counts[f.id] = cm.null_count;
    if (cm.nan_count) m.nan_value_counts[f.id] = *cm.nan_count;
    if (cm.min) m.lower_bounds[f.id] = TruncateLowerBound(f.type, cm.min->ToIcebergBytes());
    if (cm.max) {
      std::optional<std::string> upper = TruncateUpperBound(f.type, cm.max->ToIcebergBytes());
      if (upper) m.upper_bounds[f.id] = std::move(*upper);
    }
  }
  return m;
}

}  // namespace icesync::parquet
