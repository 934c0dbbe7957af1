#include "parquet/background_task.h"

#include <exception>

namespace icesync::parquet {

Status RunGuarded(const std::function<Status()>& job) {
  try {
    return job();
  } catch (const std::exception& e) {
    return Internal("encoding failed: {}", e.what());
  } catch (...) {
    return Internal("encoding failed with an unknown exception");
  }
}

BackgroundTask::BackgroundTask() : thread_([this] { Loop(); }) {}

BackgroundTask::~BackgroundTask() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return !running_; });
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundTask::Start(std::function<Status()> job) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !running_; });
  job_ = std::move(job);
  running_ = true;
  lock.unlock();
  changed_.notify_all();
}

Status BackgroundTask::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !running_; });
  return status_;
}

void BackgroundTask::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || running_; });
    if (stopping_) return;
    std::function<Status()> job = std::move(job_);
    lock.unlock();
    Status st = RunGuarded(job);
    job = nullptr;  // destroyed before the owner may reuse what it captured
    lock.lock();
    status_ = std::move(st);
    running_ = false;
    changed_.notify_all();
  }
}

}  // namespace icesync::parquet
