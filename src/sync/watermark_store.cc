#include "sync/watermark_store.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/durable_file.h"

namespace icesync::sync {

std::string WatermarkMirrorPath(const std::string& warehouse, const std::string& table) {
  return warehouse + "/_icesync/watermarks/" + table + ".json";
}

Status WriteWatermarkMirror(const std::string& warehouse, const WatermarkRecord& r) {
  const std::string path = WatermarkMirrorPath(warehouse, r.table);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return IOError("cannot create the directory of {}: {}", path, ec.message());
  nlohmann::json j = {{"table", r.table},         {"detect", r.detect}, {"mode", r.mode},
                      {"watermark", r.watermark}, {"snapshot_id", r.snapshot_id}, {"rows", r.rows},
                      {"synced_at", r.synced_at}};
  return ReplaceFile(path, j.dump(2) + "\n");
}

std::optional<int64_t> MirroredSnapshotId(const std::string& warehouse, const std::string& table) {
  std::ifstream in(WatermarkMirrorPath(warehouse, table));
  if (!in) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("snapshot_id") || !j["snapshot_id"].is_number_integer()) return std::nullopt;
  return j["snapshot_id"].get<int64_t>();
}

}  // namespace icesync::sync
