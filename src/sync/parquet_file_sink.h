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
  // Threads encoding each file's columns (parquet::WriterOptions::threads; 0 = one per core).
  // Every open file has its own, so callers with many open files keep this at 1.
  int threads = 1;
};

// The name a column gets in the Parquet file: Iceberg's Java writer (TypeToMessageType) makes
// names Avro-compatible with AvroSchemaUtil.makeCompatibleName, and readers that match
// columns by name rather than field id (icebird, name-mapped engines) look for that form:
// a name starting with a letter or '_' and going on with letters, digits and '_' is kept;
// otherwise a leading digit d becomes "_d" and every other offending UTF-16 code unit "_xHH"
// (upper-case hex), e.g. "order id" -> "order_x20id", "1st" -> "_1st". Java's letters are
// Unicode letters: here every non-ASCII character of the Basic Multilingual Plane counts as
// one (accented and CJK letters, the common case; BMP symbols such as U+20AC are kept too,
// where Java would escape them), and characters beyond it (emoji) are escaped per UTF-16
// surrogate as in Java ("_xD83D_xDE00").
std::string ParquetColumnName(const std::string& iceberg_name);

// Opens Parquet files of `schema` (column names per ParquetColumnName, field ids as in the
// schema); InvalidArgument for an unknown compression name.
Result<DataFileSinkFactory> ParquetSinkFactory(std::shared_ptr<const Schema> schema, const ParquetSinkOptions& options);

}  // namespace icesync::sync
