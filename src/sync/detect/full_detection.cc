// full — every source row on every run. The sync compares each row with the table by key and
// content and writes only what differs; keys the table holds that the read did not return
// were deleted. It keeps no watermark (icesync.watermark is empty), works on any table with a
// key, and costs a full read of the source and of the table's rows every run.
#include "sync/detect/change_detection.h"

namespace icesync::sync {

namespace {

class FullDetection final : public ChangeDetection {
 public:
  std::string spec() const override { return "full"; }
  bool reads_all_rows() const override { return true; }
  Status Bind(const db::SourceTable&) override { return Status::OK(); }
  Result<DetectionPlan> Plan(const std::optional<std::string>&, const ChangeSource&) override {
    return DetectionPlan{};
  }
  Status Observe(const RecordBatch&) override { return Status::OK(); }
  // Every row may be one the table already holds.
  bool MayBeReread(const RecordBatch&, int64_t) const override { return true; }
  std::string NewWatermark() const override { return ""; }
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeFullDetection() { return std::make_unique<FullDetection>(); }

}  // namespace icesync::sync
