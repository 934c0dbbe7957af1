#include "parquet/column_encode_pool.h"

#include <algorithm>

#include "parquet/background_task.h"

namespace icesync::parquet {

ColumnEncodePool::ColumnEncodePool(int threads) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { WorkerLoop(); });
}

ColumnEncodePool::~ColumnEncodePool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& t : workers_) t.join();
}

std::vector<Status> ColumnEncodePool::Run(const std::vector<int>& order, const std::function<Status(int)>& task) {
  int size = 0;
  for (int i : order) size = std::max(size, i + 1);
  std::vector<Status> statuses(static_cast<size_t>(size));
  if (workers_.empty() || order.size() < 2) {
    for (int i : order) statuses[i] = RunGuarded([&] { return task(i); });
    return statuses;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    order_ = &order;
    task_ = &task;
    statuses_ = &statuses;
    next_ = 0;
    finished_ = 0;
    ++generation_;
  }
  work_ready_.notify_all();
  Drain();
  std::unique_lock<std::mutex> lock(mu_);
  round_done_.wait(lock, [&] { return finished_ == order.size(); });
  // A worker waking late finds no round and goes back to sleep.
  order_ = nullptr;
  task_ = nullptr;
  statuses_ = nullptr;
  return statuses;
}

void ColumnEncodePool::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  while (order_ != nullptr && next_ < order_->size()) {
    const int i = (*order_)[next_++];
    const std::function<Status(int)>& task = *task_;
    lock.unlock();
    Status st = RunGuarded([&] { return task(i); });
    lock.lock();
    (*statuses_)[i] = std::move(st);
    // order_ cannot change before this task is counted: Run waits for every task.
    if (++finished_ == order_->size()) round_done_.notify_one();
  }
}

void ColumnEncodePool::WorkerLoop() {
  uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    Drain();
  }
}

}  // namespace icesync::parquet
