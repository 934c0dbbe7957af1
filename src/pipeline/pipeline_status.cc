#include "pipeline/pipeline_status.h"

#include "core/temporal.h"
#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "load/import_state.h"
#include "sync/watermark.h"

namespace icesync::pipeline {

namespace {

int64_t Total(const iceberg::Snapshot* s, const char* key) {
  if (s == nullptr) return 0;
  auto it = s->summary.find(key);
  return it == s->summary.end() ? 0 : std::strtoll(it->second.c_str(), nullptr, 10);
}

// Snapshots from `from` (exclusive) up to the current one, following parents; nullopt when
// `from` is not an ancestor (expired, or the table was replaced).
std::optional<int64_t> SnapshotsBehind(const iceberg::TableMetadata& m, int64_t from) {
  int64_t n = 0;
  const iceberg::Snapshot* s = m.CurrentSnapshot();
  for (size_t steps = 0; s != nullptr && steps <= m.snapshots.size(); ++steps) {
    if (s->snapshot_id == from) return n;
    ++n;
    if (!s->parent_snapshot_id) break;
    s = m.SnapshotById(*s->parent_snapshot_id);
  }
  return std::nullopt;
}

}  // namespace

std::vector<TableStatus> PipelineStatus(const PipelineConfig& config) {
  std::vector<TableStatus> out;
  for (const TableConfig& t : config.tables) {
    const std::shared_ptr<iceberg::Catalog> catalog = iceberg::CatalogOrWarehouse(t.sync.catalog, t.sync.warehouse);
    TableStatus s;
    s.name = t.name;
    s.iceberg = t.sync.target;
    if (t.import) s.target = t.import->table;
    Result<iceberg::TableIdentifier> id = iceberg::TableIdentifier::Parse(t.sync.target);
    Result<bool> exists = id.ok() ? catalog->TableExists(*id) : Result<bool>(false);
    if (!exists.ok()) {
      s.error = exists.status().message();
      out.push_back(std::move(s));
      continue;
    }
    if (!*exists) {
      out.push_back(std::move(s));
      continue;
    }
    Result<iceberg::Table> table = catalog->LoadTable(*id);
    if (!table.ok()) {
      s.error = table.status().message();
      out.push_back(std::move(s));
      continue;
    }
    s.exists = true;
    const iceberg::TableMetadata& m = table->metadata;
    const iceberg::Snapshot* current = m.CurrentSnapshot();
    if (current) s.snapshot_id = current->snapshot_id;
    s.rows = Total(current, iceberg::summary::kTotalRecords) - Total(current, iceberg::summary::kTotalPositionDeletes);
    if (std::optional<sync::StoredWatermark> w = sync::FindWatermark(m)) {
      s.synced_snapshot_id = w->snapshot_id;
      s.detect = w->detect;
      s.watermark = w->value;
      if (const iceberg::Snapshot* ws = m.SnapshotById(w->snapshot_id)) {
        s.last_sync_at = FormatTimestampMicros(ws->timestamp_ms * 1000, true);
      }
    }
    if (t.import) {
      Result<std::unique_ptr<db::Connection>> conn = db::Connection::Open(t.import->target);
      Result<db::TableName> target = db::ParseTableName(t.import->table);
      if (!conn.ok()) {
        s.error = "target: " + conn.status().message();
      } else if (target.ok()) {
        Result<std::optional<load::ImportState>> state =
            load::ReadImportState(**conn, load::StateTableFor(*target), *target);
        if (state.ok() && *state) {
          s.target_snapshot_id = (*state)->snapshot_id;
          s.target_lag_snapshots = SnapshotsBehind(m, (*state)->snapshot_id);
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace icesync::pipeline
