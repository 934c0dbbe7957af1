// Orphan removal: files under data/ and metadata/ that the current metadata does not
// reference, such as those of a killed export or a commit attempt that lost a race (Java's
// DeleteOrphanFiles). Only files older than the limit go, so a writer still running (its files
// written, its commit not yet landed) keeps them.
#include "iceberg/filesystem_catalog.h"
#include "io/file_io.h"
#include "sync/maintain/maintain.h"
#include "sync/maintain/table_files.h"

namespace icesync::sync::maintain {

namespace {

// Metadata versions and the version hint are the table's history, never orphans: readers may
// be pinned to an older vN.metadata.json (time travel by file), and the hint may lag.
bool IsMetadataFile(const std::string& p) {
  const std::string name = p.substr(p.find_last_of('/') + 1);
  return name.ends_with(".metadata.json") || name.ends_with(".metadata.json.gz") || name.starts_with("version-hint");
}

}  // namespace

Result<OrphanResult> RemoveOrphans(const iceberg::TableRef& ref, const OrphanOptions& options) {
  ASSIGN_OR_RETURN(iceberg::Table table, ref.Load());
  const std::string& table_dir = table.table_dir;
  std::set<int64_t> all;
  for (const iceberg::Snapshot& s : table.metadata.snapshots) all.insert(s.snapshot_id);
  // Live entries of every snapshot: a file that a DELETED entry names was live in the parent
  // snapshot; while that parent exists it is referenced there, once it is expired nothing can
  // read the file (an expiry killed before its deletions leaves exactly such files).
  ASSIGN_OR_RETURN(ReferencedFiles referenced, CollectReferencedFiles(table, all, true));
  OrphanResult result;
  std::vector<std::string> orphans;
  int64_t orphan_bytes = 0;
  for (const char* sub : {"data", "metadata"}) {
    const std::string dir = table_dir + "/" + sub;
    Result<std::vector<io::FileInfo>> files = io::ListAt(dir);
    if (!files.ok()) return files.status().WithContext(fmt::format("table {}: listing {}", table_dir, dir));
    for (const io::FileInfo& f : *files) {
      if (IsMetadataFile(f.location)) continue;
      const std::string path = NormalPath(f.location);
      if (referenced.Contains(path) || f.modified_ms >= options.older_than_ms) continue;
      orphans.push_back(path);
      orphan_bytes += static_cast<int64_t>(f.size);
    }
  }
  result.removed = orphans;
  if (options.dry_run) {
    result.bytes_freed = orphan_bytes;
    return result;
  }
  ASSIGN_OR_RETURN(result.bytes_freed, DeleteTableFiles(table, orphans));
  return result;
}

}  // namespace icesync::sync::maintain
