// libFuzzer target: parses the input as an Iceberg vN.metadata.json (format v1 or v2), as
// loading a table does. Metadata that parses must serialise and parse back to the same JSON.
// Any crash, sanitizer report, timeout or out-of-memory is a bug; Corrupt statuses are the
// expected outcome.
//
//   build/fuzz/fuzz/table_metadata_fuzz -max_total_time=60 corpus/ ../shared/iceberg-fixtures/*/metadata
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iceberg/table_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace icesync::iceberg;
  auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  auto metadata = TableMetadataFromJson(json, "fuzz.metadata.json");
  if (!metadata.ok()) return 0;
  const std::string text = SerializeTableMetadata(*metadata);
  auto again = TableMetadataFromJson(nlohmann::json::parse(text), "fuzz.metadata.json (rewritten)");
  if (!again.ok() || SerializeTableMetadata(*again) != text) __builtin_trap();
  return 0;
}
