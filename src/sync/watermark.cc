#include "sync/watermark.h"

#include <nlohmann/json.hpp>

#include "core/temporal.h"
#include "iceberg/single_value_json.h"

namespace icesync::sync {

const iceberg::Snapshot* FindWatermarkSnapshot(const iceberg::TableMetadata& metadata) {
  const iceberg::Snapshot* s = metadata.CurrentSnapshot();
  // Bounded by the number of snapshots: a cycle in corrupt metadata cannot loop forever.
  for (size_t steps = 0; s != nullptr && steps <= metadata.snapshots.size(); ++steps) {
    if (s->summary.count(kDetectKey)) return s;
    if (!s->parent_snapshot_id) break;
    s = metadata.SnapshotById(*s->parent_snapshot_id);
  }
  return nullptr;
}

std::optional<StoredWatermark> FindWatermark(const iceberg::TableMetadata& metadata) {
  const iceberg::Snapshot* s = FindWatermarkSnapshot(metadata);
  if (!s) return std::nullopt;
  StoredWatermark w;
  w.detect = s->summary.at(kDetectKey);
  w.snapshot_id = s->snapshot_id;
  if (auto from = s->summary.find(kWatermarkFromKey); from != s->summary.end()) {
    w.snapshot_id = std::strtoll(from->second.c_str(), nullptr, 10);
  }
  if (auto v = s->summary.find(kWatermarkKey); v != s->summary.end()) w.value = v->second;
  if (auto m = s->summary.find(kModeKey); m != s->summary.end()) w.mode = m->second;
  if (auto rr = s->summary.find(kRereadKey); rr != s->summary.end()) w.reread = rr->second;
  if (auto c = s->summary.find(kChangeSeqKey); c != s->summary.end()) {
    w.change_seq = std::strtoll(c->second.c_str(), nullptr, 10);
  }
  return w;
}

namespace {

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace

std::string EncodeWatermark(const Value& v) {
  if (v.is_null()) return "";
  switch (v.type().id()) {
    case TypeId::kInt32: return std::to_string(v.get<int32_t>());
    case TypeId::kInt64: return std::to_string(v.get<int64_t>());
    case TypeId::kDate: return FormatDate(v.get<int32_t>());
    case TypeId::kTimestamp: return FormatTimestampMicros(v.get<int64_t>(), false);
    case TypeId::kTimestampTz: return FormatTimestampMicros(v.get<int64_t>(), true);
    case TypeId::kBinary:
    case TypeId::kFixed: return Hex(v.get<std::string>());
    case TypeId::kString: return v.get<std::string>();
    default: return v.ToString();
  }
}

Result<Value> DecodeWatermark(const DataType& type, const std::string& text) {
  nlohmann::json j;
  switch (type.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
      j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_number_integer()) {
        return InvalidArgument("stored watermark '{}' is not an integer, as column type {} needs", text,
                               type.ToString());
      }
      break;
    default: j = text;
  }
  Result<Value> v = iceberg::ValueFromSingleValueJson(type, j);
  if (!v.ok()) {
    return InvalidArgument("stored watermark '{}' is not a valid {} value: {}", text, type.ToString(),
                           v.status().message());
  }
  return v;
}

}  // namespace icesync::sync
