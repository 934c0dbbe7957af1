#include "iceberg/table_layout.h"

#include <algorithm>
#include <map>

namespace icesync::iceberg {

bool IsAllowedPromotion(const DataType& from, const DataType& to) {
  if (from == to) return true;
  if (from.id() == TypeId::kInt32 && to.id() == TypeId::kInt64) return true;
  if (from.id() == TypeId::kFloat32 && to.id() == TypeId::kFloat64) return true;
  if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal) {
    return from.scale() == to.scale() && to.precision() >= from.precision();
  }
  return false;
}

namespace {

bool SameSpecFields(const PartitionSpec& a, const PartitionSpec& b) {
  if (a.fields().size() != b.fields().size()) return false;
  for (size_t i = 0; i < a.fields().size(); ++i) {
    const auto &x = a.fields()[i], &y = b.fields()[i];
    if (x.source_id != y.source_id || x.name != y.name || !(x.transform == y.transform)) return false;
  }
  return true;
}

Result<PartitionSpec> SpecFor(const std::string& partition_by, const Schema& schema, const TableMetadata& existing,
                              bool* is_new) {
  ASSIGN_OR_RETURN(PartitionSpec parsed, ParsePartitionSpec(partition_by, schema));
  for (const PartitionSpec& s : existing.specs) {
    if (SameSpecFields(s, parsed)) {
      *is_new = false;
      return s;
    }
  }
  int max_spec_id = 0;
  for (const PartitionSpec& s : existing.specs) max_spec_id = std::max(max_spec_id, s.spec_id());
  *is_new = true;
  return ParsePartitionSpec(partition_by, schema, max_spec_id + 1, existing.last_partition_id + 1);
}

}  // namespace

Result<TableLayout> LayoutForSource(const Schema& source, const std::string& partition_by,
                                    const TableMetadata* existing, SchemaChangePolicy policy) {
  TableLayout out;
  if (existing == nullptr) {
    out.schema = Schema(source.fields(), 0, source.identifier_field_ids());
    ASSIGN_OR_RETURN(out.spec, ParsePartitionSpec(partition_by, out.schema));
    out.new_schema = out.new_spec = true;
    for (size_t i = 0; i < source.num_fields(); ++i) out.source_column.push_back(static_cast<int>(i));
    return out;
  }
  const Schema* current = existing->CurrentSchema();
  if (current == nullptr) return Corrupt("table at {} has no current schema", existing->location);
  int next_id = std::max(existing->last_column_id, current->highest_field_id());
  std::vector<Field> fields;
  std::map<int, int> id_of_source;
  for (size_t i = 0; i < source.num_fields(); ++i) {
    const Field& f = source.field(i);
    Field t = f;
    const auto idx = current->FindTopLevelIndex(f.name);
    const Field* old = idx ? &current->field(*idx) : nullptr;
    if (old && old->type == f.type) {
      t.id = old->id;
      // A column stays optional once it was: new rows may not make old files' nulls invalid.
      if (policy != SchemaChangePolicy::kReplace) t.required = old->required && f.required;
    } else if (old && policy != SchemaChangePolicy::kReplace && IsAllowedPromotion(old->type, f.type)) {
      if (policy == SchemaChangePolicy::kFail) {
        return Unsupported("column '{}' changed type in the source ({} -> {}); the table was left unchanged "
                           "(--on-schema-change evolve widens it)",
                           f.name, old->type.ToString(), f.type.ToString());
      }
      t.id = old->id;
      t.required = old->required && f.required;
      out.changes.push_back("widened " + f.name + " " + old->type.ToString() + " -> " + f.type.ToString());
    } else if (old && policy != SchemaChangePolicy::kReplace) {
      return Unsupported("column '{}' changed type in the source from {} to {}, which Iceberg cannot promote in "
                         "place (allowed: int -> long, float -> double, decimal precision up); the table was left "
                         "unchanged. Cast the column back in a view, or re-create the table with "
                         "`icesync export --replace`",
                         f.name, old->type.ToString(), f.type.ToString());
    } else {
      if (policy == SchemaChangePolicy::kFail) {
        return Unsupported("column '{}' is new in the source; the table was left unchanged "
                           "(--on-schema-change evolve adds it)",
                           f.name);
      }
      t.id = ++next_id;
      t.required = policy == SchemaChangePolicy::kReplace && f.required;  // older rows read it as null
      if (old == nullptr && policy != SchemaChangePolicy::kReplace) out.changes.push_back("added column " + f.name);
    }
    id_of_source[f.id] = t.id;
    fields.push_back(std::move(t));
    out.source_column.push_back(static_cast<int>(i));
  }
  if (policy != SchemaChangePolicy::kReplace) {
    // Columns the source no longer has stay in the table (older snapshots and readers use them).
    for (const Field& old : current->fields()) {
      if (source.FindTopLevelIndex(old.name)) continue;
      if (policy == SchemaChangePolicy::kFail) {
        return Unsupported("column '{}' is no longer in the source; the table was left unchanged "
                           "(--on-schema-change evolve keeps it, null in new rows)",
                           old.name);
      }
      Field kept = old;
      kept.required = false;
      fields.push_back(kept);
      out.source_column.push_back(-1);
      out.changes.push_back("column " + old.name + " no longer in the source (null in new rows)");
    }
  }
  std::vector<int> identifiers;
  for (int id : source.identifier_field_ids()) identifiers.push_back(id_of_source[id]);
  if (policy != SchemaChangePolicy::kReplace && identifiers.empty()) identifiers = current->identifier_field_ids();
  Schema candidate(fields, current->schema_id(), identifiers);
  if (candidate == *current) {
    out.schema = *current;
  } else {
    int max_schema_id = 0;
    for (const Schema& s : existing->schemas) max_schema_id = std::max(max_schema_id, s.schema_id());
    out.schema = Schema(fields, max_schema_id + 1, identifiers);
    out.new_schema = true;
  }
  if (policy != SchemaChangePolicy::kReplace && partition_by.empty() && existing->DefaultSpec() != nullptr) {
    out.spec = *existing->DefaultSpec();  // a sync without --partition-by keeps the table's spec
    return out;
  }
  ASSIGN_OR_RETURN(out.spec, SpecFor(partition_by, out.schema, *existing, &out.new_spec));
  return out;
}

}  // namespace icesync::iceberg
