#pragma once
// One data file being written: the seam between routing/rolling (partitioned_writer.h) and
// the file format (parquet_file_sink.h). A sink creates nothing visible at its final path
// until Close() succeeds.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/batch.h"
#include "iceberg/manifest.h"

namespace icesync::sync {

class DataFileSink {
 public:
  virtual ~DataFileSink() = default;
  virtual Status Write(const RecordBatch& batch) = 0;
  // Bytes the file will have if closed now (written plus buffered, estimated): drives rolling.
  virtual int64_t EstimatedSize() const = 0;
  // Finishes the file and describes it for a manifest (path, counts, column metrics); the
  // caller fills in the partition tuple.
  virtual Result<iceberg::DataFile> Close() = 0;
};

// Opens a sink writing `local_path`, recorded in metadata as `uri`.
using DataFileSinkFactory =
    std::function<Result<std::unique_ptr<DataFileSink>>(const std::string& local_path, const std::string& uri)>;

}  // namespace icesync::sync
