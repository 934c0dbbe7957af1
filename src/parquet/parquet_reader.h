#pragma once
// Reads Parquet files: footer and schema (with Iceberg field ids), row groups into
// RecordBatches with projection by field id, row-group pruning from column statistics, and
// each row's position in the file (for Iceberg position deletes).
//
//   ASSIGN_OR_RETURN(auto reader, ParquetReader::Open("data.parquet"));
//   ScanOptions scan{.field_ids = {1, 3}, .filter = {pred}, .with_row_position = true};
//   for (int rg : reader->SelectRowGroups(scan.filter)) {
//     RecordBatch batch;
//     RETURN_IF_ERROR(reader->ReadRowGroup(rg, scan, &batch));
//     // row r of the batch is row reader->row_group_first_row(rg) + r of the file
//   }
//
// Memory: the footer, plus one row group's projected column chunks while it is decoded; the
// file is read with pread, never whole.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/predicate.h"
#include "parquet/byte_source.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

struct ReaderOptions {
  // Check page CRC32s where pages carry one (off by default, like most readers).
  bool verify_checksums = false;
};

struct ScanOptions {
  // Top-level fields to read, by field id; a nested field's id selects its whole top-level
  // field. Empty: every field. Ids the file lacks are ignored (schema evolution: the
  // caller fills columns a file predates).
  std::vector<int> field_ids;
  // Conjunction used by SelectRowGroups (rows are not filtered).
  std::vector<Predicate> filter;
  // Appends a required long column `_pos` (field id kRowPositionFieldId): each row's 0-based
  // position in the file, counting across row groups.
  bool with_row_position = false;
};

// Iceberg's reserved field id of the `_pos` metadata column.
constexpr int kRowPositionFieldId = 2147483645;

struct ScanScratch;

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

  // The schema of batches that ReadRowGroup returns for `scan`.
  std::shared_ptr<const Schema> ProjectedSchema(const ScanOptions& scan) const;
  // Whether row group `rg` may hold rows matching every predicate, by its statistics.
  bool RowGroupMightMatch(int rg, const std::vector<Predicate>& filter) const;
  std::vector<int> SelectRowGroups(const std::vector<Predicate>& filter) const;
  // Reads row group `rg` into `out` (replaced), schema ProjectedSchema(scan).
  Status ReadRowGroup(int rg, const ScanOptions& scan, RecordBatch* out) const;

 private:
  ParquetReader() = default;
  Status Init();
  std::vector<size_t> ProjectedFields(const ScanOptions& scan) const;

  std::unique_ptr<ByteSource> source_;
  ReaderOptions options_;
  FileMetaData metadata_;
  std::shared_ptr<const FileSchema> file_schema_;
  std::vector<int64_t> first_rows_;  // num_row_groups + 1 entries
  // Decoding buffers kept from one ReadRowGroup to the next, so that each row group does
  // not allocate (and fault in) them afresh. A call takes them under the mutex and puts them
  // back when done; concurrent calls on one reader each get their own.
  mutable std::mutex scratch_mu_;
  mutable std::unique_ptr<ScanScratch> scratch_;
};

}  // namespace icesync::parquet
