#pragma once
// Data files in Parquet: a DataFileSink over parquet::ParquetWriter, which writes the Iceberg
// field ids into the file schema and returns the column metrics manifests need.
#include <memory>
#include <string>

#include "core/schema.h"
#include "sync/data_file_sink.h"

namespace icesync::sync {

struct ParquetSinkOptions {
  std::string compression = "zstd";  // zstd, snappy, gzip, none
  // Encoded bytes per row group: what one open file holds in memory at most (compressed).
  int64_t row_group_size = int64_t{32} << 20;
};

// Opens Parquet files of `schema`; InvalidArgument for an unknown compression name.
Result<DataFileSinkFactory> ParquetSinkFactory(std::shared_ptr<const Schema> schema, const ParquetSinkOptions& options);

}  // namespace icesync::sync
