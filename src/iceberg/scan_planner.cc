#include "iceberg/scan_planner.h"

#include "iceberg/delete_file_index.h"

namespace icesync::iceberg {

namespace {

// The partition struct fields of `spec`, typed from the first schema (current first) that
// holds every source column: old specs may name columns the current schema dropped.
Result<std::vector<Field>> PartitionFields(const TableMetadata& metadata, const PartitionSpec& spec) {
  if (const Schema* current = metadata.CurrentSchema()) {
    Result<std::vector<Field>> fields = spec.PartitionType(*current);
    if (fields.ok()) return fields;
  }
  for (auto it = metadata.schemas.rbegin(); it != metadata.schemas.rend(); ++it) {
    Result<std::vector<Field>> fields = spec.PartitionType(*it);
    if (fields.ok()) return fields;
  }
  return NotFound("partition spec {} names a source column that no schema of the table has", spec.spec_id());
}

// Index of the identity partition field on `source_id` in `spec`, or -1.
int IdentityFieldIndex(const PartitionSpec& spec, int source_id) {
  for (size_t i = 0; i < spec.fields().size(); ++i) {
    const PartitionField& f = spec.fields()[i];
    if (f.source_id == source_id && f.transform.kind() == Transform::Kind::kIdentity) return static_cast<int>(i);
  }
  return -1;
}

// Decodes a serialized bound of `field`; null Value when absent or undecodable (no pruning).
Value DecodeBound(const std::map<int, std::string>& bounds, const Field& field) {
  auto it = bounds.find(field.id);
  if (it == bounds.end() || field.type.is_nested()) return Value::Null(field.type);
  Result<Value> v = Value::FromIcebergBytes(field.type, it->second);
  return v.ok() ? *v : Value::Null(field.type);
}

int64_t CountOr(const std::map<int, int64_t>& counts, int field_id) {
  auto it = counts.find(field_id);
  return it == counts.end() ? -1 : it->second;
}

bool OperandsHaveType(const Predicate& p, const DataType& type) {
  auto ok = [&](const Value& v) { return v.is_null() || v.type() == type; };
  return ok(p.lo) && ok(p.hi);
}

// Could a manifest whose partition summaries are `summaries` hold a matching file?
bool ManifestMightMatch(const ManifestFile& manifest, const PartitionSpec& spec,
                        const std::vector<Field>& partition_fields, const std::vector<Predicate>& filter) {
  for (const Predicate& p : filter) {
    const int index = IdentityFieldIndex(spec, p.field_id);
    if (index < 0 || static_cast<size_t>(index) >= manifest.partitions.size() ||
        static_cast<size_t>(index) >= partition_fields.size()) {
      continue;
    }
    const FieldSummary& summary = manifest.partitions[index];
    const DataType& type = partition_fields[index].type;
    if (!OperandsHaveType(p, type)) continue;
    auto decode = [&](const std::optional<std::string>& bytes) {
      if (!bytes) return Value::Null(type);
      Result<Value> v = Value::FromIcebergBytes(type, *bytes);
      return v.ok() ? *v : Value::Null(type);
    };
    // Unknown value count: MightMatch only prunes on bounds and on "no nulls".
    const int64_t null_count = summary.contains_null ? -1 : 0;
    if (!p.MightMatch(decode(summary.lower_bound), decode(summary.upper_bound), null_count, -1)) return false;
  }
  return true;
}

}  // namespace

Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const ScanOptions& options) {
  if (options.snapshot_id && options.as_of_ms) {
    return InvalidArgument("give either a snapshot id or a time to read the table as of, not both");
  }
  if (options.snapshot_id) {
    const Snapshot* s = metadata.SnapshotById(*options.snapshot_id);
    if (!s) {
      return NotFound("table {} has no snapshot {} (see `icesync snapshots`)", metadata.location,
                      SnapshotIdToString(*options.snapshot_id));
    }
    return s;
  }
  if (options.as_of_ms) {
    const Snapshot* s = metadata.SnapshotAsOf(*options.as_of_ms);
    if (!s) {
      return NotFound("table {} had no snapshot at {} ms since the epoch (its snapshot log starts later)",
                      metadata.location, *options.as_of_ms);
    }
    return s;
  }
  if (!metadata.current_snapshot_id) return static_cast<const Snapshot*>(nullptr);
  const Snapshot* s = metadata.CurrentSnapshot();
  if (!s) {
    return Corrupt("table {}: current-snapshot-id {} is not among its snapshots", metadata.location,
                   SnapshotIdToString(*metadata.current_snapshot_id));
  }
  return s;
}

ScanFile ResolveEntry(const ManifestEntry& entry, const ManifestFile& manifest, const PartitionSpec* spec) {
  ScanFile f;
  f.file = entry.data_file;
  f.data_sequence_number = entry.sequence_number.value_or(manifest.sequence_number);
  f.snapshot_id = entry.snapshot_id.value_or(manifest.added_snapshot_id);
  f.spec_id = manifest.partition_spec_id;
  f.spec_unpartitioned = spec == nullptr || spec->is_unpartitioned();
  if (spec) {
    for (size_t i = 0; i < spec->fields().size() && i < f.file.partition.size(); ++i) {
      const PartitionField& pf = spec->fields()[i];
      if (pf.transform.kind() == Transform::Kind::kIdentity) f.identity_values.emplace_back(pf.source_id, f.file.partition[i]);
    }
  }
  return f;
}

