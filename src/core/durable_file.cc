#include "core/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "core/write_fault.h"

namespace icesync {
namespace {

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// "<dir>/.<name>.<random>.tmp": hidden, so catalogs listing metadata/ never mistake it.
std::string TempNameFor(const std::string& path) {
  static const char* kHex = "0123456789abcdef";
  std::random_device rd;
  std::string suffix;
  for (int i = 0; i < 16; ++i) suffix.push_back(kHex[rd() & 15]);
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + name + "." + suffix + ".tmp";
}

// Writes a synced temporary file next to `path`; returns its name.
Result<std::string> WriteTempNextTo(const std::string& path, std::string_view contents) {
  std::string tmp = TempNameFor(path);
  Status st = WriteFileSynced(tmp, contents);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return tmp;
}

}  // namespace

Status WriteFileSynced(const std::string& path, std::string_view contents) {
  if (int injected = InjectedCreateError(); injected != 0) return WriteError(path, injected);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return WriteError(path, errno);
  if (int injected = InjectedWriteError(contents.size()); injected != 0) {
    ::close(fd);
    return WriteError(path, injected);
  }
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return WriteError(path, e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return IOError("cannot fsync {}: {}", path, std::strerror(e));
  }
  if (::close(fd) != 0) return IOError("cannot close {}: {}", path, std::strerror(errno));
  return Status::OK();
}

Status WriteNewFile(const std::string& path, std::string_view contents) {
  ASSIGN_OR_RETURN(std::string tmp, WriteTempNextTo(path, contents));
  // link() fails with EEXIST instead of replacing: the no-overwrite guarantee.
  int rc = ::link(tmp.c_str(), path.c_str());
  int e = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (e == EEXIST) return AlreadyExists("{} already exists", path);
    return IOError("cannot create {}: {}", path, std::strerror(e));
  }
  SyncDirectory(ParentDir(path));
  return Status::OK();
}

Status ReplaceFile(const std::string& path, std::string_view contents) {
  ASSIGN_OR_RETURN(std::string tmp, WriteTempNextTo(path, contents));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return IOError("cannot replace {}: {}", path, std::strerror(e));
  }
  SyncDirectory(ParentDir(path));
  return Status::OK();
}

void SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace icesync
