#include "core/crash_point.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

namespace icesync {

void CrashPoint(std::string_view point) {
  if (const char* at = std::getenv("ICESYNC_CRASH_AT"); at != nullptr && point == at) {
    raise(SIGKILL);
  }
  if (const char* at = std::getenv("ICESYNC_PAUSE_AT"); at != nullptr && point == at) {
    const char* file = std::getenv("ICESYNC_PAUSE_FILE");
    if (file == nullptr) {
      for (;;) pause();
    }
    int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
    while (access(file, F_OK) == 0) usleep(20'000);
  }
}

}  // namespace icesync
