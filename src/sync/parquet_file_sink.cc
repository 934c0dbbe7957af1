#include "sync/parquet_file_sink.h"

#include "parquet/writer.h"

namespace icesync::sync {

namespace {

class ParquetFileSink : public DataFileSink {
 public:
  ParquetFileSink(std::unique_ptr<parquet::ParquetWriter> writer, std::string uri)
      : writer_(std::move(writer)), uri_(std::move(uri)) {}

  Status Write(const RecordBatch& batch) override { return writer_->Write(batch); }
  int64_t EstimatedSize() const override { return writer_->estimated_file_size(); }

  Result<iceberg::DataFile> Close() override {
    ASSIGN_OR_RETURN(parquet::FileMetrics m, writer_->Close());
    iceberg::DataFile f;
    f.content = iceberg::FileContent::kData;
    f.file_path = uri_;
    f.file_format = "PARQUET";
    f.record_count = m.record_count;
    f.file_size_in_bytes = m.file_size_in_bytes;
    f.column_sizes = std::move(m.column_sizes);
    f.value_counts = std::move(m.value_counts);
    f.null_value_counts = std::move(m.null_value_counts);
    f.nan_value_counts = std::move(m.nan_value_counts);
    f.lower_bounds = std::move(m.lower_bounds);
    f.upper_bounds = std::move(m.upper_bounds);
    f.split_offsets = std::move(m.split_offsets);
    f.sort_order_id = 0;  // unsorted
    return f;
  }

 private:
  std::unique_ptr<parquet::ParquetWriter> writer_;
  std::string uri_;
};

}  // namespace

Result<DataFileSinkFactory> ParquetSinkFactory(std::shared_ptr<const Schema> schema, const ParquetSinkOptions& options) {
  ASSIGN_OR_RETURN(parquet::CompressionCodec codec,
                   parquet::ParseCompressionCodec(options.compression == "none" ? "uncompressed" : options.compression));
  parquet::WriterOptions wo;
  wo.compression = codec;
  wo.row_group_size = options.row_group_size;
  return DataFileSinkFactory([schema, wo](const std::string& local_path,
                                          const std::string& uri) -> Result<std::unique_ptr<DataFileSink>> {
    ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetWriter> w, parquet::ParquetWriter::Open(local_path, schema, wo));
    return std::unique_ptr<DataFileSink>(new ParquetFileSink(std::move(w), uri));
  });
}

}  // namespace icesync::sync
