#pragma once
// A scan of a Parquet file as a sequence of RecordBatches of at most ScanOptions::batch_rows
// rows, decoded page by page: memory is one batch plus, per projected column, one page and
// its read window, whatever the size of the row groups. Made by ParquetReader::Scan.
//
//   ASSIGN_OR_RETURN(auto scan, reader->Scan({.field_ids = {1, 3}, .batch_rows = 8192}));
//   RecordBatch batch;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
//     if (!more) break;
//     // row r of the batch is row scan->first_row() + r of the file
//   }
//
// Passing the same batch back to Next reuses its buffers (no allocation once they have
// grown to a batch's size). A caller that takes columns out of the batch must leave valid
// columns of the same type in their place (swap with empty ones), not moved-from vectors.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/batch.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/record_assembler.h"
#include "parquet/scan_options.h"

namespace icesync::parquet {

class ParquetReader;

class BatchReader {
 public:
  // `reader` must outlive this object. The row groups in `scan` must exist (Scan checks).
  BatchReader(const ParquetReader& reader, ScanOptions scan, std::vector<int> row_groups);

  // The schema of the batches: ParquetReader::ProjectedSchema(scan).
  const std::shared_ptr<const Schema>& schema() const { return schema_; }

  // Reads the next batch into *out; false when every row group has been read (*out is
  // then left as it was). After an error the scan cannot continue.
  Result<bool> Next(RecordBatch* out);

  // For the batch Next returned last: the position in the file of its first row (its rows
  // are consecutive in the file) and its row group.
  int64_t first_row() const { return first_row_; }
  int row_group() const { return row_group_; }

 private:
  Status StartRowGroup(int rg);
  // Checks that the row group's chunks were used up exactly.
  Status FinishRowGroup();

  const ParquetReader& reader_;
  const ScanOptions scan_;
  const std::vector<int> row_groups_;
  std::vector<size_t> fields_;  // the file schema's top-level fields read, in file order
  std::shared_ptr<const Schema> schema_;
  ColumnReadOptions read_options_;

  size_t next_group_ = 0;       // index into row_groups_
  int row_group_ = -1;          // the row group being read
  std::string context_;         // "file.parquet, row group N" for messages
  int64_t group_rows_left_ = 0;
  int64_t next_row_ = 0;        // file position of the next batch's first row
  int64_t first_row_ = 0;

  // Indexed by leaf; only the projected fields' leaves are used. Both keep their buffers
  // from batch to batch and from row group to row group.
  std::vector<ColumnChunkReader> chunks_;
  std::vector<LeafData> data_;
  // (batch column, leaf) of the flat columns whose decoded values are the column's storage
  // (no conversion): decoded straight into the batch's buffers.
  std::vector<std::pair<size_t, int>> decoded_in_place_;
};

}  // namespace icesync::parquet
