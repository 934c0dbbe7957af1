#pragma once
// Data files in Parquet: a DataFileSink over parquet::ParquetWriter, which writes the Iceberg
// field ids into the file schema and returns the column metrics manifests need.
#include <memory>
#include <string>

#include "core/schema.h"
#include "sync/data_file_sink.h"

namespace icesync::sync {

// Opens Parquet files of `schema` with `compression` (zstd, snappy, gzip, none).
DataFileSinkFactory ParquetSinkFactory(std::shared_ptr<const Schema> schema, std::string compression);

}  // namespace icesync::sync
