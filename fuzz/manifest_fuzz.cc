// libFuzzer target: reads the input bytes both as an Iceberg manifest (entries with partition
// values typed from the file's own schema) and as a manifest list, as a scan does with the
// files a table's metadata names. Any crash, sanitizer report, timeout or out-of-memory is a
// bug; Corrupt statuses are the expected outcome.
//
//   build/fuzz/fuzz/manifest_fuzz -max_total_time=60 corpus/ ../shared/iceberg-fixtures/*/metadata
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iceberg/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace icesync::iceberg;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto manifest = ParseManifest(bytes, "fuzz.avro");
  if (manifest.ok()) {
    for (const ManifestEntry& e : manifest->entries) {
      if (e.data_file.partition.size() != manifest->partition_fields.size()) __builtin_trap();
    }
  }
  (void)ParseManifestList(bytes, "fuzz-list.avro");
  return 0;
}
