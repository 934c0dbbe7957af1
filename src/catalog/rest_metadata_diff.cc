#include "catalog/rest_metadata_diff.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/schema_json.h"

namespace icesync::catalog {
namespace {
using nlohmann::json;
using iceberg::SnapshotId;
using iceberg::SnapshotRef;
using iceberg::TableMetadata;

constexpr const char* kMain = "main";

// The refs as the spec means them: v2 metadata names the current snapshot by the `main`
// branch; metadata read from v1 files may carry only current-snapshot-id.
Result<std::map<std::string, SnapshotRef>> EffectiveRefs(const TableMetadata& m, const std::string& table_name,
                                                         const char* which) {
  std::map<std::string, SnapshotRef> refs = m.refs;
  auto main = refs.find(kMain);
  if (main == refs.end()) {
    if (m.current_snapshot_id) refs[kMain] = SnapshotRef{*m.current_snapshot_id, "branch", json::object()};
  } else if (main->second.snapshot_id != m.current_snapshot_id.value_or(main->second.snapshot_id - 1)) {
    return Unsupported(
        "table {}: the {} metadata's current-snapshot-id ({}) differs from its main branch ({}); a REST commit "
        "can only move the main branch",
        table_name, which, m.current_snapshot_id ? iceberg::SnapshotIdToString(*m.current_snapshot_id) : "none",
        iceberg::SnapshotIdToString(main->second.snapshot_id));
  }
  return refs;
}

json RefUpdate(const std::string& name, const SnapshotRef& ref) {
  // Retention settings (max-ref-age-ms, max-snapshot-age-ms, min-snapshots-to-keep) are the
  // ref's extra fields, the same names in metadata and in SetSnapshotRefUpdate.
  json u = ref.extra.is_object() ? ref.extra : json::object();
  u["action"] = "set-snapshot-ref";
  u["ref-name"] = name;
  u["type"] = ref.type;
  u["snapshot-id"] = iceberg::SnapshotIdToJson(ref.snapshot_id);
  return u;
}

json RefRequirement(const std::string& name, const std::optional<SnapshotId>& base_id) {
  return json{{"type", "assert-ref-snapshot-id"},
              {"ref", name},
              {"snapshot-id", base_id ? iceberg::SnapshotIdToJson(*base_id) : json(nullptr)}};
}

// Adds/sets one kind of versioned object (schemas, specs, sort orders). Objects are named by
// id; an object of the base may not disappear or change under the same id (no update removes
// or rewrites one in place, so that would be silently dropped). New ones are added in id order;
// the current one is set by id when it existed, by -1 (last added) when it is new, which then
// requires it to be the highest new id, i.e. the last one sent.
struct Versioned {
  std::map<int, json> base;  // id -> JSON
  std::map<int, json> next;
  std::optional<int> base_current;  // nullopt for a create
  int next_current = 0;
  const char* id_key = "";      // the id's name in the JSON ("schema-id", "spec-id", "order-id")
  bool sort_orders = false;     // ids start at 1; the unsorted order (no fields) is always 0
};

// The id a server gives an added object (Java's TableMetadata.Builder, which REST servers
// follow): an identical existing one's id, else the highest id + 1. The ids our metadata uses
// (a snapshot's schema-id, a manifest's spec id) are only right if they are the same.
Status CheckAssignedId(const Versioned& v, const std::map<int, json>& known, int id, const char* what,
                       const std::string& table_name) {
  auto without_id = [&](json j) {
    j.erase(v.id_key);
    return j;
  };
  const json& added = v.next.at(id);
  if (v.sort_orders && added.value("fields", json::array()).empty()) {
    if (id == 0) return Status::OK();
    return Unsupported("table {}: the unsorted order must have id 0, not {}", table_name, id);
  }
  int expected = v.sort_orders ? 1 : 0;
  for (const auto& [kid, kj] : known) {
    if (without_id(kj) == without_id(added)) {
      return Unsupported("table {}: {} {} repeats {} {}; a REST server would reuse id {}: make that one current instead",
                         table_name, what, id, what, kid, kid);
    }
    expected = std::max(expected, kid + 1);
  }
  if (id != expected) {
    return Unsupported("table {}: the update adds {} {}, but a REST server gives it id {} (highest + 1)", table_name,
                       what, id, expected);
  }
  return Status::OK();
}

Status DiffVersioned(const Versioned& v, const char* what, const char* add_action, const char* add_field,
                     const char* set_action, const char* set_field, const std::string& table_name, json* updates,
                     bool* added, bool* current_changed) {
  for (const auto& [id, j] : v.base) {
    auto it = v.next.find(id);
    if (it == v.next.end()) {
      return Unsupported("table {}: the update removes {} {}, which this REST client does not send; refusing rather "
                         "than dropping the change", table_name, what, id);
    }
    if (it->second != j) {
      return Unsupported("table {}: the update changes {} {} in place; add a new one instead", table_name, what, id);
    }
  }
  std::vector<int> new_ids;
  for (const auto& [id, j] : v.next) {
    if (!v.base.count(id)) new_ids.push_back(id);  // std::map: ascending ids
  }
  std::map<int, json> known = v.base;
  for (int id : new_ids) {
    RETURN_IF_ERROR(CheckAssignedId(v, known, id, what, table_name));
    known[id] = v.next.at(id);
    updates->push_back(json{{"action", add_action}, {add_field, v.next.at(id)}});
  }
  *added = !new_ids.empty();
  *current_changed = !v.base_current || *v.base_current != v.next_current;
  if (!*current_changed) return Status::OK();
  if (!v.next.count(v.next_current)) {
    return Unsupported("table {}: the current {} id {} names no {} of the metadata", table_name, what,
                       v.next_current, what);
  }
  const bool is_new = !v.base.count(v.next_current);
  if (is_new && v.next_current != new_ids.back()) {
    // -1 means "the last added"; a new current object that is not the last added has no name
    // the server is bound to share.
    return Unsupported("table {}: the new current {} {} is not the last one added ({})", table_name, what,
                       v.next_current, new_ids.back());
  }
  updates->push_back(json{{"action", set_action}, {set_field, is_new ? -1 : v.next_current}});
  return Status::OK();
}

std::string JoinKeys(const std::set<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

// base == nullptr: the table is created by this commit.
Result<RestCommitBody> Diff(const TableMetadata* base, const TableMetadata& next, const std::string& table_name) {
  RestCommitBody body;
  json& updates = body.updates;
  json& reqs = body.requirements;
  static const TableMetadata kNothing = [] {
    TableMetadata m;
    m.format_version = 0;
    m.last_column_id = 0;
    return m;
  }();
  const TableMetadata& b = base ? *base : kNothing;

  // Fields kept verbatim in `extra` (statistics, partition-statistics, encryption keys, v3
  // row lineage...) have updates of their own this client does not send.
  {
    std::set<std::string> changed;
    const json be = b.extra.is_object() ? b.extra : json::object();
    const json ne = next.extra.is_object() ? next.extra : json::object();
    for (const auto& [k, v] : ne.items()) {
      if (!be.contains(k) || be.at(k) != v) changed.insert(k);
    }
    for (const auto& [k, v] : be.items()) {
      if (!ne.contains(k)) changed.insert(k);
    }
    if (!changed.empty()) {
      return Unsupported("table {}: the update changes metadata fields {} that this REST client cannot send",
                         table_name, JoinKeys(changed));
    }
  }

  if (base) {
    if (next.table_uuid != b.table_uuid) {
      return Unsupported("table {}: the update changes the table uuid ({} -> {})", table_name, b.table_uuid,
                         next.table_uuid);
    }
    reqs.push_back(json{{"type", "assert-table-uuid"}, {"uuid", b.table_uuid}});
  } else {
    reqs.push_back(json{{"type", "assert-create"}});
    updates.push_back(json{{"action", "assign-uuid"}, {"uuid", next.table_uuid}});
  }
  if (next.format_version < b.format_version) {
    return Unsupported("table {}: the update downgrades format-version {} to {}", table_name, b.format_version,
                       next.format_version);
  }
  if (next.format_version != b.format_version) {
    updates.push_back(json{{"action", "upgrade-format-version"}, {"format-version", next.format_version}});
  }

  // Schemas. last-column-id travels with add-schema (deprecated there but still what Java
  // sends and servers honour); without an added schema it cannot change.
  {
    Versioned v;
    for (const auto& s : b.schemas) v.base[s.schema_id()] = SchemaToJson(s);
    for (const auto& s : next.schemas) v.next[s.schema_id()] = SchemaToJson(s);
    if (base) v.base_current = b.current_schema_id;
    v.id_key = "schema-id";
    v.next_current = next.current_schema_id;
    const size_t first_new = updates.size();
    bool added = false, current_changed = false;
    RETURN_IF_ERROR(DiffVersioned(v, "schema", "add-schema", "schema", "set-current-schema", "schema-id", table_name,
                                  &updates, &added, &current_changed));
    for (size_t i = first_new; i < updates.size(); ++i) {
      if (updates[i]["action"] == "add-schema") updates[i]["last-column-id"] = next.last_column_id;
    }
    if (!added && next.last_column_id != b.last_column_id) {
      return Unsupported("table {}: the update changes last-column-id ({} -> {}) without adding a schema", table_name,
                         b.last_column_id, next.last_column_id);
    }
    if (base && (added || current_changed)) {
      reqs.push_back(json{{"type", "assert-last-assigned-field-id"}, {"last-assigned-field-id", b.last_column_id}});
      reqs.push_back(json{{"type", "assert-current-schema-id"}, {"current-schema-id", b.current_schema_id}});
    }
  }
  // Partition specs; last-partition-id is derived by the server from the specs added.
  {
    Versioned v;
    for (const auto& s : b.specs) v.base[s.spec_id()] = iceberg::PartitionSpecToJson(s);
    for (const auto& s : next.specs) v.next[s.spec_id()] = iceberg::PartitionSpecToJson(s);
    if (base) v.base_current = b.default_spec_id;
    v.id_key = "spec-id";
    v.next_current = next.default_spec_id;
    bool added = false, current_changed = false;
    RETURN_IF_ERROR(DiffVersioned(v, "partition spec", "add-spec", "spec", "set-default-spec", "spec-id", table_name,
                                  &updates, &added, &current_changed));
    int highest = iceberg::kFirstPartitionFieldId - 1;
    for (const auto& s : next.specs) highest = std::max(highest, s.last_field_id());
    // The server keeps last-partition-id at the highest partition field id it has assigned.
    if (next.last_partition_id != b.last_partition_id && next.last_partition_id != highest) {
      return Unsupported("table {}: last-partition-id {} is not the highest partition field id of the specs ({})",
                         table_name, next.last_partition_id, highest);
    }
    if (base && (added || current_changed)) {
      reqs.push_back(
          json{{"type", "assert-last-assigned-partition-id"}, {"last-assigned-partition-id", b.last_partition_id}});
      reqs.push_back(json{{"type", "assert-default-spec-id"}, {"default-spec-id", b.default_spec_id}});
    }
  }
  // Sort orders.
  {
    Versioned v;
    for (const auto& o : b.sort_orders) v.base[o.order_id] = iceberg::SortOrderToJson(o);
    for (const auto& o : next.sort_orders) v.next[o.order_id] = iceberg::SortOrderToJson(o);
    if (base) v.base_current = b.default_sort_order_id;
    v.id_key = "order-id";
    v.sort_orders = true;
    v.next_current = next.default_sort_order_id;
    bool added = false, current_changed = false;
    RETURN_IF_ERROR(DiffVersioned(v, "sort order", "add-sort-order", "sort-order", "set-default-sort-order",
                                  "sort-order-id", table_name, &updates, &added, &current_changed));
    if (base && current_changed) {
      reqs.push_back(json{{"type", "assert-default-sort-order-id"}, {"default-sort-order-id", b.default_sort_order_id}});
    }
  }

  if (next.location != b.location) updates.push_back(json{{"action", "set-location"}, {"location", next.location}});

  {
    json set = json::object();
    json removed = json::array();
    for (const auto& [k, v] : next.properties) {
      auto it = b.properties.find(k);
      if (it == b.properties.end() || it->second != v) set[k] = v;
    }
    for (const auto& [k, v] : b.properties) {
      if (!next.properties.count(k)) removed.push_back(k);
    }
    if (!set.empty()) updates.push_back(json{{"action", "set-properties"}, {"updates", set}});
    if (!removed.empty()) updates.push_back(json{{"action", "remove-properties"}, {"removals", removed}});
  }

  // Snapshots: added ones (in sequence-number order, as the server checks each one against its
  // last-sequence-number), then refs, then removed snapshots (after the refs that named them).
  std::map<SnapshotId, const iceberg::Snapshot*> base_snaps;
  for (const auto& s : b.snapshots) base_snaps[s.snapshot_id] = &s;
  std::set<SnapshotId> next_ids;
  std::vector<const iceberg::Snapshot*> added;
  for (const auto& s : next.snapshots) {
    next_ids.insert(s.snapshot_id);
    auto it = base_snaps.find(s.snapshot_id);
    if (it == base_snaps.end()) {
      added.push_back(&s);
    } else if (iceberg::SnapshotToJson(*it->second) != iceberg::SnapshotToJson(s)) {
      return Unsupported("table {}: the update rewrites snapshot {}; snapshots are immutable", table_name,
                         iceberg::SnapshotIdToString(s.snapshot_id));
    }
  }
  std::stable_sort(added.begin(), added.end(),
                   [](const auto* x, const auto* y) { return x->sequence_number < y->sequence_number; });
  for (const auto* s : added) {
    updates.push_back(json{{"action", "add-snapshot"}, {"snapshot", iceberg::SnapshotToJson(*s)}});
    body.added_snapshots.push_back(s->snapshot_id);
  }

  ASSIGN_OR_RETURN(auto base_refs, EffectiveRefs(b, table_name, "base"));
  ASSIGN_OR_RETURN(auto next_refs, EffectiveRefs(next, table_name, "next"));
  for (const auto& [name, ref] : next_refs) {
    auto it = base_refs.find(name);
    const bool same = it != base_refs.end() && it->second.snapshot_id == ref.snapshot_id &&
                      it->second.type == ref.type && it->second.extra == ref.extra;
    if (same) continue;
    if (!next_ids.count(ref.snapshot_id)) {
      return Unsupported("table {}: ref {} names snapshot {}, which the metadata does not hold", table_name, name,
                         iceberg::SnapshotIdToString(ref.snapshot_id));
    }
    if (base) {
      reqs.push_back(RefRequirement(name, it == base_refs.end() ? std::nullopt
                                                                : std::optional<SnapshotId>(it->second.snapshot_id)));
    }
    updates.push_back(RefUpdate(name, ref));
  }
  for (const auto& [name, ref] : base_refs) {
    if (next_refs.count(name)) continue;
    reqs.push_back(RefRequirement(name, ref.snapshot_id));
    updates.push_back(json{{"action", "remove-snapshot-ref"}, {"ref-name", name}});
  }
  json removed = json::array();
  for (const auto& s : b.snapshots) {
    if (!next_ids.count(s.snapshot_id)) removed.push_back(iceberg::SnapshotIdToJson(s.snapshot_id));
  }
  if (!removed.empty()) updates.push_back(json{{"action", "remove-snapshots"}, {"snapshot-ids", removed}});

  // Only the create body has to carry something even when it holds no change beyond the uuid.
  if (base && updates.empty()) body.requirements = json::array();
  return body;
}

}  // namespace

Result<RestCommitBody> DiffForCommit(const TableMetadata& base, const TableMetadata& next,
                                     const std::string& table_name) {
  return Diff(&base, next, table_name);
}

Result<RestCommitBody> DiffForCreate(const TableMetadata& next, const std::string& table_name) {
  return Diff(nullptr, next, table_name);
}

}  // namespace icesync::catalog
