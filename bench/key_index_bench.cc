// bench/run keyindex helper: times the key lookup a mirror sync makes before it writes position
// deletes (sync/table_key_index.h IndexTableKeys) on an existing Iceberg table keyed by a
// single long column: every `--every`-th key of [lower, upper] of that column's bounds is
// wanted. Prints "KEYINDEX rows_read=... found=... ms=... ns_per_row=..." for each of `--repeat`
// runs (the first one pays for the page cache).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_set>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "sync/table_key_index.h"

using namespace icesync;

namespace {

Status Run(const std::string& table_dir, int64_t every, int repeat) {
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::LoadTableDir(table_dir));
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, {}));
  const Schema& schema = plan.schema;
  if (schema.identifier_field_ids().empty()) return InvalidArgument("the table has no identifier field");
  const int key_id = schema.identifier_field_ids()[0];
  int64_t rows = 0;
  for (const auto& task : plan.tasks) rows += task.data.file.record_count;
  std::unordered_set<std::string> keys;
  for (int64_t k = 1; k <= rows; k += every) {
    std::string key(1, '\1');
    key.append(reinterpret_cast<const char*>(&k), 8);
    keys.insert(std::move(key));
  }
  sync::KeyIndexOptions options;
  options.key_field_ids = {key_id};
  sync::KeyFilter filter;
  filter.keys = &keys;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(sync::KeyIndex index, sync::IndexTableKeys(table, schema, options, filter, {}));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("KEYINDEX rows_read=%lld wanted=%zu found=%zu ms=%.1f ns_per_row=%.1f\n", static_cast<long long>(rows),
                keys.size(), index.rows.size(), ms, ms * 1e6 / static_cast<double>(rows));
  }
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: key_index_bench TABLE_DIR [--every N] [--repeat N]\n");
    return 2;
  }
  int64_t every = 1000;
  int repeat = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--every") == 0) every = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  Status st = Run(argv[1], every, repeat);
  if (!st.ok()) {
    std::fprintf(stderr, "key_index_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
