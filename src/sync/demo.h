#pragma once
// The demo job behind `icesync demo`: sample SQLite database -> export -> show.
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/status.h"

namespace icesync::sync {

struct DemoOptions {
  std::string dir = ".";    // holds demo-source.db and demo-warehouse/
  int64_t orders = 200'000;
};

// Runs the demo, printing what it does to `out`.
Status RunDemo(const DemoOptions& options, std::FILE* out);

}  // namespace icesync::sync
