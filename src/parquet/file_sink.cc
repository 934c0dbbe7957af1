#include "parquet/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>

namespace icesync::parquet {
namespace {
constexpr size_t kBufferSize = 1 << 20;
}

Result<std::unique_ptr<FileSink>> FileSink::Open(const std::string& path) {
  std::random_device rd;
  std::string tmp = fmt::format("{}.tmp-{:08x}{:08x}", path, rd(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("cannot create {}: {}", tmp, std::strerror(errno));
  auto sink = std::unique_ptr<FileSink>(new FileSink(path, tmp, fd));
  sink->buffer_.reserve(kBufferSize);
  return sink;
}

FileSink::~FileSink() { Abort(); }

void FileSink::Abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
  }
}

Status FileSink::WriteAll(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return IOError("writing {}: {}", path_, std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

Status FileSink::FlushBuffer() {
  Status st = WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
  return st;
}

Status FileSink::Append(std::string_view bytes) {
  if (fd_ < 0) return Internal("append to closed file {}", path_);
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

Status FileSink::Finish() {
  if (fd_ < 0) return Internal("finish of closed file {}", path_);
  RETURN_IF_ERROR(FlushBuffer());
  if (::fsync(fd_) != 0) return IOError("syncing {}: {}", path_, std::strerror(errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
    return IOError("closing {}: {}", path_, std::strerror(errno));
  }
  fd_ = -1;
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_path_.c_str());
    return IOError("renaming {} to {}: {}", tmp_path_, path_, std::strerror(err));
  }
  return Status::OK();
}

}  // namespace icesync::parquet
