#include "sync/detect/cursor_detection.h"

#include "sync/partitioned_writer.h"
#include "sync/progress.h"
#include "sync/watermark.h"

namespace icesync::sync {

Status CursorDetection::Bind(const db::SourceTable& table) {
  ASSIGN_OR_RETURN(index_, FindCursorColumn(table, column_, kind_.c_str()));
  type_ = table.schema->field(index_).type;
  table_name_ = table.name.ToString();
  return CheckType(type_).WithContext(fmt::format("--detect {}:{}", kind_, column_));
}

Status CursorDetection::LoadPrevious(const std::optional<std::string>& previous) {
  previous_.reset();
  previous_text_.clear();
  if (!previous || previous->empty()) return Status::OK();
  ASSIGN_OR_RETURN(Value v, DecodeWatermark(type_, *previous));
  previous_ = std::move(v);
  previous_text_ = *previous;
  return Status::OK();
}

std::string CursorDetection::WithNullPolicy(const std::string& predicate, const std::string& quoted_column) const {
  if (on_null_ == NullCursorPolicy::kExclude) return predicate;
  return "(" + predicate + ") OR " + quoted_column + " IS NULL";
}

DetectionPlan CursorDetection::FirstRunPlan(const std::string& quoted_column) const {
  DetectionPlan plan;
  if (on_null_ == NullCursorPolicy::kExclude) plan.where = quoted_column + " IS NOT NULL";
  return plan;
}

Status CursorDetection::Observe(const RecordBatch& batch) {
  const ColumnVector& col = batch.column(index_);
  // Integer-stored cursors (timestamps, dates, ids) without a Value per row.
  const TypeId id = type_.id();
  if (id == TypeId::kInt64 || id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kInt32 ||
      id == TypeId::kDate) {
    const bool wide = id != TypeId::kInt32 && id != TypeId::kDate;
    bool any = false;
    int64_t high = 0;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (col.IsNull(r)) {
        ++null_rows_;
        continue;
      }
      const int64_t v = wide ? col.Value<int64_t>(r) : col.Value<int32_t>(r);
      if (!any || v > high) high = v;
      any = true;
    }
    if (!any) return Status::OK();
    Value v = wide ? Value(type_, high) : Value(type_, static_cast<int32_t>(high));
    if (!highest_ || v.Compare(*highest_) > 0) highest_ = std::move(v);
    return Status::OK();
  }
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (col.IsNull(r)) {
      ++null_rows_;
      continue;
    }
    Value v = ValueAt(col, r);
    if (!highest_ || v.Compare(*highest_) > 0) highest_ = std::move(v);
  }
  return Status::OK();
}

Status CursorDetection::Finish() {
  if (null_rows_ > 0 && on_null_ == NullCursorPolicy::kFail) {
    return InvalidArgument("{} row(s) of {} have NULL in {}, the --detect {} column, so their changes could never be "
                           "seen; fill the column, or pass --on-null-cursor include (read them on every run) or "
                           "--on-null-cursor exclude (leave them out)",
                           FormatCount(null_rows_), table_name_, column_, kind_);
  }
  return Status::OK();
}

std::string CursorDetection::NewWatermark() const {
  if (!highest_) return previous_text_;
  if (previous_ && highest_->Compare(*previous_) < 0) return previous_text_;  // never moves back
  return EncodeWatermark(*highest_);
}

}  // namespace icesync::sync
