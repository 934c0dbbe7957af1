#include "pipeline/coordinator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "iceberg/filesystem_catalog.h"
#include "load/importer.h"
#include "sync/maintain/maintain.h"

namespace icesync::pipeline {

bool IsTransient(const Status& st) {
  if (st.code() == ErrorCode::kConflict) return true;  // another writer committed first
  if (st.code() != ErrorCode::kDatabase && st.code() != ErrorCode::kIOError) return false;
  // Connection failures (SQLSTATE class 08), deadlock victims and serialization failures.
  static const char* kSigns[] = {"08001", "08S01", "08006", "08003", "40001", "40P01", "deadlock", "Deadlock",
                                 "connection", "Connection", "server closed", "timeout", "Timeout"};
  for (const char* s : kSigns) {
    if (st.message().find(s) != std::string::npos) return true;
  }
  return false;
}

namespace {

// A failure injected for tests: ICESYNC_INJECT_TRANSIENT=<table>:<n> makes the first n
// attempts of that table fail with a transient error before they touch anything (the way
// crash points let tests kill a job at a named place).
class InjectedFailures {
 public:
  InjectedFailures() {
    const char* spec = std::getenv("ICESYNC_INJECT_TRANSIENT");
    if (spec == nullptr) return;
    std::string s = spec;
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos) return;
    remaining_[s.substr(0, colon)] = std::atoi(s.c_str() + colon + 1);
  }
  Status Next(const std::string& table) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = remaining_.find(table);
    if (it == remaining_.end() || it->second <= 0) return Status::OK();
    --it->second;
    return Conflict("injected transient failure of {} (ICESYNC_INJECT_TRANSIENT)", table);
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> remaining_;
};

// The table's maintain: block, after its sync and import.
Status MaintainTable(const TableConfig& t, const RunLog& log) {
  if (!t.maintain) return Status::OK();
  const MaintainConfig& m = *t.maintain;
  ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(t.sync.target));
  const iceberg::TableRef table_dir(iceberg::CatalogOrWarehouse(t.sync.catalog, t.sync.warehouse), id);
  const int64_t now_ms = iceberg::NowMillis();
  if (m.compact_min_files) {
    sync::maintain::CompactOptions co;
    co.min_input_files = *m.compact_min_files;
    co.target_file_size = t.sync.target_file_size;
    ASSIGN_OR_RETURN(sync::maintain::CompactResult c, sync::maintain::Compact(table_dir, co));
    if (c.snapshot_id != 0) {
      log(t.name, fmt::format("compacted {} data files and {} delete files into {} ({} rows)", c.rewritten_data_files,
                              c.removed_delete_files, c.added_data_files, c.rows));
    }
  }
  if (m.expire_older_than_micros) {
    sync::maintain::ExpireOptions eo;
    eo.older_than_ms = now_ms - *m.expire_older_than_micros / 1000;
    eo.retain_last = m.retain_last;
    ASSIGN_OR_RETURN(sync::maintain::ExpireResult e, sync::maintain::ExpireSnapshots(table_dir, eo));
    if (!e.expired_snapshot_ids.empty()) {
      log(t.name, fmt::format("expired {} snapshots, {} files deleted", e.expired_snapshot_ids.size(), e.files_deleted));
    }
  }
  if (m.remove_orphans_older_than_micros) {
    sync::maintain::OrphanOptions oo;
    oo.older_than_ms = now_ms - *m.remove_orphans_older_than_micros / 1000;
    ASSIGN_OR_RETURN(sync::maintain::OrphanResult o, sync::maintain::RemoveOrphans(table_dir, oo));
    if (!o.removed.empty()) log(t.name, fmt::format("removed {} orphan files", o.removed.size()));
  }
  return Status::OK();
}

// One table as the monitor (if any) sees it.
struct TableView {
  RunMonitor* monitor;
  const std::string& table;
  void Phase(const std::string& phase) const {
    if (monitor) monitor->Phase(table, phase);
  }
  // A reporter forwarding a sync's rows and notes to the monitor.
  std::optional<sync::ProgressReporter> Reporter() const {
    if (!monitor) return std::nullopt;
    RunMonitor* m = monitor;
    const std::string* name = &table;
    return sync::ProgressReporter(sync::ProgressReporter::Listener{
        [m, name](const sync::ProgressSnapshot& s) { m->Rows(*name, s.rows); },
        [m, name](const std::string& note) { m->Note(*name, note); }});
  }
};

