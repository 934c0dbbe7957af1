#include "sync/watermark_store.h"

#include <nlohmann/json.hpp>

#include "io/file_io.h"

namespace icesync::sync {

std::string WatermarkMirrorPath(const std::string& warehouse, const std::string& table) {
  return warehouse + "/_icesync/watermarks/" + table + ".json";
}

Status WriteWatermarkMirror(const std::string& warehouse, const WatermarkRecord& r) {
  const std::string path = WatermarkMirrorPath(warehouse, r.table);
  nlohmann::json j = {{"table", r.table},         {"detect", r.detect}, {"mode", r.mode},
                      {"watermark", r.watermark}, {"snapshot_id", r.snapshot_id}, {"rows", r.rows},
                      {"synced_at", r.synced_at}};
  return io::ReplaceAt(path, j.dump(2) + "\n");  // creates the directory if needed
}

std::optional<int64_t> MirroredSnapshotId(const std::string& warehouse, const std::string& table) {
  Result<std::string> text = io::ReadFileAt(WatermarkMirrorPath(warehouse, table));
  if (!text.ok()) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("snapshot_id") || !j["snapshot_id"].is_number_integer()) return std::nullopt;
  return j["snapshot_id"].get<int64_t>();
}

}  // namespace icesync::sync
