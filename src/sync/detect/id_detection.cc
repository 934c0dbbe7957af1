// id:COL — rows whose COL is above the watermark (the highest COL read): an increasing key or
// sequence. It sees inserts only: an update keeps its id and a delete leaves nothing to read,
// so tables whose rows change need timestamp:COL, rowversion:COL or full (--detect-deletes
// adds deletes to any strategy).
#include "sync/detect/cursor_detection.h"

namespace icesync::sync {

namespace {

class IdDetection final : public CursorDetection {
 public:
  IdDetection(std::string column, const DetectionOptions& o) : CursorDetection("id", std::move(column), o.on_null_cursor) {}

  bool inserts_only() const override { return true; }

  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    RETURN_IF_ERROR(LoadPrevious(previous));
    const std::string quoted = source.dialect().QuoteIdentifier(column_);
    if (!previous_) return FirstRunPlan(quoted);
    DetectionPlan plan;
    plan.where = WithNullPolicy(quoted + " > ?", quoted);
    plan.params.push_back(*previous_);
    return plan;
  }

  bool MayBeReread(const RecordBatch& batch, int64_t row) const override {
    return previous_ && IsNullCursor(batch, row);
  }

 protected:
  Status CheckType(const DataType& type) const override {
    switch (type.id()) {
      case TypeId::kInt32:
      case TypeId::kInt64:
      case TypeId::kDecimal:
      case TypeId::kString: return Status::OK();
      default:
        return InvalidArgument("the column is {}; an id cursor is an integer, decimal or string column "
                               "(for change times use --detect timestamp:COL)",
                               type.ToString());
    }
  }
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeIdDetection(std::string column, const DetectionOptions& options) {
  return std::make_unique<IdDetection>(std::move(column), options);
}

}  // namespace icesync::sync
