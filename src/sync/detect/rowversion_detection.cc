// rowversion:COL (SQL Server) — rows with @last <= COL < MIN_ACTIVE_ROWVERSION(), read in one
// snapshot. The stored watermark is that upper bound, not max(COL): a transaction that got a
// lower rowversion but commits after the read would be missed by max(COL) forever, while
// MIN_ACTIVE_ROWVERSION() stays at or below the lowest rowversion still uncommitted. The value
// is binary(8), kept exactly (hex in the summary). Like timestamp it sees inserts and
// updates; deletes need --detect-deletes.
#include "sync/detect/cursor_detection.h"
#include "sync/watermark.h"

namespace icesync::sync {

namespace {

Result<std::string> ParseRowversion(const std::string& text) {
  std::string_view t = text;
  if (t.starts_with("0x") || t.starts_with("0X")) t.remove_prefix(2);
  if (t.size() != 16) return InvalidArgument("'{}' is not a rowversion (0x and 16 hex digits)", text);
  std::string out;
  for (size_t i = 0; i < 16; i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nibble(t[i]), lo = nibble(t[i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("'{}' is not a rowversion (0x and 16 hex digits)", text);
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

class RowversionDetection final : public CursorDetection {
 public:
  explicit RowversionDetection(std::string column)
      : CursorDetection("rowversion", std::move(column), NullCursorPolicy::kExclude) {}

  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    const std::string query = source.dialect().MinActiveRowversionQuery();
    if (query.empty()) {
      return Unsupported("--detect rowversion works on SQL Server only ({} has no rowversion); use "
                         "--detect timestamp:COL, id:COL or full",
                         source.dialect().name());
    }
    RETURN_IF_ERROR(LoadPrevious(previous));
    ASSIGN_OR_RETURN(std::string upper_text, source.QueryScalar(query));
    ASSIGN_OR_RETURN(std::string upper, ParseRowversion(upper_text));
    upper_ = Value(type_, upper);
    const std::string quoted = source.dialect().QuoteIdentifier(column_);
    DetectionPlan plan;
    if (previous_) {
      plan.where = quoted + " >= ? AND " + quoted + " < ?";
      plan.params.push_back(*previous_);
    } else {
      plan.where = quoted + " < ?";
    }
    plan.params.push_back(*upper_);
    return plan;
  }

  // The upper bound of this run's window, whatever the rows read (hex, as EncodeWatermark).
  std::string NewWatermark() const override { return upper_ ? EncodeWatermark(*upper_) : previous_text_; }

 protected:
  Status CheckType(const DataType& type) const override {
    if ((type.id() == TypeId::kFixed && type.length() == 8) || type.id() == TypeId::kBinary) return Status::OK();
    return InvalidArgument("the column is {}, not a rowversion (binary(8))", type.ToString());
  }

 private:
  std::optional<Value> upper_;
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeRowversionDetection(std::string column) {
  return std::make_unique<RowversionDetection>(std::move(column));
}

}  // namespace icesync::sync
