// timestamp:COL — rows whose change time COL is at or after the watermark.
//
// The watermark is the highest COL value read (as dlt and Sling do), taken in the same read
// transaction as the rows, never the client's or server's clock. The next run reads
// `COL >= watermark - lag`: the start is closed because a transaction that commits after a sync
// can stamp a row with exactly the last watermark (or, with clock skew between writers or a
// transaction that commits late, with an earlier time: what --lag is for). Rows read again at
// or below the previous watermark are compared with the table by the sync and written only if
// they differ, so the re-read is idempotent and a run with no change commits nothing.
//
// SQLite stores timestamps as text and compares them as text, so a bound in another textual
// form ('T' vs ' ', with or without fraction digits) could skip rows. There the bound is moved
// one whole second earlier, which is below every textual form of the boundary second; the
// extra rows are only re-reads.
#include "core/temporal.h"
#include "sync/detect/cursor_detection.h"

namespace icesync::sync {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class TimestampDetection final : public CursorDetection {
 public:
  TimestampDetection(std::string column, const DetectionOptions& o)
      : CursorDetection("timestamp", std::move(column), o.on_null_cursor), lag_micros_(o.lag_micros) {}

  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    RETURN_IF_ERROR(LoadPrevious(previous));
    const std::string quoted = source.dialect().QuoteIdentifier(column_);
    if (!previous_) return FirstRunPlan(quoted);
    DetectionPlan plan;
    const bool text_compare = source.dialect().temporal_as_text();
    Value bound;
    if (type_.id() == TypeId::kDate) {
      // Days: the lag rounded up to whole days.
      const int64_t lag_days = (lag_micros_ + kMicrosPerDay - 1) / kMicrosPerDay;
      bound = Value(type_, static_cast<int32_t>(previous_->get<int32_t>() - lag_days - (text_compare ? 1 : 0)));
    } else {
      int64_t micros = previous_->get<int64_t>() - lag_micros_;
      if (text_compare) micros = (FloorDiv(micros, kMicrosPerSecond) - 1) * kMicrosPerSecond;
      bound = Value(type_, micros);
    }
    plan.where = WithNullPolicy(quoted + " >= ?", quoted);
    plan.params.push_back(std::move(bound));
    return plan;
  }

  bool MayBeReread(const RecordBatch& batch, int64_t row) const override {
    if (!previous_) return false;
    if (IsNullCursor(batch, row)) return true;  // --on-null-cursor include reads them every run
    const ColumnVector& col = batch.column(index_);
    if (type_.id() == TypeId::kDate) return col.Value<int32_t>(row) <= previous_->get<int32_t>();
    return col.Value<int64_t>(row) <= previous_->get<int64_t>();
  }

 protected:
  Status CheckType(const DataType& type) const override {
    if (type.id() == TypeId::kTimestamp || type.id() == TypeId::kTimestampTz || type.id() == TypeId::kDate) {
      return Status::OK();
    }
    return InvalidArgument("the column is {}, not a timestamp or date; for an increasing number use --detect id:COL",
                           type.ToString());
  }

 private:
  int64_t lag_micros_;
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeTimestampDetection(std::string column, const DetectionOptions& options) {
  return std::make_unique<TimestampDetection>(std::move(column), options);
}

}  // namespace icesync::sync
