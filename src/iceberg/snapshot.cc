#include "iceberg/snapshot.h"

#include <charconv>

#include "core/schema_json.h"

namespace icesync::iceberg {

using nlohmann::json;

std::string SnapshotIdToString(SnapshotId id) {
  return id < 0 ? std::to_string(static_cast<uint64_t>(id)) : std::to_string(id);
}

Result<SnapshotId> ParseSnapshotId(std::string_view text) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (!text.empty() && text[0] == '-') {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc() && p == e) return v;
  } else {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc() && p == e) return static_cast<SnapshotId>(v);
  }
  return InvalidArgument("'{}' is not a snapshot id (a 64-bit integer)", text);
}

json SnapshotIdToJson(SnapshotId id) {
  return id < 0 ? json(static_cast<uint64_t>(id)) : json(id);
}

Result<SnapshotId> SnapshotIdFromJson(const json& j) {
  if (j.is_number_unsigned()) return static_cast<SnapshotId>(j.get<uint64_t>());
  if (j.is_number_integer()) return j.get<int64_t>();
  return Corrupt("snapshot id {} is not an integer", j.dump());
}

std::string Snapshot::operation() const {
  auto it = summary.find(summary::kOperation);
  return it == summary.end() ? std::string() : it->second;
}

int64_t Snapshot::SummaryInt(const std::string& key, int64_t fallback) const {
  auto it = summary.find(key);
  if (it == summary.end()) return fallback;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return (ec == std::errc() && p == it->second.data() + it->second.size()) ? v : fallback;
}

json SnapshotToJson(const Snapshot& s) {
  json j = s.extra.is_object() ? s.extra : json::object();
  j["snapshot-id"] = SnapshotIdToJson(s.snapshot_id);
  if (s.parent_snapshot_id) j["parent-snapshot-id"] = SnapshotIdToJson(*s.parent_snapshot_id);
  j["sequence-number"] = s.sequence_number;
  j["timestamp-ms"] = s.timestamp_ms;
  if (!s.manifest_list.empty()) j["manifest-list"] = s.manifest_list;
  if (!s.v1_manifests.empty()) j["manifests"] = s.v1_manifests;
  json summary = json::object();
  for (const auto& [k, v] : s.summary) summary[k] = v;
  if (!summary.contains(summary::kOperation)) summary[summary::kOperation] = kOpAppend;
  j["summary"] = summary;
  if (s.schema_id) j["schema-id"] = *s.schema_id;
  return j;
}

Result<Snapshot> SnapshotFromJson(const json& j) {
  try {
    Snapshot s;
    ASSIGN_OR_RETURN(s.snapshot_id, SnapshotIdFromJson(j.at("snapshot-id")));
    if (j.contains("parent-snapshot-id") && !j["parent-snapshot-id"].is_null()) {
      ASSIGN_OR_RETURN(s.parent_snapshot_id, SnapshotIdFromJson(j["parent-snapshot-id"]));
    }
    s.sequence_number = JsonInt<int64_t>(j, "sequence-number", 0);
    s.timestamp_ms = JsonInt<int64_t>(j.at("timestamp-ms"));
    if (j.contains("manifest-list")) s.manifest_list = j["manifest-list"].get<std::string>();
    if (j.contains("manifests")) s.v1_manifests = j["manifests"].get<std::vector<std::string>>();
    if (s.manifest_list.empty() && s.v1_manifests.empty() && !j.contains("manifests")) {
      return Corrupt("snapshot {} has neither 'manifest-list' nor 'manifests'", SnapshotIdToString(s.snapshot_id));
    }
    if (j.contains("summary")) {
      for (const auto& [k, v] : j["summary"].items()) s.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
    if (!s.summary.count(summary::kOperation)) s.summary[summary::kOperation] = kOpAppend;  // v1 may omit it
    if (j.contains("schema-id") && !j["schema-id"].is_null()) s.schema_id = JsonInt<int>(j["schema-id"]);
    for (const auto& [k, v] : j.items()) {
      if (k != "snapshot-id" && k != "parent-snapshot-id" && k != "sequence-number" && k != "timestamp-ms" &&
          k != "manifest-list" && k != "manifests" && k != "summary" && k != "schema-id") {
        s.extra[k] = v;
      }
    }
    return s;
  } catch (const json::exception& e) {
    return Corrupt("bad snapshot {}: {}", j.dump(), e.what());
  }
}

}  // namespace icesync::iceberg
