// `icesync sync`: one incremental run of a source table into an Iceberg table.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/duration.h"
#include "sync/byte_size.h"
#include "sync/incremental_sync.h"

namespace icesync::cli {

namespace {

constexpr const char* kSyncHelp =
    "Bring an Iceberg table up to date with a database table, reading only what changed.\n"
    "\n"
    "The first run copies the whole table (like export) and records a watermark. Each later run\n"
    "reads the rows the detection strategy selects, compares those that may be re-reads with\n"
    "the table, and commits what changed as ONE snapshot whose summary carries the new watermark:\n"
    "the rows and the watermark land together or not at all, so a run killed anywhere is\n"
    "simply run again and converges. A run that finds nothing new commits nothing\n"
    "(status unchanged).\n"
    "\n"
    "Detection (--detect):\n"
    "  full            every row, compared by key and content; sees inserts, updates and deletes;\n"
    "                  costs a full read of the source and the table (the default; always works)\n"
    "  timestamp:COL   rows with COL >= watermark - lag, where the watermark is the highest COL\n"
    "                  read (never a clock). The start is closed: rows stamped with exactly the\n"
    "                  last watermark that commit later are still seen; re-read rows the table\n"
    "                  already holds are not written again. Sees inserts and updates.\n"
    "  id:COL          rows with COL > watermark: INSERTS ONLY (updates and deletes are not seen)\n"
    "  rowversion:COL  SQL Server rowversion: COL >= last AND COL < MIN_ACTIVE_ROWVERSION(), which\n"
    "                  unlike max(COL) never misses a transaction that commits late\n"
    "  change-tracking SQL Server Change Tracking: CHANGETABLE(CHANGES t, last version), deletes\n"
    "                  included; needs SNAPSHOT isolation allowed and tracking enabled on the table.\n"
    "                  When the retention period dropped changes since the last sync, it fails\n"
    "                  and says so; --reinit then reads every row once and compares\n"
    "--detect-deletes adds deletes to timestamp/id/rowversion: the source's key set is compared\n"
    "with the table's (key columns only).\n"
    "\n"
    "Why --lag: a transaction stamps its rows when it writes them but they become visible when it\n"
    "commits, and writers' clocks differ; a row stamped before the last watermark can appear\n"
    "after the sync that set it. --lag 5m re-reads the last five minutes every run (re-reads\n"
    "are compared, not duplicated). Rows whose COL is NULL are an error unless\n"
    "--on-null-cursor include (read every run) or exclude.\n"
    "\n"
    "Modes: mirror (default with a key) keeps the table equal to the source: new versions of\n"
    "changed rows plus position deletes of their old versions, which DuckDB, Spark, Trino,\n"
    "PyIceberg and icebird apply. changelog (default without a key) appends every change with\n"
    "_change_op (I/U/D) and _change_seq, an audit history any reader can replay.\n"
    "\n"
    "Schema drift: a new source column becomes a new Iceberg column (older rows read null),\n"
    "int -> long, float -> double and decimal precision increases widen in place; other type\n"
    "changes are an error naming the column (--on-schema-change fail refuses any change).\n"
    "\n"
    "Examples:\n"
    "  icesync sync --source sqlite:///data/shop.db --table orders --warehouse ./lake --to shop.orders\n"
    "  icesync sync --source postgresql://etl@db1/shop --table public.orders --warehouse ./lake \\\n"
    "      --to shop.orders --detect timestamp:updated_at --lag 2m --detect-deletes\n"
    "  icesync sync --source \"Driver={ODBC Driver 18 for SQL Server};Server=sql1;UID=etl;PWD_ENV=SQLPWD\" \\\n"
    "      --table Sales.Orders --warehouse ./lake --to sales.orders --detect rowversion:RowVer --json\n"
    "  icesync sync --source sqlite:///data/shop.db --table orders --to shop.orders \\\n"
    "      --catalog rest:https://polaris.example.com/api/catalog --warehouse analytics\n"
    "  icesync status --warehouse ./lake shop.orders\n"
    "\n"
    "Exit codes: 0 ok or unchanged, 2 usage, 3 source/database error, 4 commit conflict (another\n"
    "sync committed first: run again), 5 table or column missing, 6 unsupported type or schema\n"
    "change, 7 warehouse not writable, 1 other.";

struct SyncFlags {
  sync::SyncOptions options;
  CatalogFlags where;
  std::string key;
  std::string mode;
  std::string lag = "0";
  std::string on_null = "fail";
  std::string on_schema_change = "evolve";
  std::string target_file_size = "128MB";
  bool json = false;
  bool quiet = false;
};

std::string JsonText(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

int ExitCodeForSync(const Status& status, sync::JobPhase phase) {
  if (status.code() == ErrorCode::kIOError && (phase == sync::JobPhase::kValidate || phase == sync::JobPhase::kWrite)) {
    return 7;
  }
  if (status.code() == ErrorCode::kConflict) return 4;
  if (phase == sync::JobPhase::kSource && status.code() != ErrorCode::kNotFound &&
      status.code() != ErrorCode::kUnsupported && status.code() != ErrorCode::kInvalidArgument) {
    return 3;
  }
  if (phase == sync::JobPhase::kCommit) return 4;
  return ExitCodeFor(status);
}

nlohmann::json ResultJson(const sync::SyncResult& r) {
  nlohmann::json j = {{"status", r.status},
                      {"table", r.table},
                      {"detect", r.detect},
                      {"mode", r.mode},
                      {"created", r.created},
                      {"rows_extracted", r.rows_extracted},
                      {"inserted", r.inserted},
                      {"updated", r.updated},
                      {"deleted", r.deleted},
                      {"watermark", r.watermark},
                      {"data_files", r.data_files},
                      {"delete_files", r.delete_files},
                      {"duration_s", r.seconds},
                      {"source", r.source},
                      {"schema_changes", r.schema_changes}};
  j["snapshot_id"] = r.snapshot_id ? nlohmann::json(*r.snapshot_id) : nlohmann::json();
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}

Status ParseFlags(SyncFlags& f) {
  sync::SyncOptions& o = f.options;
  ASSIGN_OR_RETURN(o.target_file_size, sync::ParseByteSize(f.target_file_size));
  Result<int64_t> lag = ParseDurationMicros(f.lag);
  if (!lag.ok()) return lag.status().WithContext("--lag");
  o.detection.lag_micros = *lag;
  o.detection.on_null_cursor = f.on_null == "include"   ? sync::NullCursorPolicy::kInclude
                               : f.on_null == "exclude" ? sync::NullCursorPolicy::kExclude
                                                        : sync::NullCursorPolicy::kFail;
  o.on_schema_change = f.on_schema_change == "fail" ? iceberg::SchemaChangePolicy::kFail : iceberg::SchemaChangePolicy::kEvolve;
  if (f.mode == "mirror") o.mode = sync::SyncMode::kMirror;
  if (f.mode == "changelog") o.mode = sync::SyncMode::kChangelog;
  o.key.clear();
  size_t start = 0;
  while (!f.key.empty() && start <= f.key.size()) {
    size_t comma = f.key.find(',', start);
    std::string part = f.key.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (part.empty()) return InvalidArgument("--key '{}' has an empty column name", f.key);
    o.key.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return sync::ValidateSyncOptions(o);
}

int RunSync(SyncFlags& f) {
  f.options.warehouse = f.where.warehouse;
  if (int rc = OpenCatalogFlags(f.where, &f.options.catalog, f.json); rc != 0) return rc;
  if (Status st = ParseFlags(f); !st.ok()) return ReportError(st, ExitCodeFor(st), f.json);
  sync::ProgressReporter progress(sync::ProgressReporter::DetectMode(stderr, f.json || f.quiet), stderr, "sync");
  sync::JobPhase phase = sync::JobPhase::kValidate;
  Result<sync::SyncResult> result = sync::Sync(f.options, &progress, &phase);
  progress.Finish();
  if (!result.ok()) return ReportError(result.status(), ExitCodeForSync(result.status(), phase), f.json);
  const sync::SyncResult& r = *result;
  if (f.json) {
    std::printf("%s\n", JsonText(ResultJson(r)).c_str());
    return 0;
  }
  if (f.quiet) return 0;
  if (!r.note.empty()) std::fprintf(stderr, "note: %s\n", r.note.c_str());
  for (const std::string& c : r.schema_changes) std::fprintf(stderr, "schema: %s\n", c.c_str());
  if (r.status == "unchanged") {
    std::printf("%s unchanged: %s rows read, nothing new (detect %s, watermark %s), %.2f s\n", r.table.c_str(),
                sync::FormatCount(r.rows_extracted).c_str(), r.detect.c_str(),
                r.watermark.empty() ? "-" : r.watermark.c_str(), r.seconds);
  } else {
    std::printf("%s %s: %s rows read, %s inserted, %s updated, %s deleted -> snapshot %lld (%s, detect %s, "
                "watermark %s), %.2f s\n",
                r.table.c_str(), r.created ? "created" : "synced", sync::FormatCount(r.rows_extracted).c_str(),
                sync::FormatCount(r.inserted).c_str(), sync::FormatCount(r.updated).c_str(),
                sync::FormatCount(r.deleted).c_str(), static_cast<long long>(*r.snapshot_id), r.mode.c_str(),
                r.detect.c_str(), r.watermark.empty() ? "-" : r.watermark.c_str(), r.seconds);
  }
  return 0;
}

}  // namespace

void AddSyncCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<SyncFlags>();
  sync::SyncOptions& o = flags->options;
  auto* cmd = app.add_subcommand("sync", "Incrementally sync a database table into an Iceberg table (exactly once)");
  cmd->footer(kSyncHelp);
  AddConnectionOption(cmd, "--source", "Source", &o.source)->required();
  cmd->add_option("--table", o.table, "Source table, [schema.]table")->required();
  AddCatalogOptions(cmd, &flags->where);
  cmd->add_option("--to", o.target, "Target Iceberg table, namespace.table (created on the first run)")->required();
  cmd->add_option("--detect", o.detect, "full (default) | timestamp:COL | id:COL | rowversion:COL | change-tracking");
  cmd->add_flag("--reinit", o.detection.reinit,
                "change-tracking: when changes since the last sync were dropped by retention, read every row\n"
                "once and compare it with the table instead of failing");
  cmd->add_option("--lag", flags->lag, "timestamp only: re-read this far back each run, e.g. 30s, 5m (default 0)");
  cmd->add_option("--key", flags->key, "Key column(s), comma-separated (default: the source's primary key)");
  cmd->add_option("--mode", flags->mode, "mirror (default with a key) | changelog (default without)")
      ->check(CLI::IsMember({"mirror", "changelog"}));
  cmd->add_flag("--detect-deletes", o.detect_deletes,
                "timestamp/id/rowversion: also find keys gone from the source (reads the source's key column(s))");
  cmd->add_option("--on-null-cursor", flags->on_null, "Rows whose cursor column is NULL: fail (default) | include | exclude")
      ->check(CLI::IsMember({"fail", "include", "exclude"}));
  cmd->add_option("--on-schema-change", flags->on_schema_change, "evolve (default) | fail")
      ->check(CLI::IsMember({"evolve", "fail"}));
  cmd->add_option("--partition-by", o.partition_by,
                  "Partition spec for a new table (or a new spec), e.g. \"month(order_date)\"; default: keep");
  cmd->add_option("--target-file-size", flags->target_file_size, "Roll data files at about this size (default 128MB)");
  cmd->add_option("--compression", o.compression, "Parquet compression: zstd (default), snappy, gzip, none")
      ->check(CLI::IsMember({"zstd", "snappy", "gzip", "none"}));
  cmd->add_option("--batch-rows", o.batch_rows, "Rows fetched per batch (default 16384)")->check(CLI::Range(1, 1 << 22));
  cmd->add_option("--max-reread-rows", o.detection.max_reread_rows,
                  "timestamp: content hashes of up to N rows that the next run re-reads are kept with the\n"
                  "watermark, so it recognises them without reading the table (default 256; 0: always compare)");
  cmd->add_flag_callback("--no-pg-copy", [flags] { flags->options.pg_copy = false; },
                         "PostgreSQL: read rows through ODBC instead of COPY (diagnosis)");
  cmd->add_flag("--json", flags->json,
                "Print one JSON object last: status, table, detect, mode, rows_extracted, inserted, updated,\n"
                "deleted, snapshot_id, watermark, duration_s, ...");
  cmd->add_flag("-q,--quiet", flags->quiet, "No progress output and no summary line");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunSync(*flags); });
}

}  // namespace icesync::cli
