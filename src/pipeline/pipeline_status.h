#pragma once
// `icesync status -c sync.yaml`: where each table of a pipeline stands, read from the tables
// themselves: the last sync (the snapshot carrying the watermark in force), its watermark and
// row count, and for tables with an import the snapshot the target holds (its icesync_state
// row) and how many snapshots it lags behind the Iceberg table.
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline_config.h"

namespace icesync::pipeline {

struct TableStatus {
  std::string name;
  std::string iceberg;
  bool exists = false;
  std::optional<int64_t> snapshot_id;    // current
  std::optional<int64_t> synced_snapshot_id;
  std::string last_sync_at;              // ISO, the watermark snapshot's commit time
  std::string detect;
  std::string watermark;
  int64_t rows = 0;
  std::string target;                    // import table, "" without import
  std::optional<int64_t> target_snapshot_id;
  std::optional<int64_t> target_lag_snapshots;  // snapshots the target is behind
  std::string error;                     // why something could not be read
};

std::vector<TableStatus> PipelineStatus(const PipelineConfig& config);

}  // namespace icesync::pipeline
