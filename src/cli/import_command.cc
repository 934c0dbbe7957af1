// `icesync import`: an Iceberg table into a database table, incrementally and exactly once.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "load/importer.h"
#include "sync/progress.h"

namespace icesync::cli {

namespace {

constexpr const char* kImportHelp =
    "Load an Iceberg table into a database table (SQL Server, PostgreSQL, SQLite), exactly once.\n"
    "\n"
    "The target records the snapshot it holds in a table icesync_state (created on first use, in\n"
    "the target table's schema). Each run reads only the net change from that snapshot to the\n"
    "chosen one (--snapshot, default the current): rows of data files added since, with deletes\n"
    "applied, and the keys of rows deleted since. The first run, a target holding another table,\n"
    "an expired snapshot or an overwrite/replace in between read the whole snapshot instead.\n"
    "Importing the snapshot the target already holds does nothing (status: unchanged).\n"
    "\n"
    "Rows are bulk-loaded into a staging table (BCP, PostgreSQL COPY, batched inserts on SQLite),\n"
    "counted, then applied by set-based statements in ONE transaction that also updates\n"
    "icesync_state: a failure or a kill leaves the target at the old snapshot, and the next run\n"
    "applies exactly what is missing. Strategies:\n"
    "  append   insert the new rows (Iceberg deletes are not applied)\n"
    "  upsert   update rows whose key exists, insert the others, delete keys deleted in Iceberg\n"
    "  replace  the target ends holding exactly the snapshot's rows (readers never see it empty)\n"
    "  scd2     history: _valid_from, _valid_to (NULL while current), _is_current; a changed key\n"
    "           closes its current version and gets a new one, a deleted key closes its version,\n"
    "           at the commit time of the Iceberg snapshot that carried the change\n"
    "\n"
    "The key (upsert, scd2) is --key, else the Iceberg identifier fields, else the target's primary\n"
    "key; it must be present and unique in the snapshot. --create builds a missing target from the\n"
    "Iceberg schema (docs/type-mapping.md, \"Iceberg to database\"), the key as primary key.\n"
    "\n"
    "Examples:\n"
    "  icesync import --warehouse ./lake --from shop.orders --target sqlite:///data/copy.db \\\n"
    "      --table orders --strategy upsert --create\n"
    "  icesync import --warehouse ./lake --from shop.orders \\\n"
    "      --target postgresql://etl@db1/dw?password_env=DWPWD --table staging.orders --strategy scd2 --json\n"
    "\n"
    "Passwords: use ?password_env=NAME (URLs), PWD_ENV=NAME (ODBC strings) or $ICESYNC_PASSWORD.\n"
    "Exit codes: 0 ok or unchanged, 2 usage (bad flag, key missing or not unique, target columns\n"
    "differ), 3 database error, 5 Iceberg table, snapshot or target table missing, 6 unsupported\n"
    "type, 1 other.";

struct ImportFlags {
  load::ImportOptions options;
  CatalogFlags where;
  std::string strategy = "append";
  std::string key;
  bool json = false;
  bool quiet = false;
};

std::string JsonText(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

nlohmann::json OptionalId(const std::optional<int64_t>& id) { return id ? nlohmann::json(*id) : nlohmann::json(); }

nlohmann::json ResultJson(const load::ImportResult& r) {
  return {
      {"ok", true},
      {"status", r.status},
      {"table", r.target_table},
      {"strategy", r.strategy},
      {"from_snapshot_id", OptionalId(r.from_snapshot_id)},
      {"snapshot_id", OptionalId(r.snapshot_id)},
      {"full_read", r.full_read},
      {"read", r.read_reason},
      {"rows_read", r.rows_read},
      {"deleted_keys_read", r.keys_deleted_read},
      {"inserted", r.inserted},
      {"updated", r.updated},
      {"deleted", r.deleted},
      {"created", r.created},
      {"load_method", r.load_method},
      {"duration_s", r.seconds},
      {"plan_s", r.plan_seconds},
      {"stage_s", r.stage_seconds},
      {"apply_s", r.apply_seconds},
  };
}

int ReportImportError(const Status& status, bool json) {
  const int exit_code = ExitCodeFor(status);
  std::fprintf(stderr, "icesync: error: %s\n", status.message().c_str());
  if (json) {
    nlohmann::json j = {{"ok", false}, {"error", status.message()}, {"exit_code", exit_code}};
    std::printf("%s\n", JsonText(j).c_str());
  }
  return exit_code;
}

std::vector<std::string> SplitKey(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int RunImport(ImportFlags& flags) {
  flags.options.warehouse = flags.where.warehouse;
  if (int rc = OpenCatalogFlags(flags.where, &flags.options.catalog, flags.json); rc != 0) return rc;
  Result<load::Strategy> strategy = load::ParseStrategy(flags.strategy);
  if (!strategy.ok()) return ReportImportError(strategy.status(), flags.json);
  flags.options.strategy = *strategy;
  flags.options.key = SplitKey(flags.key);
  Result<load::ImportResult> result = load::Import(flags.options);
  if (!result.ok()) return ReportImportError(result.status(), flags.json);
  const load::ImportResult& r = *result;
  if (flags.json) {
    std::printf("%s\n", JsonText(ResultJson(r)).c_str());
  } else if (!flags.quiet) {
    if (r.status == "unchanged") {
      std::printf("%s is unchanged (%s)\n", r.target_table.c_str(), r.read_reason.c_str());
    } else {
      std::printf("imported snapshot %lld into %s (%s, %s): %s rows read, %s inserted, %s updated, %s deleted, "
                  "%.1f s\n",
                  static_cast<long long>(r.snapshot_id.value_or(0)), r.target_table.c_str(), r.strategy.c_str(),
                  r.read_reason.c_str(), sync::FormatCount(r.rows_read).c_str(), sync::FormatCount(r.inserted).c_str(),
                  sync::FormatCount(r.updated).c_str(), sync::FormatCount(r.deleted).c_str(), r.seconds);
    }
  }
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ImportFlags>();
  load::ImportOptions& o = flags->options;
  auto* cmd = app.add_subcommand("import", "Load an Iceberg table into a database table, incrementally, exactly once");
  cmd->footer(kImportHelp);
  AddCatalogOptions(cmd, &flags->where);
  cmd->add_option("--from", o.from, "Iceberg table to read, namespace.table (e.g. shop.orders)")->required();
  cmd->add_option("--target", o.target,
                  "Target connection: sqlite:///path.db, postgresql://user@host:port/db, mssql://..., or an ODBC string")
      ->required();
  cmd->add_option("--table", o.table, "Target table, [schema.]table")->required();
  cmd->add_option("--strategy", flags->strategy, "append (default), upsert, replace or scd2")
      ->check(CLI::IsMember({"append", "upsert", "replace", "scd2"}));
  cmd->add_option("--key", flags->key,
                  "Key columns, COL[,COL...] (default: the Iceberg identifier fields, else the target's primary key)");
  cmd->add_flag("--create", o.create, "Create the target table when missing (reverse type mapping, key as primary key)");
  cmd->add_option("--snapshot", o.snapshot_id, "Import up to this snapshot id (default: the current snapshot)");
  cmd->add_option("--batch-rows", o.batch_rows, "Rows per staged batch of deleted keys (default 65536)")
      ->check(CLI::Range(1, 1 << 22));
  cmd->add_flag("--allow-moved-paths", o.allow_moved_paths,
                "The table was copied from elsewhere: map its metadata's location (s3://...) onto the local\n"
                "table directory");
  cmd->add_flag("--json", flags->json,
                "Print the result as one JSON object (status, from_snapshot_id, snapshot_id, rows_read, inserted, ...)");
  cmd->add_flag("-q,--quiet", flags->quiet, "No output on success");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunImport(*flags); });
}

}  // namespace icesync::cli
