// Compaction (Iceberg's rewrite_data_files with position deletes applied, plus
// rewrite_position_delete_files' "drop what no longer applies"):
//
//   1. Plan the current snapshot (the "start"); group its live data files by partition (spec
//      id + tuple). In a group, the inputs are the small files (below 3/4 of the target size)
//      and every file that has deletes. A group is rewritten when it has at least
//      --min-input-files inputs, or when any input has deletes (applying them is the point).
//   2. Read the inputs' rows with their deletes applied (TableReader) and write them through
//      sync's DataFileStage, rolled at the target size, in the table's current schema and
//      default spec.
//   3. Commit one snapshot, operation `replace` (SnapshotOperation::kRewrite): the inputs are
//      removed, the new files added (with the new sequence number: every delete already in the
//      table is older, so none applies to them, which is right since their rows are final). A
//      live delete file is removed when no data file that stays live has it attached (it
//      applies to nothing any more).
//   4. On every commit attempt, validate against the snapshots committed since the start: a
//      delete file added meanwhile in a rewritten partition may target a rewritten file, and
//      committing would silently drop those deletes. That is a Conflict: nothing is committed
//      and the stage removes the files written (run maintain again). Removed files that a
//      concurrent commit already removed are a Conflict of the producer itself.
//   5. The summary copies the sync watermark in force on the base forward (keys of
//      sync/watermark.h, with icesync.watermark-from naming the sync snapshot), so a sync
//      still finds it after the sync snapshot is expired.
#include <map>

#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_producer.h"
#include "iceberg/table_reader.h"
#include "sync/data_file_stage.h"
#include "sync/maintain/maintain.h"
#include "sync/watermark.h"

