#include "parquet/byte_source.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace icesync::parquet {

namespace {

Status CheckRange(const ByteSource& s, uint64_t offset, uint64_t length) {
  if (offset > s.size() || length > s.size() - offset) {
    return Corrupt("{}: read of {} bytes at offset {} is beyond the end of the {}-byte file", s.name(), length, offset,
                   s.size());
  }
  return Status::OK();
}

class FileSource : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, std::string name) : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileSource() override { ::close(fd_); }
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

class BufferSource : public ByteSource {
 public:
  BufferSource(std::string_view data, std::string name) : data_(data), name_(std::move(name)) {}
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

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
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
  return std::unique_ptr<ByteSource>(new FileSource(fd, static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<ByteSource> MemorySource(std::string_view data, std::string name) {
  return std::make_unique<BufferSource>(data, std::move(name));
}

}  // namespace icesync::parquet
