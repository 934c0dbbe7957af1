#pragma once
// Position-delete files (table spec, "Position Delete Files"): rows (file_path, pos) naming the
// rows of data files that a row delta removes. Position deletes rather than equality deletes:
// DuckDB, Trino, PyIceberg, Spark and icebird all apply them, and PyIceberg cannot read
// equality deletes at all.
//
// One file per partition touched (a delete file applies only to data files of its partition
// and spec), rows sorted by file_path then pos as the spec requires. Files are written under
// <table>/data/<partition path>/<job id>-deletes-N.parquet and, like data files, are visible
// only once committed.
#include <map>
#include <string>
#include <vector>

#include "core/value.h"
#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"

namespace icesync::sync {

// A live row of a data file, as scan planning describes the file.
struct RowLocation {
  std::string file_path;  // exactly as the manifest records it
  int64_t pos = 0;
  int spec_id = 0;
  std::vector<Value> partition;  // the data file's partition tuple
};

class PositionDeleteWriter {
 public:
  // `spec` is the table's default spec: only rows of data files written with it can be
  // deleted here (others get Unsupported naming the file: compact the table first).
  PositionDeleteWriter(std::string table_dir, iceberg::PartitionSpec spec, std::string job_id)
      : table_dir_(std::move(table_dir)), spec_(std::move(spec)), job_id_(std::move(job_id)) {}

  Status Add(const RowLocation& row);
  int64_t rows() const { return rows_; }
  // Data files targeted (for the commit's required_data_files).
  std::vector<std::string> TargetFiles() const;
  // Writes the files; returns them as delete files for a row delta. Nothing when no row.
  Result<std::vector<iceberg::DataFile>> Write();

 private:
  std::string table_dir_;
  iceberg::PartitionSpec spec_;
  std::string job_id_;
  struct PartitionDeletes {
    std::vector<Value> partition;
    std::map<std::string, std::vector<int64_t>> positions;  // file_path -> positions
  };
  // By iceberg::PartitionTupleKey: a delete file applies only to data files of its exact
  // partition, and two partitions may share a directory name (the string "null" and null).
  std::map<std::string, PartitionDeletes> by_partition_;
  int64_t rows_ = 0;
};

}  // namespace icesync::sync
