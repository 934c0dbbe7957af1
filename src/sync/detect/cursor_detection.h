#pragma once
// What the cursor strategies (timestamp, id, rowversion) share: a column whose value grows
// with every change, the highest value read (the next watermark, taken from the rows
// themselves, never a clock), and rows whose cursor is NULL.
#include <optional>
#include <string>

#include "sync/detect/change_detection.h"

namespace icesync::sync {

class CursorDetection : public ChangeDetection {
 public:
  std::string spec() const override { return kind_ + ":" + column_; }
  Status Bind(const db::SourceTable& table) override;
  Status Observe(const RecordBatch& batch) override;
  Status Finish() override;
  std::string NewWatermark() const override;

 protected:
  CursorDetection(std::string kind, std::string column, NullCursorPolicy on_null)
      : kind_(std::move(kind)), column_(std::move(column)), on_null_(on_null) {}
  // Whether the strategy accepts the column's type (the message says which it takes).
  virtual Status CheckType(const DataType& type) const = 0;
  // Decodes the stored watermark into previous_ (nullopt stays nullopt).
  Status LoadPrevious(const std::optional<std::string>& previous);
  // `predicate` extended by the NULL-cursor policy: NULL rows are read with kInclude (every
  // run) and with kFail (to count them and fail).
  std::string WithNullPolicy(const std::string& predicate, const std::string& quoted_column) const;
  // The first run's read: every row, except those without a cursor under kExclude.
  DetectionPlan FirstRunPlan(const std::string& quoted_column) const;
  bool IsNullCursor(const RecordBatch& batch, int64_t row) const { return batch.column(index_).IsNull(row); }

  std::string kind_;
  std::string column_;
  NullCursorPolicy on_null_;
  std::string table_name_;
  size_t index_ = 0;
  DataType type_;
  std::optional<Value> previous_;
  std::string previous_text_;
  std::optional<Value> highest_;
  int64_t null_rows_ = 0;
};

}  // namespace icesync::sync
