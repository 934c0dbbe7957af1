#pragma once
// An append-only output file that becomes visible under its final name only when finished:
// bytes go to "<path>.tmp-<random>", Finish() syncs and renames it to <path>, and a sink
// destroyed (or Abort()ed) before Finish() removes the temporary file. So a failed write
// never leaves a file at <path> that looks like valid output.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icesync::parquet {

class FileSink {
 public:
  static Result<std::unique_ptr<FileSink>> Open(const std::string& path);
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Status Append(std::string_view bytes);
  // Bytes appended so far (the offset of the next byte).
  int64_t position() const { return position_; }
  Status Finish();
  void Abort();
  const std::string& path() const { return path_; }

 private:
  FileSink(std::string path, std::string tmp_path, int fd)
      : path_(std::move(path)), tmp_path_(std::move(tmp_path)), fd_(fd) {}
  Status FlushBuffer();
  Status WriteAll(const char* p, size_t n);

  std::string path_;
  std::string tmp_path_;
  int fd_ = -1;
  int64_t position_ = 0;
  std::string buffer_;  // small appends are gathered here; large ones go straight out
};

}  // namespace icesync::parquet
