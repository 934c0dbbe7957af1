#include "iceberg/table_metadata.h"

#include "io/file_io.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "core/schema_json.h"

namespace icesync::iceberg {

using nlohmann::json;

namespace {
const char* const kKnownKeys[] = {
    "format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms", "last-column-id",
    "schema", "schemas", "current-schema-id", "partition-spec", "partition-specs", "default-spec-id",
    "last-partition-id", "sort-orders", "default-sort-order-id", "properties", "current-snapshot-id",
    "snapshots", "snapshot-log", "metadata-log", "refs"};

bool IsKnownKey(const std::string& k) {
  return std::find(std::begin(kKnownKeys), std::end(kKnownKeys), k) != std::end(kKnownKeys);
}

Status ParseInto(const json& j, TableMetadata& m) {
  m.format_version = JsonInt<int>(j.at("format-version"));
  if (m.format_version < 1 || m.format_version > 3) {
    return Unsupported("format-version {} is not supported (1, 2 and 3 are)", m.format_version);
  }
  if (j.contains("table-uuid")) m.table_uuid = j["table-uuid"].get<std::string>();
  m.location = j.at("location").get<std::string>();
  m.last_sequence_number = JsonInt<int64_t>(j, "last-sequence-number", 0);
  m.last_updated_ms = JsonInt<int64_t>(j.at("last-updated-ms"));
  m.last_column_id = JsonInt<int>(j.at("last-column-id"));

  if (j.contains("schemas")) {
    for (const json& js : j["schemas"]) {
      ASSIGN_OR_RETURN(Schema s, SchemaFromJson(js));
      m.schemas.push_back(std::move(s));
    }
    m.current_schema_id = JsonInt<int>(j.at("current-schema-id"));
  } else {
    ASSIGN_OR_RETURN(Schema s, SchemaFromJson(j.at("schema")));
    m.current_schema_id = s.schema_id();
    m.schemas.push_back(std::move(s));
  }
  if (!m.SchemaById(m.current_schema_id)) return Corrupt("current-schema-id {} is not among the schemas", m.current_schema_id);

  if (j.contains("partition-specs")) {
    for (const json& js : j["partition-specs"]) {
      ASSIGN_OR_RETURN(PartitionSpec s, PartitionSpecFromJson(js));
      m.specs.push_back(std::move(s));
    }
    m.default_spec_id = JsonInt<int>(j.at("default-spec-id"));
  } else {
    ASSIGN_OR_RETURN(PartitionSpec s, PartitionSpecFromJson(j.at("partition-spec")));
    m.specs.push_back(std::move(s));
    m.default_spec_id = 0;
  }
  if (!m.SpecById(m.default_spec_id)) return Corrupt("default-spec-id {} is not among the partition specs", m.default_spec_id);
  if (j.contains("last-partition-id")) {
    m.last_partition_id = JsonInt<int>(j["last-partition-id"]);
  } else {
    for (const auto& s : m.specs) m.last_partition_id = std::max(m.last_partition_id, s.last_field_id());
  }

  if (j.contains("sort-orders")) {
    for (const json& js : j["sort-orders"]) {
      ASSIGN_OR_RETURN(SortOrder o, SortOrderFromJson(js));
      m.sort_orders.push_back(std::move(o));
    }
    m.default_sort_order_id = JsonInt<int>(j, "default-sort-order-id", 0);
  } else {
    m.sort_orders.push_back(SortOrder::Unsorted());
  }

  if (j.contains("properties") && j["properties"].is_object()) {
    for (const auto& [k, v] : j["properties"].items()) m.properties[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (j.contains("current-snapshot-id") && !j["current-snapshot-id"].is_null()) {
    ASSIGN_OR_RETURN(SnapshotId id, SnapshotIdFromJson(j["current-snapshot-id"]));
    if (id != -1) m.current_snapshot_id = id;
  }
  if (j.contains("snapshots")) {
    for (const json& js : j["snapshots"]) {
      ASSIGN_OR_RETURN(Snapshot s, SnapshotFromJson(js));
      m.snapshots.push_back(std::move(s));
    }
  }
  if (m.current_snapshot_id && !m.CurrentSnapshot()) {
    return Corrupt("current-snapshot-id {} is not among the snapshots", SnapshotIdToString(*m.current_snapshot_id));
  }
  if (j.contains("snapshot-log")) {
    for (const json& e : j["snapshot-log"]) {
      SnapshotLogEntry le;
      le.timestamp_ms = JsonInt<int64_t>(e.at("timestamp-ms"));
      ASSIGN_OR_RETURN(le.snapshot_id, SnapshotIdFromJson(e.at("snapshot-id")));
      m.snapshot_log.push_back(le);
    }
  }
  if (j.contains("metadata-log")) {
    for (const json& e : j["metadata-log"]) {
      m.metadata_log.push_back({JsonInt<int64_t>(e.at("timestamp-ms")), e.at("metadata-file").get<std::string>()});
    }
  }
  if (j.contains("refs")) {
    for (const auto& [name, r] : j["refs"].items()) {
      SnapshotRef ref;
      ASSIGN_OR_RETURN(ref.snapshot_id, SnapshotIdFromJson(r.at("snapshot-id")));
      ref.type = r.value("type", "branch");
      for (const auto& [k, v] : r.items()) {
        if (k != "snapshot-id" && k != "type") ref.extra[k] = v;
      }
      m.refs[name] = std::move(ref);
    }
  } else if (m.current_snapshot_id) {
    m.refs["main"] = SnapshotRef{*m.current_snapshot_id};
  }
  for (const auto& [k, v] : j.items()) {
    if (!IsKnownKey(k)) m.extra[k] = v;
  }
  return Status::OK();
}
}  // namespace

const Schema* TableMetadata::SchemaById(int id) const {
  for (const Schema& s : schemas) {
    if (s.schema_id() == id) return &s;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::SpecById(int id) const {
  for (const PartitionSpec& s : specs) {
    if (s.spec_id() == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::SnapshotById(SnapshotId id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::SnapshotAsOf(int64_t timestamp_ms) const {
  const Snapshot* found = nullptr;
  if (!snapshot_log.empty()) {
    for (const SnapshotLogEntry& e : snapshot_log) {
      if (e.timestamp_ms <= timestamp_ms) found = SnapshotById(e.snapshot_id);
    }
    return found;
  }
  // No log (some writers): the newest snapshot at or before the time along the main lineage.
  for (const Snapshot* s = CurrentSnapshot(); s;
       s = s->parent_snapshot_id ? SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (s->timestamp_ms <= timestamp_ms) return s;
  }
  return nullptr;
}

const Schema* TableMetadata::SchemaForSnapshot(const Snapshot& s) const {
  if (s.schema_id) {
    if (const Schema* schema = SchemaById(*s.schema_id)) return schema;
  }
  return CurrentSchema();
}

TableMetadata TableMetadata::NewTable(const Schema& schema, const PartitionSpec& spec, std::string location,
                                      std::map<std::string, std::string> properties) {
  TableMetadata m;
  m.format_version = 2;
  m.table_uuid = NewUuid();
  m.location = std::move(location);
  m.last_updated_ms = NowMillis();
  m.last_column_id = schema.highest_field_id();
  m.schemas.push_back(Schema(schema.fields(), 0, schema.identifier_field_ids()));
  m.current_schema_id = 0;
  m.specs.push_back(PartitionSpec(0, spec.fields()));
  m.default_spec_id = 0;
  m.last_partition_id = spec.last_field_id();
  m.sort_orders.push_back(SortOrder::Unsorted());
  m.default_sort_order_id = 0;
  m.properties = std::move(properties);
  return m;
}

json TableMetadataToJson(const TableMetadata& m) {
  json j = m.extra.is_object() ? m.extra : json::object();
  j["format-version"] = m.format_version;
  j["table-uuid"] = m.table_uuid;
  j["location"] = m.location;
  j["last-sequence-number"] = m.last_sequence_number;
  j["last-updated-ms"] = m.last_updated_ms;
  j["last-column-id"] = m.last_column_id;
  json schemas = json::array();
  for (const Schema& s : m.schemas) schemas.push_back(SchemaToJson(s));
  j["schemas"] = schemas;
  j["current-schema-id"] = m.current_schema_id;
  json specs = json::array();
  for (const PartitionSpec& s : m.specs) specs.push_back(PartitionSpecToJson(s));
  j["partition-specs"] = specs;
  j["default-spec-id"] = m.default_spec_id;
  j["last-partition-id"] = m.last_partition_id;
  json orders = json::array();
  for (const SortOrder& o : m.sort_orders) orders.push_back(SortOrderToJson(o));
  j["sort-orders"] = orders;
  j["default-sort-order-id"] = m.default_sort_order_id;
  json props = json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  j["properties"] = props;
  // -1 for "no snapshot": what Java and PyIceberg write and read for an empty v2 table.
  j["current-snapshot-id"] = m.current_snapshot_id ? SnapshotIdToJson(*m.current_snapshot_id) : json(-1);
  json snaps = json::array();
  for (const Snapshot& s : m.snapshots) snaps.push_back(SnapshotToJson(s));
  j["snapshots"] = snaps;
  json slog = json::array();
  for (const auto& e : m.snapshot_log) slog.push_back({{"timestamp-ms", e.timestamp_ms}, {"snapshot-id", SnapshotIdToJson(e.snapshot_id)}});
  j["snapshot-log"] = slog;
  json mlog = json::array();
  for (const auto& e : m.metadata_log) mlog.push_back({{"timestamp-ms", e.timestamp_ms}, {"metadata-file", e.metadata_file}});
  j["metadata-log"] = mlog;
  json refs = json::object();
  for (const auto& [name, r] : m.refs) {
    json jr = r.extra.is_object() ? r.extra : json::object();
    jr["snapshot-id"] = SnapshotIdToJson(r.snapshot_id);
    jr["type"] = r.type;
    refs[name] = jr;
  }
  j["refs"] = refs;
  return j;
}

Result<TableMetadata> TableMetadataFromJson(const json& j, const std::string& source) {
  TableMetadata m;
  if (!j.is_object()) return Corrupt("table metadata {}: not a JSON object", source);
  try {
    Status st = ParseInto(j, m);
    if (!st.ok()) return Status(st.code(), fmt::format("table metadata {}: {}", source, st.message()));
  } catch (const json::exception& e) {
    return Corrupt("table metadata {}: {}", source, e.what());
  }
  return m;
}

Result<TableMetadata> ReadTableMetadata(const std::string& path) {
  Result<std::string> text = io::ReadFileAt(path);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) {
      return NotFound("table metadata file {} does not exist or cannot be read", path);
    }
    return text.status();
  }
  return ParseTableMetadata(*text, path);
}

Result<TableMetadata> ParseTableMetadata(std::string_view text, const std::string& name) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt("table metadata {}: not valid JSON (truncated or corrupt file)", name);
  return TableMetadataFromJson(j, name);
}

std::string SerializeTableMetadata(const TableMetadata& m) { return TableMetadataToJson(m).dump(2) + "\n"; }

std::string NewUuid() {
  // Fresh OS entropy on every call: a seeded generator would repeat itself in forked writers,
  // and these names must not collide across processes (manifest names, table uuids).
  std::random_device rd;
  auto rng = [&rd] { return (static_cast<uint64_t>(rd()) << 32) | rd(); };
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                     lo & 0xffffffffffffULL);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace icesync::iceberg
