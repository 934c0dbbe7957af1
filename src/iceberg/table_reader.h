#pragma once
// Reads the rows of a planned scan as RecordBatches of the scan schema:
//   - data file columns are matched to schema fields by field id;
//   - a schema field missing from a data file reads as the file's identity partition value
//     for it (if its spec has an identity field on that column), else the field's
//     initial-default, else null;
//   - position deletes remove row `pos` of the data file whose manifest file_path is the
//     delete row's file_path (exact, unmapped strings);
//   - equality deletes remove rows whose `equality_ids` columns equal a delete row's.
// Delete files are read once each and cached for the whole scan.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "iceberg/delete_filter.h"
#include "iceberg/scan_planner.h"

namespace icesync::iceberg {

class TableReader {
 public:
  TableReader(const Table& table, const ScanPlan& plan, bool allow_moved_paths);

  // Batches of plan.schema, deletes applied, data files in plan order, rows in file order.
  // `sink` returns false to stop early (e.g. --limit reached).
  using BatchSink = std::function<Result<bool>(const RecordBatch& batch)>;
  Status Read(const BatchSink& sink);
  // One data file's rows; false when `sink` asked to stop.
  Result<bool> ReadTask(const FileScanTask& task, const BatchSink& sink);
  // The same, with each kept row's position in the data file (0-based, what a position delete
  // names): positions[i] belongs to row i of the batch.
  using PositionedBatchSink = std::function<Result<bool>(const RecordBatch& batch, const std::vector<int64_t>& positions)>;
  Result<bool> ReadTask(const FileScanTask& task, const PositionedBatchSink& sink);

  // Every row of the scan in one batch (tests and small tables).
  Result<RecordBatch> ReadAll();

  // The positions of `task`'s data file that its position deletes remove, sorted (for readers
  // that read the file themselves). Unsupported when equality deletes apply to it: those need
  // the rows' values.
  Result<std::vector<int64_t>> DeletedPositions(const FileScanTask& task);

 private:
  // The deletes that apply to `task`'s data file: sorted deleted positions and equality deletes.
  Status CollectDeletes(const FileScanTask& task, std::vector<int64_t>* positions,
                        std::vector<const EqualityDeletes*>* equality);
  Result<const PositionDeletes*> LoadPositionDeletes(const ScanFile& delete_file);
  Result<const EqualityDeletes*> LoadEqualityDeletes(const ScanFile& delete_file);
  // The table's field with this id, from the scan schema or else any schema of the table.
  const Field* FindTableField(int field_id) const;

  const Table& table_;
  const ScanPlan& plan_;
  TableFileMapper mapper_;
  std::shared_ptr<const Schema> schema_;
  std::map<std::string, std::unique_ptr<PositionDeletes>> position_deletes_;
  std::map<std::string, std::unique_ptr<EqualityDeletes>> equality_deletes_;
};

}  // namespace icesync::iceberg