// One attempt at one table: sync, then import, then maintenance.
Status RunTableOnce(const TableConfig& t, int jobs, InjectedFailures& inject, TableRunResult& r, const RunLog& log,
                    const TableView& view) {
  RETURN_IF_ERROR(inject.Next(t.name));
  sync::SyncOptions so = t.sync;
  so.concurrent_jobs = jobs;
  log(t.name, fmt::format("sync from {} ({}) into {}, detect {}", t.source_connection, so.table, so.target, so.detect));
  view.Phase("sync");
  std::optional<sync::ProgressReporter> progress = view.Reporter();
  Result<sync::SyncResult> s = sync::Sync(so, progress ? &*progress : nullptr);
  if (!s.ok()) return s.status().WithContext("sync");
  r.status = s->status;
  r.rows_extracted = s->rows_extracted;
  r.rows_appended = s->inserted + s->updated + s->deleted;
  r.snapshot_id = s->snapshot_id;
  r.watermark = s->watermark;
  r.detect = s->detect;
  log(t.name, s->status == "unchanged"
                  ? fmt::format("sync unchanged: {} rows read, nothing new", s->rows_extracted)
                  : fmt::format("sync ok: {} rows read, {} inserted, {} updated, {} deleted, snapshot {}",
                                s->rows_extracted, s->inserted, s->updated, s->deleted, *s->snapshot_id));
  if (!t.import) {
    if (t.maintain) view.Phase("maintain");
    return MaintainTable(t, log).WithContext("maintain");
  }
  view.Phase("import");
  log(t.name, fmt::format("import into {} ({}), {}", t.import_connection, t.import->table,
                          load::StrategyName(t.import->strategy)));
  Result<load::ImportResult> i = load::Import(*t.import);
  if (!i.ok()) return i.status().WithContext("import");
  r.import_status = i->status;
  r.rows_imported = i->inserted + i->updated + i->deleted;
  if (!r.snapshot_id) r.snapshot_id = i->snapshot_id;
  if (i->status == "ok") r.status = "ok";
  log(t.name, i->status == "unchanged" ? std::string("import unchanged: the target holds this snapshot")
                                       : fmt::format("import ok: {} rows read, {} inserted, {} updated, {} deleted",
                                                     i->rows_read, i->inserted, i->updated, i->deleted));
  if (t.maintain) view.Phase("maintain");
  return MaintainTable(t, log).WithContext("maintain");
}

// What a run would do, without writing anything: the sync's plan (watermark, the rows its
// read selects, counted on the source) and the import it would run.
void PlanTable(const TableConfig& t, TableRunResult& r, const RunLog& log) {
  sync::SyncOptions so = t.sync;
  so.dry_run = true;
  Result<sync::SyncResult> plan = sync::Sync(so, nullptr);
  if (!plan.ok()) {
    r.status = "failed";
    r.error = plan.status().message();
    log(t.name, "cannot plan: " + r.error);
    return;
  }
  r.status = "planned";
  r.detect = plan->detect;
  r.watermark = plan->watermark;
  r.rows_extracted = plan->rows_extracted;
  log(t.name, fmt::format("would read {} row(s) ({}; watermark {}){}", plan->rows_extracted, plan->note,
                          plan->watermark.empty() ? "-" : plan->watermark,
                          t.import ? ", then import into " + t.import->table : ""));
}

}  // namespace

Result<RunResult> RunPipeline(const PipelineConfig& config, const RunOptions& options, const RunLog& log) {
  std::vector<const TableConfig*> selected;
  for (const std::string& name : options.only_tables) {
    if (std::none_of(config.tables.begin(), config.tables.end(), [&](const TableConfig& t) { return t.name == name; })) {
      std::string names;
      for (const TableConfig& t : config.tables) names += (names.empty() ? "" : ", ") + t.name;
      return InvalidArgument("--tables: {} has no table named '{}' (tables: {})", config.path, name, names);
    }
  }
  for (const TableConfig& t : config.tables) {
    if (options.only_tables.empty() ||
        std::find(options.only_tables.begin(), options.only_tables.end(), t.name) != options.only_tables.end()) {
      selected.push_back(&t);
    }
  }
  RunResult result;
  result.tables.resize(selected.size());
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(selected.size())));
  InjectedFailures inject;
  std::mutex log_mu;
  RunLog locked_log = [&](const std::string& table, const std::string& message) {
    std::lock_guard<std::mutex> lock(log_mu);
    log(table, message);
  };
  std::atomic<size_t> next{0};
  auto worker = [&] {
    std::mt19937 rng(std::random_device{}());
    for (size_t i = next++; i < selected.size(); i = next++) {
      const TableConfig& t = *selected[i];
      TableRunResult& r = result.tables[i];
      r.name = t.name;
      const auto start = std::chrono::steady_clock::now();
      const TableView view{options.monitor, t.name};
      if (options.dry_run) {
        view.Phase("planning");
        PlanTable(t, r, locked_log);
        view.Phase(r.status);
        continue;
      }
      for (int attempt = 1;; ++attempt) {
        r = TableRunResult{};
        r.name = t.name;
        r.attempts = attempt;
        Status st = RunTableOnce(t, jobs, inject, r, locked_log, view);
        if (st.ok()) break;
        if (attempt >= options.max_attempts || !IsTransient(st)) {
          r.status = "failed";
          r.error = st.message();
          locked_log(t.name, fmt::format("failed{}: {}", attempt > 1 ? fmt::format(" after {} attempts", attempt) : "",
                                         st.message()));
          break;
        }
        const int backoff = options.initial_backoff_ms * (1 << (attempt - 1));
        const int wait_ms = backoff / 2 + static_cast<int>(rng() % static_cast<unsigned>(backoff / 2 + 1));
        locked_log(t.name, fmt::format("attempt {} failed ({}); retrying in {} ms", attempt, st.message(), wait_ms));
        view.Phase("retrying");
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      }
      r.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      view.Phase(r.status);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& th : threads) th.join();
  for (const TableRunResult& r : result.tables) {
    if (r.status == "failed") ++result.failed; else ++result.ok;
  }
  return result;
}

}  // namespace icesync::pipeline
