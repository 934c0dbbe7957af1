// libFuzzer target: parses the input bytes as an Avro object container file (any codec, any
// writer schema). A file that parses must write back: every decoded record re-encodes under
// its writer schema, and the rewritten file parses to as many records. Any crash, sanitizer
// report, timeout or out-of-memory is a bug; Corrupt statuses are the expected outcome.
//
//   build/fuzz/fuzz/avro_container_fuzz -max_total_time=60 corpus/ ../shared/iceberg-fixtures/*/metadata
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "avro/container_reader.h"
#include "avro/container_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace icesync::avro;
  auto file = ParseContainer(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!file.ok()) return 0;
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& [key, value] : file->metadata) {
    if (key.rfind("avro.", 0) != 0) metadata.emplace_back(key, value);
  }
  ContainerWriter writer(file->writer_schema, metadata);
  for (const Datum& record : file->records) {
    if (!writer.Append(record).ok()) __builtin_trap();  // decoded with this schema, so it fits
  }
  auto bytes = writer.Finish();
  if (!bytes.ok()) __builtin_trap();
  auto again = ParseContainer(*bytes);
  if (!again.ok() || again->records.size() != file->records.size()) __builtin_trap();
  return 0;
}
