#pragma once
// Routes rows to data files by partition tuple and rolls files at a target size.
//
// Each partition has at most one open file; a file is closed when its estimated size reaches
// the target, and the least recently used one when more than `max_open_files` are open (which
// bounds memory at about max_open_files row groups whatever the partition count, at the cost
// of smaller files for badly clustered input). Files are named
//   <data_dir>/<partition path>/<job id>-<sequence>.parquet
// with a job id unique per run, so a killed run's leftovers never collide with a re-run's.
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/value.h"
#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"
#include "sync/data_file_sink.h"

namespace icesync::sync {

struct PartitionedWriterOptions {
  std::string data_dir;       // local directory for data files (<table dir>/data)
  std::string data_uri;       // the same directory as metadata names it (<location>/data)
  std::string job_id;         // unique per run (a UUID)
  int64_t target_file_size = int64_t{128} << 20;
  int max_open_files = 64;
};

// The value of row `row` of `column` as a typed literal (null included).
Value ValueAt(const ColumnVector& column, int64_t row);

class PartitionedWriter {
 public:
  // InvalidArgument when a partition source column is not a top-level column of `schema`.
  static Result<std::unique_ptr<PartitionedWriter>> Create(std::shared_ptr<const Schema> schema,
                                                           iceberg::PartitionSpec spec,
                                                           PartitionedWriterOptions options,
                                                           DataFileSinkFactory open_sink);

  Status Write(const RecordBatch& batch);
  // Closes every open file; returns all files written, in the order they were closed.
  Result<std::vector<iceberg::DataFile>> Finish();

  int64_t rows_written() const { return rows_; }
  // Closed files' sizes plus open files' estimates.
  int64_t bytes_written() const;

 private:
  struct OpenFile {
    std::vector<Value> tuple;
    std::string partition_path;
    std::unique_ptr<DataFileSink> sink;
    std::list<std::string>::iterator lru;  // position in lru_ (front = most recent)
  };

  PartitionedWriter(std::shared_ptr<const Schema> schema, iceberg::PartitionSpec spec,
                    PartitionedWriterOptions options, DataFileSinkFactory open_sink);
  // Writes rows `rows` of `batch` (all of one partition) to that partition's file.
  Status WriteRows(const std::string& key, const std::vector<Value>& tuple, const RecordBatch& batch,
                   const std::vector<int64_t>* rows);
  Result<OpenFile*> FileFor(const std::string& key, const std::vector<Value>& tuple);
  Status CloseFile(const std::string& key);

  std::shared_ptr<const Schema> schema_;
  iceberg::PartitionSpec spec_;
  PartitionedWriterOptions options_;
  DataFileSinkFactory open_sink_;
  std::vector<size_t> source_columns_;  // per partition field: the source column's index
  std::map<std::string, OpenFile> open_;  // by partition key (serialized tuple)
  std::list<std::string> lru_;
  std::vector<iceberg::DataFile> done_;
  int64_t closed_bytes_ = 0;
  int64_t rows_ = 0;
  int64_t next_sequence_ = 0;
  RecordBatch scratch_;  // one partition's rows of the current batch
};

}  // namespace icesync::sync
