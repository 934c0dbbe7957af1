#include "sync/demo.h"

namespace icesync::sync {

Status RunDemo(const DemoOptions& options, std::FILE* out) {
  (void)options;
  (void)out;
  return Unsupported("the demo is not available yet in this build");
}

}  // namespace icesync::sync
