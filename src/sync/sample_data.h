#pragma once
// The demo's sample source: a small shop with customers and orders, generated
// deterministically (same seed, same rows) so that demo output and tests are repeatable.
// It exercises what users' tables have: decimals, dates, timestamps, unicode names, NULLs,
// and a composite primary key (orders: customer_id + order_no).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"

namespace icesync::sync {

struct SampleTable {
  std::string name;        // "customers", "orders"
  std::string create_sql;  // SQLite DDL (declared types drive the ODBC type mapping)
  std::shared_ptr<const Schema> schema;  // the rows' schema; identifier fields = primary key
  int64_t rows = 0;
};

struct SampleSpec {
  int64_t orders = 200'000;   // the customers table gets orders / 20 rows (at least 10)
  uint64_t seed = 20240229;
};

std::vector<SampleTable> SampleTables(const SampleSpec& spec);

// Generates the rows of `table` (one of SampleTables(spec)) in batches of at most
// `batch_rows`, calling `sink` with each; stops at the first error sink returns.
Status GenerateSampleRows(const SampleSpec& spec, const SampleTable& table, int64_t batch_rows,
                          const std::function<Status(const RecordBatch&)>& sink);

}  // namespace icesync::sync
