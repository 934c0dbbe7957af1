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
//
// Re-reads are recognised without reading the table: each run keeps the content hashes of the
// rows it read that the next run will read again (cursor at or above the next run's bound, or
// NULL with --on-null-cursor include) and stores them with the watermark
// (icesync.reread-hashes, at most --max-reread-rows rows, 256 by default). The next run skips a re-read whose
// hash is listed and treats one that is not as a change. Without the list (too many rows in
// the window, or a table synced before it existed) the sync compares with the table instead.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

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
      : CursorDetection("timestamp", std::move(column), o.on_null_cursor),
        lag_micros_(o.lag_micros),
        max_reread_rows_(o.max_reread_rows) {}

  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    RETURN_IF_ERROR(LoadPrevious(previous));
    const std::string quoted = source.dialect().QuoteIdentifier(column_);
    text_compare_ = source.dialect().temporal_as_text();
    const bool text_compare = text_compare_;
    if (!previous_) return FirstRunPlan(quoted);
    DetectionPlan plan;
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

  bool InRereadWindow(const RecordBatch& batch, int64_t row) const override {
    if (max_reread_rows_ == 0) return false;
    if (IsNullCursor(batch, row)) return on_null_ == NullCursorPolicy::kInclude;
    return Cursor(batch, row) >= NextLowerBound();
  }

  void Remember(const RecordBatch& batch, int64_t row, uint64_t hash) override {
    if (IsNullCursor(batch, row)) {
      if (on_null_ == NullCursorPolicy::kInclude) remembered_.push_back({INT64_MIN, hash});
    } else {
      remembered_.push_back({Cursor(batch, row), hash});
    }
    // Keep only what can still be inside the next window as the highest value grows.
    if (remembered_.size() > 8 * max_reread_rows_ + 1024) Prune();
  }

  std::string RereadState() const override {
    if (max_reread_rows_ == 0) return "";
    const int64_t from = NextLowerBound();
    std::vector<uint64_t> hashes;
    for (const auto& [cursor, hash] : remembered_) {
      if (cursor != INT64_MIN && cursor < from) continue;  // fell out of the window meanwhile
      hashes.push_back(hash);
    }
    if (hashes.size() > max_reread_rows_) return "";
    std::sort(hashes.begin(), hashes.end());
    std::string out = "v1:";
    for (uint64_t h : hashes) out += fmt::format("{:016x}", h);
    return out;
  }

  void LoadRereadState(const std::string& state) override {
    known_.reset();
    if (!state.starts_with("v1:") || (state.size() - 3) % 16 != 0) return;
    known_.emplace();
    for (size_t i = 3; i < state.size(); i += 16) known_->insert(std::stoull(state.substr(i, 16), nullptr, 16));
  }

  std::optional<bool> KnownUnchanged(const RecordBatch&, int64_t, uint64_t hash) const override {
    if (!known_) return std::nullopt;
    return known_->count(hash) > 0;
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
  int64_t Cursor(const RecordBatch& batch, int64_t row) const {
    const ColumnVector& col = batch.column(index_);
    return type_.id() == TypeId::kDate ? int64_t{col.Value<int32_t>(row)} * kMicrosPerDay : col.Value<int64_t>(row);
  }
  // The next run's lower bound as Plan will compute it from the highest value read so far
  // (conservative for dates and text comparison); rows below it will not be re-read.
  int64_t NextLowerBound() const {
    if (!highest_) return INT64_MIN;
    int64_t high = type_.id() == TypeId::kDate ? int64_t{highest_->get<int32_t>()} * kMicrosPerDay
                                               : highest_->get<int64_t>();
    if (previous_) {
      const int64_t prev = type_.id() == TypeId::kDate ? int64_t{previous_->get<int32_t>()} * kMicrosPerDay
                                                       : previous_->get<int64_t>();
      high = std::max(high, prev);
    }
    int64_t from = high - lag_micros_;
    if (type_.id() == TypeId::kDate) from -= kMicrosPerDay * 2;
    if (text_compare_) from = (FloorDiv(from, kMicrosPerSecond) - 1) * kMicrosPerSecond;
    return from;
  }
  // Drops remembered rows that fell below that bound as the highest value grew.
  void Prune() {
    const int64_t from = NextLowerBound();
    std::erase_if(remembered_, [&](const auto& e) { return e.first != INT64_MIN && e.first < from; });
  }

  int64_t lag_micros_;
  size_t max_reread_rows_;
  bool text_compare_ = false;
  std::vector<std::pair<int64_t, uint64_t>> remembered_;  // (cursor µs or INT64_MIN for NULL, hash)
  std::optional<std::unordered_set<uint64_t>> known_;
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeTimestampDetection(std::string column, const DetectionOptions& options) {
  return std::make_unique<TimestampDetection>(std::move(column), options);
}

}  // namespace icesync::sync
