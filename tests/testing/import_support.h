#pragma once
// Support for the `icesync import` tests: Iceberg tables changed by hand through the row-delta
// API (position deletes + new data files, as the sync feature commits them), the real icesync
// binary run against a real SQLite file or the test PostgreSQL, and the target's rows read back
// through icesync's own extractor as sorted canonical JSON lines (comparable with
// `icesync scan --format jsonl --sort` of the same snapshot).
#include <cstdint>
#include <string>
#include <vector>

#include "core/batch.h"
#include "iceberg/catalog.h"
#include "testing/export_support.h"

namespace icesync::load::testing {

using sync::testing::CommandResult;
using sync::testing::ShellQuote;

// Commits one row delta to the table at `table_dir`: every live row whose `key_column` (an
// int64 column) is in `delete_keys` is removed by a position-delete file, and `added` (rows of
// the table's current schema, may be empty) lands in a new data file. Returns the new version.
iceberg::Table CommitRowDelta(const std::string& table_dir, const std::vector<int64_t>& delete_keys,
                              const RecordBatch& added, const std::string& key_column = "id");

// Commits a row delta holding one equality-delete file on `key_column` (int64) for `keys`.
iceberg::Table CommitEqualityDelete(const std::string& table_dir, const std::vector<int64_t>& keys,
                                    const std::string& key_column = "id");

// Rows of `table` in the database at `url`, the named columns only (all when empty), as sorted
// canonical JSON lines.
std::string TargetRows(const std::string& url, const std::string& table, const std::vector<std::string>& columns = {});
// The first column of the first row of `sql` as text ("" for NULL or no row).
std::string QueryValue(const std::string& url, const std::string& sql);

// `icesync import --warehouse W --from FROM --target URL --table TABLE --json EXTRA`.
CommandResult RunImport(const std::string& warehouse, const std::string& from, const std::string& url,
                        const std::string& table, const std::string& extra, const std::string& env = "");

}  // namespace icesync::load::testing
