#include "core/write_fault.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <atomic>
#include <string_view>

namespace icesync {
namespace {

struct Injection {
  int always = 0;                // ICESYNC_FAIL_WRITES
  long long budget = -1;         // ICESYNC_FAIL_WRITES_AFTER_BYTES; -1: none
};

const Injection& Configured() {
  static const Injection injection = [] {
    Injection in;
    if (const char* v = std::getenv("ICESYNC_FAIL_WRITES"); v != nullptr) {
      const std::string_view s(v);
      in.always = s == "EROFS" ? EROFS : s == "ENOSPC" ? ENOSPC : 0;
    }
    if (const char* v = std::getenv("ICESYNC_FAIL_WRITES_AFTER_BYTES"); v != nullptr && *v != '\0') {
      in.budget = std::atoll(v);
    }
    return in;
  }();
  return injection;
}

std::atomic<long long> written{0};

}  // namespace

int InjectedWriteError(size_t bytes) {
  const Injection& in = Configured();
  if (in.always != 0) return in.always;
  if (in.budget < 0) return 0;
  const long long before = written.fetch_add(static_cast<long long>(bytes));
  return before + static_cast<long long>(bytes) > in.budget ? ENOSPC : 0;
}

int InjectedCreateError() { return Configured().always; }

Status WriteError(const std::string& path, int error) {
  std::string message = std::strerror(error);
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  const char* fix = error == ENOSPC   ? "; free space in the warehouse and run again"
                    : error == EROFS  ? "; the warehouse is on a read-only file system: remount it read-write and run again"
                    : error == EDQUOT ? "; the disk quota is exhausted: raise it and run again"
                                      : "";
  return IOError("{} writing {}{}", message, path, fix);
}

}  // namespace icesync
