#include "sync/watermark_store.h"

#include <filesystem>

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

}  // namespace icesync::sync
