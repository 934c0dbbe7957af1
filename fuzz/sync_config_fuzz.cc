// libFuzzer target: parses the input as a sync.yaml pipeline file (pipeline/pipeline_config.h),
// with ${NAME} resolved from a fixed environment. The parser must return a config or an
// error status naming the file for any bytes: an exception escaping yaml-cpp (a key that is a
// mapping, a scalar where a sequence belongs, deep nesting), a crash, a sanitizer report or a
// timeout is a bug. An accepted config has what every job needs.
//
//   build/fuzz/fuzz/sync_config_fuzz -max_total_time=60 corpus/
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "pipeline/pipeline_config.h"

namespace {

std::optional<std::string> FixedEnvironment(const std::string& name) {
  if (name == "SHOP_DB") return std::string("sqlite:///tmp/shop.db");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // LoadPipelineConfig reads a file (relative paths resolve from its directory).
  static const std::string path = "/tmp/sync_config_fuzz-" + std::to_string(getpid()) + ".yaml";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) __builtin_trap();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  auto config = icesync::pipeline::LoadPipelineConfig(path, FixedEnvironment);
  if (!config.ok()) {
    if (config.status().message().find(path) == std::string::npos) __builtin_trap();  // errors name the file
    return 0;
  }
  if (config->warehouse.empty() || config->warehouse[0] != '/') __builtin_trap();
  for (const auto& t : config->tables) {
    if (t.name.empty() || t.sync.source.empty() || t.sync.target.empty() || t.line < 1) __builtin_trap();
  }
  return 0;
}