Result<std::vector<ResolvedEntry>> ReadSnapshotEntries(const Table& table, const Snapshot& snapshot,
                                                       const TableFileMapper& mapper,
                                                       const ManifestFilter& keep_manifest) {
  const TableMetadata& metadata = table.metadata;
  std::vector<ManifestFile> manifests;
  if (!snapshot.manifest_list.empty()) {
    ASSIGN_OR_RETURN(std::string list_path, mapper.ToLocal(snapshot.manifest_list));
    Result<std::vector<ManifestFile>> list = ReadManifestList(list_path);
    if (!list.ok()) {
      return list.status().WithContext(fmt::format("snapshot {}", SnapshotIdToString(snapshot.snapshot_id)));
    }
    manifests = std::move(*list);
  } else {
    // v1 snapshots may list their manifests inline; their entries carry snapshot ids and
    // have no sequence numbers (0).
    for (const std::string& path : snapshot.v1_manifests) {
      ManifestFile m;
      m.manifest_path = path;
      m.added_snapshot_id = snapshot.snapshot_id;
      m.partition_spec_id = -1;  // from the manifest's own metadata below
      manifests.push_back(std::move(m));
    }
  }

  std::vector<ResolvedEntry> out;
  for (ManifestFile& manifest : manifests) {
    if (keep_manifest && !keep_manifest(manifest)) continue;
    ASSIGN_OR_RETURN(std::string path, mapper.ToLocal(manifest.manifest_path));
    const PartitionSpec* spec = metadata.SpecById(manifest.partition_spec_id);
    std::vector<Field> partition_fields;
    if (spec) {
      ASSIGN_OR_RETURN(partition_fields, PartitionFields(metadata, *spec));
    }
    ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(path, partition_fields));
    if (manifest.partition_spec_id < 0) {
      manifest.partition_spec_id = contents.metadata.partition_spec_id.value_or(0);
      spec = metadata.SpecById(manifest.partition_spec_id);
    }
    for (const ManifestEntry& entry : contents.entries) {
      out.push_back(ResolvedEntry{entry.status, ResolveEntry(entry, manifest, spec)});
    }
  }
  return out;
}

bool FileMightMatch(const ScanFile& file, const std::vector<Predicate>& filter, const Schema& schema) {
  for (const Predicate& p : filter) {
    const Field* field = schema.FindFieldById(p.field_id);
    if (!field || !OperandsHaveType(p, field->type)) continue;
    // An identity partition value is every row's value of that column.
    bool decided = false;
    for (const auto& [source_id, value] : file.identity_values) {
      if (source_id != p.field_id) continue;
      decided = true;
      if (!value.is_null() && !(value.type() == field->type)) {
        decided = false;  // a partition value of another type (spec evolution): use bounds
        break;
      }
      if (!p.Matches(value)) return false;
    }
    if (decided) continue;
    const Value lower = DecodeBound(file.file.lower_bounds, *field);
    const Value upper = DecodeBound(file.file.upper_bounds, *field);
    if (!p.MightMatch(lower, upper, CountOr(file.file.null_value_counts, p.field_id),
                      CountOr(file.file.value_counts, p.field_id))) {
      return false;
    }
  }
  return true;
}

Result<ScanPlan> PlanScan(const Table& table, const ScanOptions& options) {
  const TableMetadata& metadata = table.metadata;
  ScanPlan plan;
  ASSIGN_OR_RETURN(const Snapshot* snapshot, SelectSnapshot(metadata, options));
  // The current table state reads with the current schema; an older snapshot (asked for by
  // id or time) with the schema it was written with.
  const bool explicit_snapshot = options.snapshot_id || options.as_of_ms;
  const Schema* schema = explicit_snapshot && snapshot ? metadata.SchemaForSnapshot(*snapshot) : metadata.CurrentSchema();
  if (!schema) return Corrupt("table {}: the schema to read with is missing from its metadata", metadata.location);
  plan.schema = *schema;
  if (!snapshot) return plan;
  plan.snapshot = *snapshot;

  const TableFileMapper mapper = table.FileMapper(options.allow_moved_paths);
  ManifestFilter keep_manifest;
  if (!options.filter.empty()) {
    keep_manifest = [&](const ManifestFile& m) {
      const PartitionSpec* spec = metadata.SpecById(m.partition_spec_id);
      if (!spec || m.content != ManifestContent::kData) return true;
      Result<std::vector<Field>> fields = PartitionFields(metadata, *spec);
      if (!fields.ok() || ManifestMightMatch(m, *spec, *fields, options.filter)) return true;
      ++plan.manifests_pruned;
      return false;
    };
  }
  ASSIGN_OR_RETURN(std::vector<ResolvedEntry> entries, ReadSnapshotEntries(table, *snapshot, mapper, keep_manifest));

  std::vector<ScanFile> data_files, delete_files;
  for (ResolvedEntry& e : entries) {
    if (e.status == EntryStatus::kDeleted) continue;
    if (e.file.content() == FileContent::kData) {
      if (!FileMightMatch(e.file, options.filter, plan.schema)) {
        ++plan.data_files_pruned;
        continue;
      }
      data_files.push_back(std::move(e.file));
    } else {
      delete_files.push_back(std::move(e.file));
    }
  }
  const DeleteFileIndex deletes(std::move(delete_files));
  plan.tasks.reserve(data_files.size());
  for (ScanFile& data : data_files) {
    FileScanTask task;
    task.deletes = deletes.ForDataFile(data);
    task.data = std::move(data);
    plan.tasks.push_back(std::move(task));
  }
  return plan;
}

}  // namespace icesync::iceberg
