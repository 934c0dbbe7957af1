// Orphan removal: files under data/ and metadata/ that the current metadata does not
// reference, such as those of a killed export or a commit attempt that lost a race (Java's
// DeleteOrphanFiles). Only files older than the limit go, so a writer still running (its files
// written, its commit not yet landed) keeps them.
#include <chrono>
#include <filesystem>

#include "iceberg/filesystem_catalog.h"
#include "sync/maintain/maintain.h"
#include "sync/maintain/table_files.h"

namespace icesync::sync::maintain {

namespace fs = std::filesystem;

namespace {

// Metadata versions and the version hint are the table's history, never orphans: readers may
// be pinned to an older vN.metadata.json (time travel by file), and the hint may lag.
bool IsMetadataFile(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.ends_with(".metadata.json") || name.ends_with(".metadata.json.gz") || name.starts_with("version-hint");
}

int64_t ModifiedMillis(const fs::path& p, std::error_code& ec) {
  const auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  // The file's age on the file clock, subtracted from now on the system clock.
  const auto age = fs::file_time_type::clock::now() - t;
  return iceberg::NowMillis() - std::chrono::duration_cast<std::chrono::milliseconds>(age).count();
}

}  // namespace

Result<OrphanResult> RemoveOrphans(const std::string& table_dir, const OrphanOptions& options) {
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::LoadTableDir(table_dir));
  std::set<int64_t> all;
  for (const iceberg::Snapshot& s : table.metadata.snapshots) all.insert(s.snapshot_id);
  // Live entries of every snapshot: a file that a DELETED entry names was live in the parent
  // snapshot; while that parent exists it is referenced there, once it is expired nothing can
  // read the file (an expiry killed before its deletions leaves exactly such files).
  ASSIGN_OR_RETURN(ReferencedFiles referenced, CollectReferencedFiles(table, all, true));
  OrphanResult result;
  std::vector<std::string> orphans;
  for (const char* sub : {"data", "metadata"}) {
    const fs::path dir = fs::path(table_dir) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || IsMetadataFile(it->path())) continue;
      const std::string path = NormalPath(it->path().string());
      if (referenced.Contains(path)) continue;
      std::error_code mec;
      const int64_t modified = ModifiedMillis(it->path(), mec);
      if (mec || modified >= options.older_than_ms) continue;
      orphans.push_back(path);
    }
    if (ec) return IOError("table {}: cannot list {}: {}", table_dir, dir.string(), ec.message());
  }
  result.removed = orphans;
  if (options.dry_run) {
    for (const std::string& p : orphans) {
      std::error_code ec;
      const auto size = fs::file_size(p, ec);
      if (!ec) result.bytes_freed += static_cast<int64_t>(size);
    }
    return result;
  }
  ASSIGN_OR_RETURN(result.bytes_freed, DeleteTableFiles(table, orphans));
  return result;
}

}  // namespace icesync::sync::maintain
