// `icesync maintain`: compaction, snapshot expiry and orphan removal for one table.
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/duration.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/table_metadata.h"
#include "sync/byte_size.h"
#include "sync/maintain/maintain.h"

namespace icesync::cli {

namespace {

constexpr const char* kMaintainHelp =
    "Keep a table that is synced often fast and small: what Spark users get from\n"
    "rewrite_data_files, expire_snapshots and remove_orphan_files, without Spark.\n"
    "\n"
    "Steps run in this order, each only when asked:\n"
    "  --compact           per partition, rewrite the small data files (below 3/4 of\n"
    "                      --target-file-size) and every file with position deletes into files near\n"
    "                      the target size, deletes applied, as ONE snapshot with operation\n"
    "                      `replace` (same rows). Delete files that apply to nothing afterwards are\n"
    "                      removed. A partition is rewritten when it has --min-input-files inputs or\n"
    "                      any deletes. If a sync commits deletes into a partition being rewritten\n"
    "                      meanwhile, the compaction commits nothing (exit 4): run it again.\n"
    "                      The sync watermark is copied into the compaction's snapshot, so syncs\n"
    "                      continue where they were, even after the sync snapshots are expired.\n"
    "  --expire-snapshots  drop snapshots committed before --older-than (default 5d) but always\n"
    "                      keep the newest --retain-last (default 1), tagged/branch snapshots,\n"
    "                      --keep-snapshot IDs (e.g. the one an import target holds) and the chain\n"
    "                      back to the sync watermark; then delete the manifests, manifest lists\n"
    "                      and data/delete files no remaining snapshot references. Time travel to\n"
    "                      an expired snapshot is no longer possible.\n"
    "  --remove-orphans    delete files under data/ and metadata/ that no snapshot of the table\n"
    "                      holds (live) and that are older than --older-than (default here 1d: a\n"
    "                      writer still running keeps its new files), e.g. files of killed runs.\n"
    "\n"
    "Crash-safe: files are deleted only after the metadata that no longer needs them is current;\n"
    "a kill leaves the table readable and at worst orphans, which the next --remove-orphans takes.\n"
    "\n"
    "Examples:\n"
    "  icesync maintain --warehouse ./lake shop.orders --compact --target-file-size 64MB\n"
    "  icesync maintain --warehouse ./lake shop.orders --expire-snapshots --older-than 7d --retain-last 10\n"
    "  icesync maintain --warehouse ./lake shop.orders --compact --expire-snapshots --remove-orphans --json\n"
    "  icesync maintain --warehouse ./lake shop.orders --remove-orphans --dry-run   (lists, deletes nothing)\n"
    "\n"
    "--json prints one object: status, table, dry_run, data_files_before, data_files_after,\n"
    "delete_files_before, delete_files_after, rewritten_data_files, compaction_snapshot_id,\n"
    "snapshots_expired, files_expired, orphans_removed, bytes_freed, duration_s.\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 4 commit conflict (a concurrent writer won: run again), 5 table\n"
    "missing or corrupt, 1 other.";

struct MaintainFlags {
  CatalogFlags where;
  std::string table;
  bool compact = false;
  std::string target_file_size = "128MB";
  int min_input_files = 5;
  bool expire = false;
  std::string older_than;  // empty: each step's default (expiry 5d, orphans 1d)
  int retain_last = 1;
  std::vector<int64_t> keep_snapshots;
  bool orphans = false;
  bool dry_run = false;
  bool json = false;
};

int Fail(const Status& st, bool json) {
  const int code = ExitCodeFor(st);
  std::fprintf(stderr, "icesync: error: %s\n", st.message().c_str());
  if (json) {
    nlohmann::json j = {{"status", "failed"}, {"error", st.message()}, {"exit_code", code}};
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return code;
}

Result<int64_t> CutoffMillis(const std::string& text, const char* flag) {
  Result<int64_t> micros = ParseDurationMicros(text);
  if (!micros.ok()) return micros.status().WithContext(flag);
  if (*micros < 0) return InvalidArgument("{} must not be negative: '{}'", flag, text);
  return iceberg::NowMillis() - *micros / 1000;
}

int RunMaintain(const MaintainFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!f.compact && !f.expire && !f.orphans) {
    return Fail(InvalidArgument("nothing to do: give --compact, --expire-snapshots and/or --remove-orphans"), f.json);
  }
  // Every flag is parsed before any step runs: a typo must not fail after a commit.
  Result<int64_t> size = sync::ParseByteSize(f.target_file_size);
  if (!size.ok()) return Fail(size.status().WithContext("--target-file-size"), f.json);
  Result<int64_t> expire_cutoff = CutoffMillis(f.older_than.empty() ? "5d" : f.older_than, "--older-than");
  Result<int64_t> orphan_cutoff = CutoffMillis(f.older_than.empty() ? "1d" : f.older_than, "--older-than");
  if (!expire_cutoff.ok() || !orphan_cutoff.ok()) {
    return Fail(expire_cutoff.ok() ? orphan_cutoff.status() : expire_cutoff.status(), f.json);
  }
  iceberg::TableRef dir{std::string()};
  Result<iceberg::Table> table = LoadTableFlags(f.where, f.table, &dir);
  if (!table.ok()) return Fail(table.status(), f.json);
  Result<sync::maintain::LiveFileCounts> before = sync::maintain::CountLiveFiles(*table);
  if (!before.ok()) return Fail(before.status(), f.json);

  nlohmann::json j = {{"status", "ok"}, {"table", f.table}, {"dry_run", f.dry_run},
                      {"data_files_before", before->data_files}, {"delete_files_before", before->delete_files},
                      {"rewritten_data_files", 0}, {"compaction_snapshot_id", nullptr}, {"snapshots_expired", 0},
                      {"files_expired", 0}, {"orphans_removed", 0}};
  int64_t bytes_freed = 0;
  if (f.compact) {
    sync::maintain::CompactOptions o;
    o.target_file_size = *size;
    o.min_input_files = f.min_input_files;
    o.dry_run = f.dry_run;
    Result<sync::maintain::CompactResult> r = sync::maintain::Compact(dir, o);
    if (!r.ok()) return Fail(r.status(), f.json);
    j["rewritten_data_files"] = r->rewritten_data_files;
    j["removed_delete_files"] = r->removed_delete_files;
    j["added_data_files"] = r->added_data_files;
    if (r->snapshot_id) j["compaction_snapshot_id"] = r->snapshot_id;
  }
  if (f.expire) {
    sync::maintain::ExpireOptions o;
    o.older_than_ms = *expire_cutoff;
    o.retain_last = f.retain_last;
    o.keep_snapshots.insert(f.keep_snapshots.begin(), f.keep_snapshots.end());
    o.dry_run = f.dry_run;
    Result<sync::maintain::ExpireResult> r = sync::maintain::ExpireSnapshots(dir, o);
    if (!r.ok()) return Fail(r.status(), f.json);
    j["snapshots_expired"] = r->expired_snapshot_ids.size();
    j["expired_snapshot_ids"] = r->expired_snapshot_ids;
    j["files_expired"] = r->files_deleted;
    bytes_freed += r->bytes_freed;
  }
  if (f.orphans) {
    sync::maintain::OrphanOptions o;
    o.older_than_ms = *orphan_cutoff;
    o.dry_run = f.dry_run;
    Result<sync::maintain::OrphanResult> r = sync::maintain::RemoveOrphans(dir, o);
    if (!r.ok()) return Fail(r.status(), f.json);
    j["orphans_removed"] = r->removed.size();
    j["orphans"] = r->removed;
    bytes_freed += r->bytes_freed;
  }
  Result<iceberg::Table> now = dir.Load();
  if (!now.ok()) return Fail(now.status(), f.json);
  Result<sync::maintain::LiveFileCounts> after = sync::maintain::CountLiveFiles(*now);
  if (!after.ok()) return Fail(after.status(), f.json);
  j["data_files_after"] = after->data_files;
  j["delete_files_after"] = after->delete_files;
  j["bytes_freed"] = bytes_freed;
  j["duration_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (f.json) {
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  }
  const char* verb = f.dry_run ? "would be" : "";
  std::printf("%s%s: data files %lld -> %lld, delete files %lld -> %lld", f.table.c_str(),
              f.dry_run ? " (dry run)" : "", static_cast<long long>(before->data_files),
              static_cast<long long>(j["data_files_after"].get<int64_t>()),
              static_cast<long long>(before->delete_files),
              static_cast<long long>(j["delete_files_after"].get<int64_t>()));
  if (f.compact) std::printf(", %lld files %srewritten", static_cast<long long>(j["rewritten_data_files"].get<int64_t>()), f.dry_run ? "would be " : "");
  if (f.expire) std::printf(", %zu snapshots %sexpired", j["snapshots_expired"].get<size_t>(), f.dry_run ? "would be " : "");
  if (f.orphans) std::printf(", %zu orphans %sremoved", j["orphans_removed"].get<size_t>(), f.dry_run ? "would be " : "");
  std::printf(", %lld bytes %s%sfreed, %.2f s\n", static_cast<long long>(bytes_freed), verb, *verb ? " " : "",
              j["duration_s"].get<double>());
  return 0;
}

}  // namespace

void AddMaintainCommand(CLI::App& app, CommandContext& ctx) {
  auto f = std::make_shared<MaintainFlags>();
  auto* cmd = app.add_subcommand("maintain", "Compact data files, expire snapshots, remove orphan files of a table");
  cmd->footer(kMaintainHelp);
  AddCatalogOptions(cmd, &f->where);
  cmd->add_option("table", f->table, "namespace.table (with --warehouse), or a table directory")->required();
  cmd->add_flag("--compact", f->compact, "Rewrite small data files (deletes applied) into files near the target size");
  cmd->add_option("--target-file-size", f->target_file_size, "Compaction: output file size (default 128MB)");
  cmd->add_option("--min-input-files", f->min_input_files,
                  "Compaction: rewrite a partition with at least N small files (default 5; any with deletes)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_flag("--expire-snapshots", f->expire, "Drop old snapshots and the files only they referenced");
  cmd->add_option("--older-than", f->older_than,
                  "Expiry and orphans: older than this, e.g. 7d, 12h, 0s (defaults: snapshots 5d, orphans 1d)");
  cmd->add_option("--retain-last", f->retain_last, "Expiry: always keep the newest N snapshots (default 1)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--keep-snapshot", f->keep_snapshots, "Expiry: never expire this snapshot id (repeatable)");
  cmd->add_flag("--remove-orphans", f->orphans, "Delete old files that no snapshot of the table holds");
  cmd->add_flag("--dry-run", f->dry_run, "Report what would be done; change and delete nothing");
  cmd->add_flag("--json", f->json, "Print one JSON object (see below)");
  cmd->callback([f, &ctx] { ctx.exit_code = RunMaintain(*f); });
}

}  // namespace icesync::cli
