#pragma once
// Streaming Parquet writer for Iceberg data files.
//
//   ASSIGN_OR_RETURN(auto w, ParquetWriter::Open(path, schema, options));
//   RETURN_IF_ERROR(w->Write(batch));   // any number of times
//   RETURN_IF_ERROR(w->WriteAsync(&b)); // or: hand over b's buffers, refill b, repeat
//   ASSIGN_OR_RETURN(FileMetrics m, w->Close());
//
// Rows are buffered as compressed pages of the current row group, which is written out once
// its encoded (uncompressed) size reaches options.row_group_size, so memory stays about one
// row group, never the whole file. The file appears at `path` only when Close() succeeds
// (written as "<path>.tmp-<random>" and renamed); a writer destroyed or Abort()ed before
// that leaves nothing behind.
//
// Columns are encoded and compressed in parallel (options.threads), a slice of rows at a
// time: Write() returns when the batch is encoded, so the caller may reuse it at once. With
// more than one thread, WriteAsync() instead takes the batch's buffers and returns at once,
// and the batch is encoded while the caller fills the next one; and finished row groups are
// written to the file on a thread of the FileSink's own, while the next one is encoded. The
// file's bytes are the same whichever calls and thread count wrote the rows.
//
// Each column's SchemaElement carries the Iceberg field_id; the footer carries created_by
// (ICESYNC_CREATED_BY), the "iceberg.schema" key-value entry and TypeDefinedOrder column
// orders. Close() returns the metrics an Iceberg manifest entry needs.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/schema.h"
#include "parquet/background_task.h"
#include "parquet/column_encode_pool.h"
#include "parquet/column_writer.h"
#include "parquet/file_sink.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

struct WriterOptions {
  CompressionCodec compression = CompressionCodec::ZSTD;
  // 0: the writer's default: zstd level 2 (kDefaultZstdLevel in writer.cc), gzip's 6.
  int compression_level = 0;
  int64_t row_group_size = int64_t{128} << 20;  // target encoded, uncompressed bytes per row group
  int64_t page_size = 1 << 20;
  int64_t dictionary_page_size_limit = 1 << 20;
  bool enable_dictionary = true;
  // Threads encoding the columns of a row group (the calling thread is one of them): 0 = one
  // per core (std::thread::hardware_concurrency()), 1 = all on the calling thread. The file's
  // bytes do not depend on it.
  int threads = 0;
  // Extra footer entries (after iceberg.schema).
  std::vector<KeyValue> key_value_metadata;
};

// Iceberg data file metrics (table spec, manifest "data_file" fields), keyed by field id.
struct FileMetrics {
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int, int64_t> column_sizes;
  std::map<int, int64_t> value_counts;
  std::map<int, int64_t> null_value_counts;
  std::map<int, int64_t> nan_value_counts;  // float and double columns
  // Iceberg single-value serialization; strings truncated to 16 code points and binary to
  // 16 bytes (upper bounds incremented). Absent when a column has no non-null, non-NaN value.
  std::map<int, std::string> lower_bounds;
  std::map<int, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;  // start offset of each row group
};

// Parses "zstd", "snappy", "gzip", "uncompressed" (case-insensitive).
Result<CompressionCodec> ParseCompressionCodec(const std::string& name);

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> Open(const std::string& path, std::shared_ptr<const Schema> schema,
                                                     WriterOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // Appends the batch's rows; its columns must match the schema's fields in order and type.
  Status Write(const RecordBatch& batch);
  // Like Write, but takes the batch's buffers instead of encoding them before returning:
  // with more than one thread it returns once the previous WriteAsync batch is encoded (at
  // most one batch is in flight), and the batch is encoded meanwhile. *batch is left empty,
  // with the same schema and an earlier batch's buffers, so refilling it allocates nothing.
  // An error found while encoding (e.g. a null in a required column) comes back from the
  // next Write, WriteAsync or Close, which abort the file as Write would.
  Status WriteAsync(RecordBatch* batch);
  // Writes the last row group and the footer, and makes the file visible at its path.
  // `footer_entries` join WriterOptions::key_value_metadata (values known only at the end).
  Result<FileMetrics> Close(std::vector<KeyValue> footer_entries = {});
  // Discards everything written; no file remains. Implied by destruction before Close().
  void Abort();

  int64_t num_rows() const { return num_rows_; }
  // Bytes written so far plus the compressed size buffered for the current row group: a
  // caller rolling files at a target size checks this between batches. Waits for the batch
  // in flight, so the figure does not depend on timing.
  int64_t estimated_file_size() const;
  const std::string& path() const { return path_; }

 private:
  ParquetWriter(std::string path, std::shared_ptr<const Schema> schema, WriterOptions options);
  // Fails (and aborts) unless the writer is open and the batch matches the schema.
  Status CheckBatch(const RecordBatch& batch);
  // Appends the batch's rows to the columns a slice at a time, flushing full row groups.
  // Runs on the encoder's thread when there is one.
  Status EncodeBatch(const RecordBatch& batch);
  // Returns once no batch is in flight: the in-flight batch's status (OK without one).
  Status WaitForEncoding() const;
  Status FlushRowGroup();
  Status Fail(Status st);
  // Runs task(c) for every column c on the pool; the first failing column's error (in
  // column order, whatever the scheduling), naming the column.
  Status ForEachColumn(const std::function<Status(size_t)>& task);

  std::string path_;
  std::shared_ptr<const Schema> schema_;
  WriterOptions options_;
  std::unique_ptr<FileSink> sink_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::unique_ptr<ColumnEncodePool> pool_;
  // Column indices in the order the pool claims them: slowest first by the longer of each
  // column's last two tasks. Not just the last: a column compresses a page every few slices,
  // so its time alternates, and ordering by the last task alone would put a column last
  // just when its page is due. Only scheduling depends on this, never the bytes.
  std::vector<int> column_order_;
  struct TaskSeconds {
    double last = 0, before_last = 0;
    double estimate() const { return std::max(last, before_last); }
  };
  std::vector<TaskSeconds> column_seconds_;
  FileMetaData metadata_;
  // With more than one thread: runs EncodeBatch(in_flight_) for WriteAsync. While a
  // batch is in flight the encoder's thread alone touches the columns, pool, sink, metadata
  // and row_group_rows_; the caller's thread touches them only after encoder_->Wait().
  // Declared after everything the job uses, so it is destroyed (and waits) first.
  RecordBatch in_flight_;
  std::unique_ptr<BackgroundTask> encoder_;
  int64_t num_rows_ = 0;
  int64_t row_group_rows_ = 0;
  bool closed_ = false;
};

}  // namespace icesync::parquet
