// `icesync run -c sync.yaml`: every table of a pipeline, synced (and imported) in parallel.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/temporal.h"
#include "pipeline/coordinator.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/run_board.h"
#include "sync/progress.h"

namespace icesync::cli {

namespace {

constexpr const char* kRunHelp =
    "Run a pipeline: every table of sync.yaml is synced from its source into the warehouse\n"
    "(icesync sync) and, when it has an import: block, loaded into its target (icesync import).\n"
    "Up to --jobs tables run at once, sharing the cores. A table whose run fails with a transient\n"
    "error (commit conflict, lost connection, deadlock victim) is retried with backoff; that is\n"
    "safe because the watermark is committed with the rows and the import state with the merge.\n"
    "A failing table never stops the others; the exit status is 1 when any table failed.\n"
    "\n"
    "sync.yaml:\n"
    "  warehouse: ./lake                        # relative to the file's directory\n"
    "  connections:\n"
    "    src: ${SHOP_DB}                        # ${NAME} comes from the environment\n"
    "    dst: sqlite:///var/lib/target.db\n"
    "  defaults: {detect: full, mode: mirror}\n"
    "  tables:\n"
    "    - name: customers\n"
    "      source: {connection: src, table: Sales.Customers}\n"
    "      iceberg: shop.customers\n"
    "      detect: timestamp:ModifiedDate       # and lag, detect_deletes, key, mode, partition_by, ...\n"
    "      import: {connection: dst, table: dbo.Customers, strategy: upsert, create: true}\n"
    "\n"
    "Output: on a terminal a live line per table on stderr (phase, rows, rows/s, time, what it is\n"
    "doing) below the log; otherwise a log line per step (with UTC time). Then a table of results\n"
    "on stdout; --json prints\n"
    "{\"tables\": [{name, status (ok|unchanged|failed), rows_extracted, rows_appended,\n"
    "rows_imported, snapshot_id, watermark, duration_s, error}], \"ok\": N, \"failed\": N}.\n"
    "\n"
    "Schedule it with cron or a systemd timer (docs/incremental-sync.md):\n"
    "  */5 * * * *  SHOP_DB=... icesync run -c /etc/icesync/sync.yaml --json >> /var/log/icesync.jsonl\n"
    "\n"
    "Examples:\n"
    "  icesync run -c sync.yaml\n"
    "  icesync run -c sync.yaml --tables customers,orders --jobs 4\n"
    "  icesync run -c sync.yaml --dry-run          what each table would read, nothing written\n"
    "  icesync status -c sync.yaml                 where each table stands";

struct RunFlags {
  std::string config;
  std::string tables;
  int jobs = 2;
  bool json = false;
  bool dry_run = false;
};

std::string NowIso() {
  const auto now = std::chrono::system_clock::now();
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::string s = FormatTimestampMicros(micros, true);
  return s.substr(0, 19) + "Z";
}

nlohmann::json TableJson(const pipeline::TableRunResult& r) {
  nlohmann::json j = {{"name", r.name},
                      {"status", r.status},
                      {"rows_extracted", r.rows_extracted},
                      {"rows_appended", r.rows_appended},
                      {"rows_imported", r.rows_imported},
                      {"watermark", r.watermark},
                      {"duration_s", r.duration_s},
                      {"attempts", r.attempts}};
  j["snapshot_id"] = r.snapshot_id ? nlohmann::json(*r.snapshot_id) : nlohmann::json();
  j["error"] = r.error.empty() ? nlohmann::json() : nlohmann::json(r.error);
  return j;
}

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int RunPipelineCommand(const RunFlags& f) {
  Result<pipeline::PipelineConfig> config = pipeline::LoadPipelineConfig(f.config);
  if (!config.ok()) return ReportError(config.status());
  pipeline::RunOptions o;
  o.only_tables = SplitNames(f.tables);
  o.jobs = f.jobs;
  o.dry_run = f.dry_run;
  // On a terminal a live line per table with the log scrolling above it; otherwise (a log
  // file, a pipe, cron) plain log lines with UTC times.
  std::unique_ptr<pipeline::RunBoard> board;
  if (pipeline::IsTerminal(stderr)) {
    std::vector<std::string> names;
    for (const pipeline::TableConfig& t : config->tables) {
      if (o.only_tables.empty() || std::count(o.only_tables.begin(), o.only_tables.end(), t.name)) {
        names.push_back(t.name);
      }
    }
    board = std::make_unique<pipeline::RunBoard>(stderr, names);
    o.monitor = board.get();
  }
  auto log = [&board](const std::string& table, const std::string& message) {
    const std::string line = NowIso() + " " + table + ": " + message;
    if (board) return board->Log(line);
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  Result<pipeline::RunResult> run = pipeline::RunPipeline(*config, o, log);
  if (board) board->Stop();
  if (!run.ok()) return ReportError(run.status());
  if (f.json) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& r : run->tables) tables.push_back(TableJson(r));
    nlohmann::json j = {{"tables", tables}, {"ok", run->ok}, {"failed", run->failed}};
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("%-20s %-9s %12s %12s %12s %8s  %s\n", "table", "status", "extracted", "appended", "imported",
                "seconds", "watermark / error");
    for (const auto& r : run->tables) {
      std::printf("%-20s %-9s %12s %12s %12s %8.2f  %s\n", r.name.c_str(), r.status.c_str(),
                  sync::FormatCount(r.rows_extracted).c_str(), sync::FormatCount(r.rows_appended).c_str(),
                  sync::FormatCount(r.rows_imported).c_str(), r.duration_s,
                  (r.status == "failed" ? r.error : r.watermark).c_str());
    }
    std::printf("%d ok, %d failed\n", run->ok, run->failed);
  }
  return run->failed > 0 ? 1 : 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, CommandContext& ctx) {
  auto f = std::make_shared<RunFlags>();
  auto* cmd = app.add_subcommand("run", "Run a pipeline of tables from sync.yaml: sync (and import) each, in parallel");
  cmd->footer(kRunHelp);
  cmd->add_option("-c,--config", f->config, "The pipeline file (sync.yaml)")->required();
  cmd->add_option("--tables", f->tables, "Only these tables (names, comma-separated)");
  cmd->add_option("--jobs", f->jobs, "Tables run at once (default 2)")->check(CLI::Range(1, 64));
  cmd->add_flag("--dry-run", f->dry_run, "Say what each table would read; write nothing");
  cmd->add_flag("--json", f->json, "Print one JSON object last (tables, ok, failed)");
  cmd->callback([f, &ctx] { ctx.exit_code = RunPipelineCommand(*f); });
}

}  // namespace icesync::cli
