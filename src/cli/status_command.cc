// `icesync status`: where a synced table stands (last sync, watermark, snapshot, files).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/temporal.h"
#include "iceberg/filesystem_catalog.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_status.h"
#include "sync/progress.h"
#include "sync/watermark.h"

namespace icesync::cli {

namespace {

struct StatusArgs {
  CatalogFlags where;
  std::string table;
  std::string config;
  bool json = false;
};

// -c sync.yaml: every table of the pipeline.
int RunPipelineStatus(const StatusArgs& a) {
  Result<pipeline::PipelineConfig> config = pipeline::LoadPipelineConfig(a.config);
  if (!config.ok()) return ReportError(config.status());
  std::vector<pipeline::TableStatus> all = pipeline::PipelineStatus(*config);
  auto opt = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  if (a.json) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& s : all) {
      tables.push_back({{"name", s.name}, {"iceberg", s.iceberg}, {"exists", s.exists},
                        {"snapshot_id", opt(s.snapshot_id)}, {"last_sync_snapshot_id", opt(s.synced_snapshot_id)},
                        {"last_sync_at", s.last_sync_at}, {"detect", s.detect}, {"watermark", s.watermark},
                        {"rows", s.rows}, {"target", s.target}, {"target_snapshot_id", opt(s.target_snapshot_id)},
                        {"target_lag_snapshots", opt(s.target_lag_snapshots)}, {"error", s.error}});
    }
    std::printf("%s\n", nlohmann::json{{"tables", tables}}.dump().c_str());
    return 0;
  }
  std::printf("%-20s %-26s %12s  %-28s %s\n", "table", "last sync", "rows", "watermark", "target");
  for (const auto& s : all) {
    std::string target = s.target.empty() ? "-"
                         : !s.target_snapshot_id ? s.target + ": not imported yet"
                         : !s.target_lag_snapshots ? s.target + ": holds an expired or replaced snapshot"
                         : *s.target_lag_snapshots == 0
                             ? s.target + ": up to date"
                             : s.target + ": " + std::to_string(*s.target_lag_snapshots) + " snapshot(s) behind";
    if (!s.error.empty()) target += " (" + s.error + ")";
    std::printf("%-20s %-26s %12s  %-28s %s\n", s.name.c_str(),
                !s.exists ? "never (no table yet)" : s.last_sync_at.empty() ? "never" : s.last_sync_at.substr(0, 19).c_str(),
                sync::FormatCount(s.rows).c_str(), s.watermark.empty() ? "-" : s.watermark.c_str(), target.c_str());
  }
  return 0;
}

int64_t SummaryCount(const iceberg::Snapshot* s, const char* key) {
  if (s == nullptr) return 0;
  auto it = s->summary.find(key);
  return it == s->summary.end() ? 0 : std::strtoll(it->second.c_str(), nullptr, 10);
}

int RunStatus(const StatusArgs& a) {
  Result<iceberg::Table> table = LoadTableFlags(a.where, a.table);
  if (!table.ok()) return ReportError(table.status());
  const iceberg::TableMetadata& m = table->metadata;
  const iceberg::Snapshot* current = m.CurrentSnapshot();
  std::optional<sync::StoredWatermark> w = sync::FindWatermark(m);
  const iceberg::Snapshot* synced = w ? m.SnapshotById(w->snapshot_id) : nullptr;
  const int64_t records = SummaryCount(current, iceberg::summary::kTotalRecords);
  const int64_t position_deletes = SummaryCount(current, iceberg::summary::kTotalPositionDeletes);
  nlohmann::json j = {
      {"table", a.table},
      {"metadata", table->metadata_path},
      {"synced", w.has_value()},
      {"detect", w ? nlohmann::json(w->detect) : nlohmann::json()},
      {"mode", w ? nlohmann::json(w->mode) : nlohmann::json()},
      {"watermark", w ? nlohmann::json(w->value) : nlohmann::json()},
      {"last_sync_snapshot_id", w ? nlohmann::json(w->snapshot_id) : nlohmann::json()},
      {"last_sync_at", synced ? nlohmann::json(FormatTimestampMicros(synced->timestamp_ms * 1000, true)) : nlohmann::json()},
      {"snapshot_id", current ? nlohmann::json(current->snapshot_id) : nlohmann::json()},
      {"snapshots", m.snapshots.size()},
      {"rows", records - position_deletes},
      {"data_files", SummaryCount(current, iceberg::summary::kTotalDataFiles)},
      {"delete_files", SummaryCount(current, iceberg::summary::kTotalDeleteFiles)},
      {"position_deletes", position_deletes},
      {"bytes", SummaryCount(current, iceberg::summary::kTotalFilesSize)},
  };
  if (a.json) {
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("table:          %s\n", a.table.c_str());
  if (w) {
    std::printf("last sync:      %s (snapshot %lld)\n", j["last_sync_at"].is_null() ? "?" : j["last_sync_at"].get<std::string>().c_str(),
                static_cast<long long>(w->snapshot_id));
    std::printf("detect:         %s (%s)\n", w->detect.c_str(), w->mode.c_str());
    std::printf("watermark:      %s\n", w->value.empty() ? "- (full detection keeps none)" : w->value.c_str());
  } else {
    std::printf("last sync:      never (no snapshot carries a sync watermark)\n");
  }
  std::printf("snapshot:       %s (%zu snapshots)\n",
              current ? std::to_string(current->snapshot_id).c_str() : "none", m.snapshots.size());
  std::printf("rows:           %s\n", sync::FormatCount(records - position_deletes).c_str());
  std::printf("files:          %s data, %s delete (%s position deletes), %s\n",
              sync::FormatCount(j["data_files"].get<int64_t>()).c_str(),
              sync::FormatCount(j["delete_files"].get<int64_t>()).c_str(), sync::FormatCount(position_deletes).c_str(),
              sync::FormatBytes(j["bytes"].get<int64_t>()).c_str());
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand("status", "Show a synced table's last sync, watermark, snapshot, rows and files");
  cmd->footer(
      "The watermark shown is the one in force: the nearest snapshot (from the current one back)\n"
      "whose summary carries icesync.watermark, the same one the next sync continues from.\n"
      "Rows are the current snapshot's total records less its position deletes.\n\n"
      "Examples:\n"
      "  icesync status --warehouse ./lake shop.orders\n"
      "  icesync status --warehouse ./lake shop.orders --json\n"
      "  icesync status -c sync.yaml              every table of a pipeline, and how far each import\n"
      "                                           target lags its Iceberg table");
  AddCatalogOptions(cmd, &args->where);
  cmd->add_option("table", args->table, "ns.table (or a table directory)");
  cmd->add_option("-c,--config", args->config, "A pipeline file (sync.yaml): the status of each of its tables");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, &ctx] {
    if (!args->config.empty()) {
      ctx.exit_code = RunPipelineStatus(*args);
    } else if (args->table.empty()) {
      ctx.exit_code = ReportError(InvalidArgument("status needs a table (ns.table with --warehouse) or -c sync.yaml"));
    } else {
      ctx.exit_code = RunStatus(*args);
    }
  });
}

}  // namespace icesync::cli
