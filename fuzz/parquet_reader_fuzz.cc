// libFuzzer target: opens the input bytes as a Parquet file from memory and scans every row
// group in batches, formatting every row, as `icesync parquet cat` does. Any crash,
// sanitizer report, timeout or out-of-memory is a bug; errors (Status) are the expected
// outcome for most inputs.
//
//   cmake --preset fuzz -G Ninja && cmake --build build/fuzz --target parquet_reader_fuzz
//   build/fuzz/fuzz/parquet_reader_fuzz -max_total_time=60 corpus/ ../shared/parquet-testing/data
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parquet/canonical_rows.h"
#include "parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace icesync::parquet;
  auto source = MemorySource(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.parquet");
  auto reader = ParquetReader::Open(std::move(source), ReaderOptions{.verify_checksums = (size & 1) != 0});
  if (!reader.ok()) return 0;
  ScanOptions options;
  options.with_row_position = true;
  options.batch_rows = 1 + static_cast<int64_t>(size % 997);  // boundaries inside pages and rows
  auto scan = (*reader)->Scan(options);
  if (!scan.ok()) return 0;
  icesync::RecordBatch batch;
  while (true) {
    auto more = (*scan)->Next(&batch);
    if (!more.ok() || !*more) return 0;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      std::string row = ParquetCanonicalRow(batch, r, (*reader)->file_schema());
      if (row.empty()) __builtin_trap();
    }
  }
  return 0;
}
