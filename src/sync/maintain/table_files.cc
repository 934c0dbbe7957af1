#include "sync/maintain/table_files.h"

#include <filesystem>

#include "io/file_io.h"
#include "sync/maintain/maintain.h"

namespace icesync::sync::maintain {

namespace fs = std::filesystem;

std::string NormalPath(const std::string& path) {
  if (io::HasRemoteScheme(path)) return path;  // object keys are names, not paths to resolve
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  return abs.lexically_normal().string();
}

Result<uint64_t> FileSize(const std::string& location) {
  ASSIGN_OR_RETURN(io::FileIO * fio, io::ForLocation(location));
  ASSIGN_OR_RETURN(std::unique_ptr<io::InputFile> in, fio->OpenInput(location));
  return in->size();
}

Result<ReferencedFiles> CollectReferencedFiles(const iceberg::Table& table, const std::set<int64_t>& snapshot_ids,
                                               bool live_only) {
  ReferencedFiles out;
  iceberg::TableFileMapper mapper = table.FileMapper(true);
  for (const iceberg::Snapshot& s : table.metadata.snapshots) {
    if (!snapshot_ids.count(s.snapshot_id) || s.manifest_list.empty()) continue;
    ASSIGN_OR_RETURN(std::string list, mapper.ToLocal(s.manifest_list));
    out.manifest_lists.insert(NormalPath(list));
    Result<std::vector<iceberg::ManifestFile>> manifests = iceberg::ReadManifestList(list);
    if (!manifests.ok()) {
      return manifests.status().WithContext(fmt::format("table {}: snapshot {}", table.table_dir, s.snapshot_id));
    }
    for (const iceberg::ManifestFile& mf : *manifests) {
      ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(mf.manifest_path));
      if (!out.manifests.insert(NormalPath(local)).second) continue;  // read once
      ASSIGN_OR_RETURN(iceberg::ManifestContents contents, iceberg::ReadManifest(local));
      for (const iceberg::ManifestEntry& e : contents.entries) {
        if (live_only && e.status == iceberg::EntryStatus::kDeleted) continue;
        ASSIGN_OR_RETURN(std::string file, mapper.ToLocal(e.data_file.file_path));
        out.content_files.insert(NormalPath(file));
      }
    }
  }
  return out;
}

Result<int64_t> DeleteTableFiles(const iceberg::Table& table, const std::vector<std::string>& paths) {
  const std::string root = NormalPath(table.table_dir) + "/";
  int64_t freed = 0;
  for (const std::string& p : paths) {
    if (!p.starts_with(root)) {
      return InvalidArgument("table {}: refusing to delete {}: it is outside the table directory", table.table_dir, p);
    }
    Result<uint64_t> size = FileSize(p);
    if (!size.ok() && size.status().code() == ErrorCode::kNotFound) continue;  // gone (an interrupted run)
    if (!size.ok()) return size.status().WithContext(fmt::format("table {}: deleting {}", table.table_dir, p));
    Status st = io::DeleteAt(p);
    if (!st.ok()) {
      return IOError("table {}: cannot delete {}: {} (check permissions; nothing references it any more)",
                     table.table_dir, p, st.message());
    }
    freed += static_cast<int64_t>(*size);
  }
  return freed;
}

Result<LiveFileCounts> CountLiveFiles(const iceberg::Table& table) {
  LiveFileCounts counts;
  const iceberg::Snapshot* current = table.metadata.CurrentSnapshot();
  if (!current) return counts;
  iceberg::TableFileMapper mapper = table.FileMapper(true);
  ASSIGN_OR_RETURN(std::string list, mapper.ToLocal(current->manifest_list));
  ASSIGN_OR_RETURN(std::vector<iceberg::ManifestFile> manifests, iceberg::ReadManifestList(list));
  for (const iceberg::ManifestFile& mf : manifests) {
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(mf.manifest_path));
    ASSIGN_OR_RETURN(iceberg::ManifestContents contents, iceberg::ReadManifest(local));
    for (const iceberg::ManifestEntry& e : contents.entries) {
      if (e.status == iceberg::EntryStatus::kDeleted) continue;
      (e.data_file.content == iceberg::FileContent::kData ? counts.data_files : counts.delete_files)++;
    }
  }
  return counts;
}

}  // namespace icesync::sync::maintain
