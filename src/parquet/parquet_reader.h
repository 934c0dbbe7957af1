#pragma once
// Reads Parquet files: footer and schema (with Iceberg field ids), and scans (BatchReader)
// that stream the rows in batches with projection by field id, row-group pruning from
// column statistics, and each row's position in the file (for Iceberg position deletes).
//
//   ASSIGN_OR_RETURN(auto reader, ParquetReader::Open("data.parquet"));
//   ASSIGN_OR_RETURN(auto scan, reader->Scan({.field_ids = {1, 3}, .filter = {pred}}));
//   RecordBatch batch;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
//     if (!more) break;
//     // row r of the batch is row scan->first_row() + r of the file
//   }
//
// Memory: the footer, plus per scan one batch and one page per projected column; the file
// is read with pread, never whole.
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/predicate.h"
#include "parquet/batch_reader.h"
#include "parquet/byte_source.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"
#include "parquet/scan_options.h"

namespace icesync::parquet {

class ParquetReader {
 public:
  ~ParquetReader();
  static Result<std::unique_ptr<ParquetReader>> Open(const std::string& path, ReaderOptions options = {});
  static Result<std::unique_ptr<ParquetReader>> Open(std::unique_ptr<ByteSource> source, ReaderOptions options = {});

  const std::string& name() const { return source_->name(); }
  const FileMetaData& metadata() const { return metadata_; }
  const FileSchema& file_schema() const { return *file_schema_; }
  const std::shared_ptr<const Schema>& schema() const { return file_schema_->schema(); }
  const std::vector<KeyValue>& key_value_metadata() const { return metadata_.key_value_metadata; }
  uint64_t file_size() const { return source_->size(); }

  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  // Sum of the row groups' row counts (FileMetaData.num_rows is not trusted: some writers
  // leave it 0).
  int64_t num_rows() const { return first_rows_.back(); }
  int64_t row_group_num_rows(int rg) const { return metadata_.row_groups[rg].num_rows; }
  // Position in the file of the first row of row group `rg`.
  int64_t row_group_first_row(int rg) const { return first_rows_[rg]; }

  // The schema of the batches a scan with `scan` returns.
  std::shared_ptr<const Schema> ProjectedSchema(const ScanOptions& scan) const;
  // Whether row group `rg` may hold rows matching every predicate, by its statistics.
  bool RowGroupMightMatch(int rg, const std::vector<Predicate>& filter) const;
  std::vector<int> SelectRowGroups(const std::vector<Predicate>& filter) const;
  // Starts a scan: the row groups scan.row_groups (default: all) that may match
  // scan.filter, in batches of at most scan.batch_rows rows. InvalidArgument for a row
  // group the file lacks or a batch size below 1. This reader must outlive the scan;
  // concurrent scans of one reader are fine (each has its own buffers).
  Result<std::unique_ptr<BatchReader>> Scan(ScanOptions scan) const;

 private:
  friend class BatchReader;
  ParquetReader() = default;
  Status Init();
  // Indexes of the schema's top-level fields that `scan` reads, in file order.
  std::vector<size_t> ProjectedFields(const ScanOptions& scan) const;
  const ByteSource& source() const { return *source_; }
  const ReaderOptions& options() const { return options_; }

  std::unique_ptr<ByteSource> source_;
  ReaderOptions options_;
  FileMetaData metadata_;
  std::shared_ptr<const FileSchema> file_schema_;
  std::vector<int64_t> first_rows_;  // num_row_groups + 1 entries
};

}  // namespace icesync::parquet
