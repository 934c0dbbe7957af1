#pragma once
// An append-only output file that becomes visible under its final name only when finished:
// an io::OutputFile (a local temp file renamed at Finish(), or an S3 upload completed at
// Finish()), with buffering of small appends and optional background writing in front. A sink
// destroyed (or Abort()ed) before Finish() leaves nothing, so a failed write never leaves a
// file at its location that looks like valid output.
//
// WriteInBackground() moves the writing to a thread of the sink's own: appends are queued
// (in order) and position() advances at once, so the caller need not wait while the kernel
// copies a row group into the page cache (50-300 ms per 128 MiB row group on the benchmark
// VM). A write error is reported by the next Append or by Finish().
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"
#include "io/file_io.h"

namespace icesync::parquet {

class FileSink {
 public:
  // Opens `location` through the FileIO for its scheme (io::ForLocation).
  static Result<std::unique_ptr<FileSink>> Open(const std::string& location);
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Status Append(std::string_view bytes);
  // Appends *bytes and leaves it empty. Writing in the background, the sink takes the buffer
  // (its capacity goes with it) instead of copying it.
  Status AppendAndClear(std::string* bytes);
  // From now on appends are written on a background thread; an append waits while more
  // than `max_queued_bytes` are queued (so memory stays bounded when the disk is slow).
  Status WriteInBackground(int64_t max_queued_bytes);
  // Bytes appended so far (the offset of the next byte).
  int64_t position() const { return position_; }
  Status Finish();
  void Abort();
  const std::string& path() const { return path_; }

 private:
  FileSink(std::string path, std::unique_ptr<io::OutputFile> out) : path_(std::move(path)), out_(std::move(out)) {}
  Status FlushBuffer();
  Status WriteAll(const char* p, size_t n);
  // Background mode: queues the buffer, waiting for room; the first write error so far.
  Status Enqueue(std::string bytes);
  void BackgroundLoop();
  // Ends background mode: with `write` the queue is written first, else dropped.
  Status StopBackground(bool write);

  std::string path_;
  std::unique_ptr<io::OutputFile> out_;  // null once finished or aborted
  int64_t position_ = 0;
  std::string buffer_;  // small appends are gathered here; large ones go straight out

  // Background mode (writer_ running). The thread owns out_ writes until StopBackground.
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable changed_;  // queue, room or stop changed
  std::deque<std::string> queue_;    // guarded by mu_, written front first
  int64_t queued_bytes_ = 0;         // guarded by mu_: bytes in queue_ and being written
  int64_t max_queued_bytes_ = 0;
  Status background_error_;          // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  bool drop_queue_ = false;          // guarded by mu_
};

}  // namespace icesync::parquet
