#include "io/local_file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/durable_file.h"
#include "core/write_fault.h"

namespace icesync::io {
namespace fs = std::filesystem;
namespace {

Status CheckRange(const InputFile& s, uint64_t offset, uint64_t length) {
  if (offset > s.size() || length > s.size() - offset) {
    return Corrupt("{}: read of {} bytes at offset {} is beyond the end of the {}-byte file", s.name(), length, offset,
                   s.size());
  }
  return Status::OK();
}

class LocalInput : public InputFile {
 public:
  LocalInput(int fd, uint64_t size, std::string name) : fd_(fd), size_(size), name_(std::move(name)) {}
  ~LocalInput() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const override {
    RETURN_IF_ERROR(CheckRange(*this, offset, length));
    out->resize(length);
    return ReadInto(offset, length, reinterpret_cast<uint8_t*>(out->data()));
  }
  Status ReadInto(uint64_t offset, uint64_t length, uint8_t* out) const override {
    RETURN_IF_ERROR(CheckRange(*this, offset, length));
    uint64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return IOError("{}: read failed: {}", name_, std::strerror(errno));
      if (n == 0) return Corrupt("{}: file shrank while reading (offset {})", name_, offset + done);
      done += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string name_;
};

class MemoryInputFile : public InputFile {
 public:
  MemoryInputFile(std::string_view data, std::string name) : data_(data), name_(std::move(name)) {}
  uint64_t size() const override { return data_.size(); }
  const std::string& name() const override { return name_; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const override {
    RETURN_IF_ERROR(CheckRange(*this, offset, length));
    out->assign(data_.substr(offset, length));
    return Status::OK();
  }
  Status ReadInto(uint64_t offset, uint64_t length, uint8_t* out) const override {
    RETURN_IF_ERROR(CheckRange(*this, offset, length));
    if (length > 0) std::memcpy(out, data_.data() + offset, length);
    return Status::OK();
  }

 private:
  std::string_view data_;
  std::string name_;
};

// Invariant: until Finish() renames it, the bytes live only under tmp_ (never under path_).
class LocalOutput : public OutputFile {
 public:
  LocalOutput(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  ~LocalOutput() override { Abort(); }
  const std::string& name() const override { return path_; }

  Status Write(const char* p, size_t n) override {
    if (fd_ < 0) return Internal("write to closed file {}", path_);
    if (int injected = InjectedWriteError(n); injected != 0) return WriteError(path_, injected);
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return WriteError(path_, errno);
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::OK();
  }

  Status Finish() override {
    if (fd_ < 0) return Internal("finish of closed file {}", path_);
    if (::fsync(fd_) != 0) return IOError("syncing {}: {}", path_, std::strerror(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      ::unlink(tmp_.c_str());
      return IOError("closing {}: {}", path_, std::strerror(errno));
    }
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp_.c_str());
      return IOError("renaming {} to {}: {}", tmp_, path_, std::strerror(err));
    }
    return Status::OK();
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_.c_str());
  }

 private:
  std::string path_;
  std::string tmp_;
  int fd_;
};

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? std::string() : path.substr(0, slash);
}

}  // namespace

LocalFileIO* LocalFileIO::Instance() {
  static LocalFileIO io;
  return &io;
}

Result<std::unique_ptr<InputFile>> LocalFileIO::OpenInput(const std::string& location) {
  const std::string path = StripFileScheme(location);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("{}: no such file", path);
    return IOError("{}: cannot open: {}", path, std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IOError("{}: not a regular file", path);
  }
  return std::unique_ptr<InputFile>(new LocalInput(fd, static_cast<uint64_t>(st.st_size), path));
}

Result<std::unique_ptr<OutputFile>> LocalFileIO::CreateOutput(const std::string& location) {
  const std::string path = StripFileScheme(location);
  std::random_device rd;
  std::string tmp = fmt::format("{}.tmp-{:08x}{:08x}", path, rd(), rd());
  if (int injected = InjectedCreateError(); injected != 0) return WriteError(tmp, injected);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT && !ParentOf(path).empty()) {
    std::error_code ec;
    fs::create_directories(ParentOf(path), ec);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0) return WriteError(tmp, errno);
  return std::unique_ptr<OutputFile>(new LocalOutput(path, tmp, fd));
}

Status LocalFileIO::WriteNew(const std::string& location, std::string_view contents) {
  const std::string path = StripFileScheme(location);
  std::error_code ec;
  if (!ParentOf(path).empty()) fs::create_directories(ParentOf(path), ec);
  return WriteNewFile(path, contents);
}

Status LocalFileIO::WriteReplace(const std::string& location, std::string_view contents) {
  const std::string path = StripFileScheme(location);
  std::error_code ec;
  if (!ParentOf(path).empty()) fs::create_directories(ParentOf(path), ec);
  return ReplaceFile(path, contents);
}

Result<bool> LocalFileIO::Exists(const std::string& location) {
  std::error_code ec;
  const bool exists = fs::exists(StripFileScheme(location), ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return IOError("cannot check {}: {}", location, ec.message());
  }
  return exists;
}

Status LocalFileIO::Delete(const std::string& location) {
  const std::string path = StripFileScheme(location);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return IOError("cannot delete {}: {}", path, std::strerror(errno));
  }
  return Status::OK();
}

Result<std::vector<FileInfo>> LocalFileIO::List(const std::string& prefix) {
  const std::string dir = StripFileScheme(prefix);
  std::vector<FileInfo> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    FileInfo info;
    info.location = it->path().string();
    info.size = it->file_size(ec);
    const auto mtime = it->last_write_time(ec);
    const auto sys = std::chrono::file_clock::to_sys(mtime);
    info.modified_ms = std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
    out.push_back(std::move(info));
  }
  if (ec) return IOError("cannot list {}: {}", dir, ec.message());
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.location < b.location; });
  return out;
}

std::unique_ptr<InputFile> MemoryInput(std::string_view data, std::string name) {
  return std::make_unique<MemoryInputFile>(data, std::move(name));
}

}  // namespace icesync::io