namespace icesync::sync::maintain {

namespace {

std::string PartitionKey(int spec_id, const std::vector<Value>& partition) {
  return std::to_string(spec_id) + "|" + iceberg::PartitionTupleKey(partition);
}

// The watermark keys of the nearest snapshot that carries them, to copy into the compaction.
std::map<std::string, std::string> WatermarkSummary(const iceberg::TableMetadata& m) {
  std::map<std::string, std::string> out;
  const iceberg::Snapshot* s = FindWatermarkSnapshot(m);
  if (!s) return out;
  for (const char* key : {kWatermarkKey, kDetectKey, kModeKey, kChangeSeqKey, kRereadKey}) {
    if (auto it = s->summary.find(key); it != s->summary.end()) out[key] = it->second;
  }
  out[kWatermarkFromKey] = std::to_string(FindWatermark(m)->snapshot_id);
  return out;
}

// Conflict when a snapshot committed after `start` added a delete file in a rewritten partition.
Status CheckNoNewDeletes(const iceberg::Table& base, int64_t start, const std::set<std::string>& partitions) {
  const iceberg::TableMetadata& m = base.metadata;
  iceberg::TableFileMapper mapper = base.FileMapper(true);
  const iceberg::Snapshot* s = m.CurrentSnapshot();
  for (size_t steps = 0; s != nullptr && steps <= m.snapshots.size(); ++steps) {
    if (s->snapshot_id == start) return Status::OK();
    const int64_t id = s->snapshot_id;
    ASSIGN_OR_RETURN(std::vector<iceberg::ResolvedEntry> entries,
                     iceberg::ReadSnapshotEntries(base, *s, mapper, [id](const iceberg::ManifestFile& mf) {
                       return mf.content == iceberg::ManifestContent::kDeletes && mf.added_snapshot_id == id;
                     }));
    for (const iceberg::ResolvedEntry& e : entries) {
      if (e.status == iceberg::EntryStatus::kAdded && e.file.snapshot_id == id &&
          partitions.count(PartitionKey(e.file.spec_id, e.file.file.partition))) {
        return Conflict("table {}: snapshot {} added delete file {} in a partition this compaction rewrites; "
                        "committing would drop those deletes, so nothing was committed. Run maintain again",
                        base.table_dir, id, e.file.path());
      }
    }
    if (!s->parent_snapshot_id) break;
    s = m.SnapshotById(*s->parent_snapshot_id);
  }
  return Conflict("table {}: snapshot {} that this compaction started from is no longer an ancestor of the "
                  "current snapshot (the table was replaced or rolled back); nothing was committed. Run maintain again",
                  base.table_dir, start);
}

}  // namespace

Result<CompactResult> Compact(const iceberg::TableRef& ref, const CompactOptions& options) {
  if (options.target_file_size <= 0) return InvalidArgument("--target-file-size must be positive");
  if (options.min_input_files < 1) return InvalidArgument("--min-input-files must be at least 1");
  CompactResult result;
  ASSIGN_OR_RETURN(iceberg::Table table, ref.Load());
  const std::string& table_dir = table.table_dir;
  const iceberg::Snapshot* start = table.metadata.CurrentSnapshot();
  if (!start) return result;
  iceberg::ScanOptions scan_options;
  scan_options.allow_moved_paths = true;
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, scan_options));

  // 1. Inputs per partition.
  const int64_t small = options.target_file_size * 3 / 4;
  std::map<std::string, std::vector<size_t>> inputs;  // partition -> task indexes
  std::map<std::string, bool> has_deletes;
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const iceberg::FileScanTask& t = plan.tasks[i];
    const std::string key = PartitionKey(t.data.spec_id, t.data.file.partition);
    if (!t.deletes.empty() || t.data.file.file_size_in_bytes < small) inputs[key].push_back(i);
    if (!t.deletes.empty()) has_deletes[key] = true;
  }
  std::set<std::string> partitions;
  std::vector<size_t> rewrite;
  for (const auto& [key, tasks] : inputs) {
    if (has_deletes[key] || static_cast<int>(tasks.size()) >= options.min_input_files) {
      partitions.insert(key);
      rewrite.insert(rewrite.end(), tasks.begin(), tasks.end());
    }
  }
  if (rewrite.empty()) return result;

  // Delete files: removed when no data file that stays live has them attached.
  std::set<size_t> rewritten(rewrite.begin(), rewrite.end());
  std::set<std::string> still_needed;
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    if (rewritten.count(i)) continue;
    for (const iceberg::ScanFile& d : plan.tasks[i].deletes) still_needed.insert(d.path());
  }
  std::set<std::string> live_deletes;
  {
    ASSIGN_OR_RETURN(std::vector<iceberg::ResolvedEntry> entries,
                     iceberg::ReadSnapshotEntries(table, *start, table.FileMapper(true),
                                                  [](const iceberg::ManifestFile& mf) {
                                                    return mf.content == iceberg::ManifestContent::kDeletes;
                                                  }));
    for (const iceberg::ResolvedEntry& e : entries) {
      if (e.status != iceberg::EntryStatus::kDeleted && !still_needed.count(e.file.path())) {
        live_deletes.insert(e.file.path());
      }
    }
  }
  result.rewritten_data_files = static_cast<int64_t>(rewrite.size());
  result.removed_delete_files = static_cast<int64_t>(live_deletes.size());
  if (options.dry_run) return result;

  // 2. Rows, deletes applied, into new files.
  const iceberg::PartitionSpec* spec = table.metadata.DefaultSpec();
  if (!spec) return Corrupt("table {}: no default partition spec", table_dir);
  DataFileStageOptions stage_options;
  stage_options.table_dir = table_dir;
  stage_options.schema = std::make_shared<const Schema>(plan.schema);
  stage_options.spec = *spec;
  stage_options.target_file_size = options.target_file_size;
  ASSIGN_OR_RETURN(std::unique_ptr<DataFileStage> stage, DataFileStage::Open(stage_options));
  iceberg::TableReader reader(table, plan, true);
  for (size_t i : rewrite) {
    Result<bool> read = reader.ReadTask(plan.tasks[i], [&](const RecordBatch& batch) -> Result<bool> {
      RecordBatch rows = batch;
      RETURN_IF_ERROR(stage->Write(rows));
      return true;
    });
    if (!read.ok()) return read.status().WithContext(fmt::format("compacting {}", plan.tasks[i].data.path()));
  }
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> added, stage->Finish());
  result.rows = stage->rows_written();
  result.added_data_files = static_cast<int64_t>(added.size());

  // 3./4./5. One replace snapshot, validated against what was committed since the start.
  iceberg::SnapshotChange change;
  change.operation = iceberg::SnapshotOperation::kRewrite;
  change.added_data_files = std::move(added);
  for (size_t i : rewrite) change.removed_data_files.push_back(plan.tasks[i].data.path());
  change.removed_delete_files.assign(live_deletes.begin(), live_deletes.end());
  const int64_t start_id = start->snapshot_id;
  change.validate = [start_id, &partitions](const iceberg::Table& base) {
    return CheckNoNewDeletes(base, start_id, partitions);
  };
  change.summary_from_base = [](const iceberg::Table& base) { return WatermarkSummary(base.metadata); };
  Result<iceberg::Table> committed = iceberg::CommitSnapshot(ref, change);
  if (!committed.ok()) return committed.status().WithContext(fmt::format("compacting {}", table_dir));
  stage->Keep();
  result.snapshot_id = committed->metadata.current_snapshot_id.value_or(0);
  return result;
}

}  // namespace icesync::sync::maintain
