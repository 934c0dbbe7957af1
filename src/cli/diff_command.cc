// `icesync diff`: checks that an Iceberg snapshot holds its source table's rows (and that a
// target table holds the snapshot's), listing the keys that are missing, extra or different.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "iceberg/snapshot.h"
#include "pipeline/diff.h"

namespace icesync::cli {

namespace {

constexpr const char* kDiffHelp =
    "Compare a source table with an Iceberg table (and, with --target, the Iceberg table with a\n"
    "target database table) row by row, matched by key.\n"
    "\n"
    "Values compare under the type mapping (docs/type-mapping.md), not as stored: a decimal that\n"
    "SQLite keeps as text equals the same decimal in Iceberg, 12.50 equals 12.5, an int equals the\n"
    "same long. Columns are matched by name; a column some side lacks makes the tables unequal.\n"
    "The key is --key, else the source's primary key, else the Iceberg identifier fields.\n"
    "\n"
    "Each side is read once while per-bucket row counts and hashes are kept (keys hash into\n"
    "--buckets buckets); only buckets whose counts or hashes differ are read again and compared\n"
    "row by row, at most --max-rows-in-memory rows at a time. Memory stays bounded for any table.\n"
    "\n"
    "For each compared pair (source/iceberg, iceberg/target) the output names the keys missing\n"
    "from the second side, extra in it, and different, with the first differing column.\n"
    "\n"
    "Examples:\n"
    "  icesync diff --source sqlite:///data/shop.db --table orders --warehouse ./lake --iceberg shop.orders\n"
    "  icesync diff --source postgresql://etl@db1/shop --table public.orders --warehouse ./lake \\\n"
    "      --iceberg shop.orders --snapshot 5276958600260276572 --json\n"
    "  icesync diff --source sqlite:///data/shop.db --table orders --warehouse ./lake --iceberg shop.orders \\\n"
    "      --target sqlite:///data/replica.db --target-table orders_copy --key region,id\n"
    "\n"
    "Exit codes: 0 equal, 1 not equal (or an unexpected error, on stderr), 2 usage (bad flag, no\n"
    "key), 3 database error, 5 table missing (source, target or Iceberg) or corrupt, 6 unsupported\n"
    "column type.";

struct DiffFlags {
  pipeline::DiffOptions options;
  CatalogFlags where;
  std::string snapshot;
  bool json = false;
};

nlohmann::ordered_json KeyJson(const std::string& key) {
  return nlohmann::ordered_json::parse(key, nullptr, /*allow_exceptions=*/false);
}

nlohmann::ordered_json DifferencesJson(const std::vector<pipeline::RowDifference>& list, bool values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const pipeline::RowDifference& d : list) {
    nlohmann::ordered_json j = {{"left", d.left}, {"key", KeyJson(d.key)}};
    if (!d.right.empty()) j["right"] = d.right;
    if (values) {
      j["column"] = d.column;
      j["left_value"] = d.left_value;
      j["right_value"] = d.right_value;
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json ResultJson(const pipeline::DiffResult& r) {
  using Json = nlohmann::ordered_json;
  return Json{
      {"equal", r.equal},
      {"source_rows", r.source_rows},
      {"iceberg_rows", r.iceberg_rows},
      {"target_rows", r.target_rows ? Json(*r.target_rows) : Json()},
      {"missing", DifferencesJson(r.missing, false)},
      {"extra", DifferencesJson(r.extra, false)},
      {"different", DifferencesJson(r.different, true)},
      {"duplicates", DifferencesJson(r.duplicates, false)},
      {"unmatched_columns", r.unmatched_columns},
      {"key", r.key_columns},
      {"columns", r.columns},
      {"snapshot_id", r.snapshot_id ? Json::parse(iceberg::SnapshotIdToJson(*r.snapshot_id).dump()) : Json()},
      {"buckets", r.buckets},
      {"buckets_compared", r.buckets_compared},
  };
}

void PrintText(const pipeline::DiffResult& r) {
  for (const std::string& c : r.unmatched_columns) std::printf("column %s has no counterpart on the other sides\n", c.c_str());
  for (const auto& d : r.missing) std::printf("%s/%s: missing from %s: %s\n", d.left.c_str(), d.right.c_str(), d.right.c_str(), d.key.c_str());
  for (const auto& d : r.extra) std::printf("%s/%s: extra in %s: %s\n", d.left.c_str(), d.right.c_str(), d.right.c_str(), d.key.c_str());
  for (const auto& d : r.different) {
    std::printf("%s/%s: different: %s: column %s: %s %s, %s %s\n", d.left.c_str(), d.right.c_str(), d.key.c_str(),
                d.column.c_str(), d.left.c_str(), d.left_value.c_str(), d.right.c_str(), d.right_value.c_str());
  }
  for (const auto& d : r.duplicates) std::printf("%s: duplicate key: %s\n", d.left.c_str(), d.key.c_str());
  std::string counts = "source " + std::to_string(r.source_rows) + " rows, iceberg " + std::to_string(r.iceberg_rows) + " rows";
  if (r.target_rows) counts += ", target " + std::to_string(*r.target_rows) + " rows";
  if (r.equal) {
    std::printf("equal: %s\n", counts.c_str());
  } else {
    std::printf("not equal: %s; %zu missing, %zu extra, %zu different\n", counts.c_str(), r.missing.size(),
                r.extra.size(), r.different.size());
  }
}

int RunDiff(DiffFlags& flags) {
  flags.options.warehouse = flags.where.warehouse;
  if (int rc = OpenCatalogFlags(flags.where, &flags.options.catalog, flags.json); rc != 0) return rc;
  if (!flags.snapshot.empty()) {
    Result<iceberg::SnapshotId> id = iceberg::ParseSnapshotId(flags.snapshot);
    if (!id.ok()) return ReportError(InvalidArgument("--snapshot '{}' is not a snapshot id", flags.snapshot), 2, flags.json);
    flags.options.snapshot_id = *id;
  }
  if (!flags.options.target_table.empty() && flags.options.target.empty()) {
    return ReportError(InvalidArgument("--target-table needs --target (the target database's connection)"), 2,
                       flags.json);
  }
  Result<pipeline::DiffResult> result = pipeline::Diff(flags.options);
  if (!result.ok()) {
    return ReportError(result.status(), ExitCodeFor(result.status()), flags.json);
  }
  if (flags.json) {
    std::printf("%s\n", ResultJson(*result).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  } else {
    PrintText(*result);
  }
  return result->equal ? 0 : 1;
}

}  // namespace

void AddDiffCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<DiffFlags>();
  pipeline::DiffOptions& o = flags->options;
  auto* cmd = app.add_subcommand("diff", "Compare a source table with an Iceberg table (and a target table) by key");
  cmd->footer(kDiffHelp);
  AddConnectionOption(cmd, "--source", "Source", &o.source)->required();
  cmd->add_option("--table", o.table, "Source table, [schema.]table")->required();
  AddCatalogOptions(cmd, &flags->where);
  cmd->add_option("--iceberg", o.iceberg, "Iceberg table, namespace.table (e.g. shop.orders)")->required();
  AddConnectionOption(cmd, "--target", "Target (compared with the Iceberg table)", &o.target);
  cmd->add_option("--target-table", o.target_table, "Target table (default: the --table name)");
  cmd->add_option("--key", o.key, "Key columns (comma-separated or repeated); default: the source's primary key")
      ->delimiter(',');
  cmd->add_option("--snapshot", flags->snapshot, "Compare this Iceberg snapshot (default: the current one)");
  cmd->add_option("--buckets", o.buckets, "Hash buckets of the first pass (default 4096)")->check(CLI::Range(1, 1 << 24));
  cmd->add_option("--max-rows-in-memory", o.max_rows_in_memory,
                  "Rows of differing buckets held at once per side (default 1000000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_flag("--json", flags->json,
                "Print one JSON object: equal, source_rows, iceberg_rows, target_rows, missing, extra, different, ...");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunDiff(*flags); });
}

}  // namespace icesync::cli
