#include "parquet/file_sink.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>


namespace icesync::parquet {
namespace {
constexpr size_t kBufferSize = 1 << 20;
}

Result<std::unique_ptr<FileSink>> FileSink::Open(const std::string& location) {
  ASSIGN_OR_RETURN(io::FileIO * fio, io::ForLocation(location));
  ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, fio->CreateOutput(location));
  auto sink = std::unique_ptr<FileSink>(new FileSink(location, std::move(out)));
  sink->buffer_.reserve(kBufferSize);
  return sink;
}

FileSink::~FileSink() { Abort(); }

void FileSink::Abort() {
  (void)StopBackground(/*write=*/false);
  if (out_) {
    out_->Abort();
    out_.reset();
  }
}

Status FileSink::WriteAll(const char* p, size_t n) { return out_->Write(p, n); }

Status FileSink::FlushBuffer() {
  Status st = WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
  return st;
}

Status FileSink::Append(std::string_view bytes) {
  if (!out_) return Internal("append to closed file {}", path_);
  if (writer_.joinable()) return Enqueue(std::string(bytes));
  position_ += static_cast<int64_t>(bytes.size());
  if (buffer_.size() + bytes.size() <= kBufferSize) {
    buffer_.append(bytes.data(), bytes.size());
    return Status::OK();
  }
  RETURN_IF_ERROR(FlushBuffer());
  if (bytes.size() >= kBufferSize / 2) return WriteAll(bytes.data(), bytes.size());
  buffer_.append(bytes.data(), bytes.size());
  return Status::OK();
}

Status FileSink::AppendAndClear(std::string* bytes) {
  if (!out_) return Internal("append to closed file {}", path_);
  if (writer_.joinable()) {
    std::string taken;
    taken.swap(*bytes);
    return Enqueue(std::move(taken));
  }
  Status st = Append(*bytes);
  bytes->clear();
  return st;
}

Status FileSink::WriteInBackground(int64_t max_queued_bytes) {
  if (!out_) return Internal("background writing of closed file {}", path_);
  if (writer_.joinable()) return Status::OK();
  // Small appends buffered so far go out first, on this thread.
  RETURN_IF_ERROR(FlushBuffer());
  max_queued_bytes_ = max_queued_bytes;
  writer_ = std::thread([this] { BackgroundLoop(); });
  return Status::OK();
}

Status FileSink::Enqueue(std::string bytes) {
  const auto n = static_cast<int64_t>(bytes.size());
  std::unique_lock<std::mutex> lock(mu_);
  // Room: an empty queue always takes the buffer, however large.
  changed_.wait(lock, [&] {
    return !background_error_.ok() || queued_bytes_ == 0 || queued_bytes_ + n <= max_queued_bytes_;
  });
  if (!background_error_.ok()) return background_error_;
  position_ += n;
  queued_bytes_ += n;
  queue_.push_back(std::move(bytes));
  changed_.notify_all();
  return Status::OK();
}

void FileSink::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() || drop_queue_) return;  // stopping with nothing (more) to write
    std::string bytes = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Status st = background_error_.ok() ? WriteAll(bytes.data(), bytes.size()) : Status::OK();
    const auto n = static_cast<int64_t>(bytes.size());
    bytes = std::string();  // free the buffer before taking the next
    lock.lock();
    if (!st.ok() && background_error_.ok()) background_error_ = std::move(st);
    queued_bytes_ -= n;
    changed_.notify_all();
  }
}

Status FileSink::StopBackground(bool write) {
  if (!writer_.joinable()) return Status::OK();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    drop_queue_ = !write;
  }
  changed_.notify_all();
  writer_.join();
  std::lock_guard<std::mutex> lock(mu_);
  queue_.clear();
  queued_bytes_ = 0;
  return background_error_;
}

Status FileSink::Finish() {
  if (!out_) return Internal("finish of closed file {}", path_);
  RETURN_IF_ERROR(StopBackground(/*write=*/true));
  RETURN_IF_ERROR(FlushBuffer());
  Status st = out_->Finish();
  if (!st.ok()) out_->Abort();
  out_.reset();
  return st;
}

}  // namespace icesync::parquet
