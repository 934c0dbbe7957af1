#include "sync/prefetching_extractor.h"

namespace icesync::sync {

PrefetchingExtractor::PrefetchingExtractor(db::BatchReader* extractor, size_t depth)
    : extractor_(extractor), depth_(std::max<size_t>(depth, 1)), thread_([this] { Run(); }) {}

PrefetchingExtractor::~PrefetchingExtractor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void PrefetchingExtractor::Run() {
  for (;;) {
    RecordBatch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stop_ || ready_.size() < depth_; });
      if (stop_) break;
      if (!spare_.empty()) {
        batch = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    Result<bool> more = extractor_->Next(&batch);  // the slow part, outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    if (!more.ok() || !*more) {
      if (!more.ok()) status_ = more.status();
      break;
    }
    ready_.push_back(std::move(batch));
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
  changed_.notify_all();
}

Result<bool> PrefetchingExtractor::Next(RecordBatch* batch) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
  if (ready_.empty()) {
    if (!status_.ok()) return status_;
    batch->Clear();
    return false;
  }
  std::swap(*batch, ready_.front());
  spare_.push_back(std::move(ready_.front()));
  ready_.pop_front();
  changed_.notify_all();
  return true;
}

}  // namespace icesync::sync
