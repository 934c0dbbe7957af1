#pragma once
// The "rows -> data files" stage that every job writing a table shares (export, sync, and
// later compaction): Parquet sinks sized for memory, rows routed by partition and rolled at
// the target size (PartitionedWriter), batches adapted from the source's columns to the
// table's schema, and the clean-up of a failed run.
//
// Invariants:
//   - nothing this stage writes is visible until the caller commits the files it returns;
//   - a stage destroyed without Keep() (the job failed before or at its commit) removes the
//     data files it closed (all named <job id>-*) and the directories that became empty, up
//     to the table directory and namespaces this run created. Files of other jobs are never
//     touched. A killed run cannot clean up; its files stay unreferenced (orphans).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"
#include "sync/partitioned_writer.h"

namespace icesync::sync {

// The nearest existing ancestor of `dir` must be a writable directory: checked before a job
// connects to its source, so that an unwritable warehouse fails fast with nothing written.
Status CheckWritable(const std::string& dir);

// Now as ISO text (UTC, µs), as jobs record their extraction time.
std::string IsoNow();

struct DataFileStageOptions {
  std::string table_dir;                  // files go to <table_dir>/data/<partition>/
  std::shared_ptr<const Schema> schema;   // the table schema files are written with (ids final)
  iceberg::PartitionSpec spec;
  // Per field of `schema`: the column of the written batches that fills it, or -1 (null).
  // Empty: the batches have the schema's columns in order.
  std::vector<int> source_column;
  int64_t target_file_size = int64_t{128} << 20;
  std::string compression = "zstd";
  int max_open_files = 64;
  // Writers that run at once (parallel readers): they share the cores and the open-file budget.
  int writers = 1;
};

class DataFileStage {
 public:
  static Result<std::unique_ptr<DataFileStage>> Open(DataFileStageOptions options);
  ~DataFileStage();

  const std::string& job_id() const { return job_id_; }
  const std::shared_ptr<const Schema>& schema() const { return schema_; }

  // Writes rows of `batch` (columns as the source delivers them; see source_column) whose
  // keep byte is set (all when `keep` is null). The batch's columns are borrowed, not copied,
  // and are back in place on return.
  Status Write(RecordBatch& batch, const std::vector<uint8_t>* keep = nullptr);
  // Closes every file of the stage's own writer; returns them (after the extra writers').
  Result<std::vector<iceberg::DataFile>> Finish();
  int64_t rows_written() const { return writer_->rows_written(); }
  int64_t bytes_written() const { return writer_->bytes_written(); }

  // A writer of its own (files named <job id>-<index>-*) for parallel reader `index`; its
  // files are cleaned up with the stage's. The caller finishes it.
  Result<std::unique_ptr<PartitionedWriter>> NewWriter(int index) const;

  // The files were committed: keep them.
  void Keep() { keep_ = true; }

 private:
  DataFileStage() = default;
  DataFileStageOptions options_;
  std::string job_id_;
  std::string data_dir_;
  std::shared_ptr<const Schema> schema_;
  DataFileSinkFactory sink_factory_;
  std::unique_ptr<PartitionedWriter> writer_;
  RecordBatch adapted_;
  std::vector<std::string> created_dirs_;  // directories this stage created, deepest first
  bool keep_ = false;
};

}  // namespace icesync::sync
