#include "sync/table_commit.h"


#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/snapshot_summary.h"
#include "sync/crash_point.h"

namespace icesync::sync {

namespace fs = std::filesystem;
using iceberg::DataFile;
using iceberg::ManifestEntry;
using iceberg::ManifestFile;
using iceberg::TableMetadata;

namespace {

using iceberg::SnapshotChangeCounts;

// Writes one manifest with `entries` for `spec` and returns its list entry.
Result<ManifestFile> WriteManifest(const std::string& table_dir, const Schema& schema,
                                   const iceberg::PartitionSpec& spec, iceberg::ManifestContent content,
                                   int64_t snapshot_id, const std::vector<ManifestEntry>& entries) {
  ASSIGN_OR_RETURN(std::vector<Field> partition_fields, spec.PartitionType(schema));
  auto o = iceberg::ManifestWriterOptions::For(schema, spec, std::move(partition_fields), content, snapshot_id);
  const std::string path = fmt::format("{}/metadata/{}-m{}.avro", table_dir, iceberg::NewUuid(), spec.spec_id());
  ASSIGN_OR_RETURN(auto writer, iceberg::ManifestWriter::Open(path, std::move(o)));
  for (const ManifestEntry& e : entries) RETURN_IF_ERROR(writer->Add(e));
  return writer->Close();
}

// The manifests marking every live file of `base`'s current snapshot DELETED by `snapshot_id`.
Result<std::vector<ManifestFile>> WriteDeletedManifests(const iceberg::Table& base, int64_t snapshot_id,
                                                        SnapshotChangeCounts* counts) {
  std::vector<ManifestFile> out;
  const iceberg::Snapshot* current = base.metadata.CurrentSnapshot();
  if (current == nullptr) return out;
  const Schema* schema = base.metadata.SchemaForSnapshot(*current);
  if (schema == nullptr) return Corrupt("table {}: snapshot {} has no schema", base.table_dir, current->snapshot_id);
  iceberg::TableFileMapper mapper = base.FileMapper(false);
  ASSIGN_OR_RETURN(std::string list_path, mapper.ToLocal(current->manifest_list));
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, iceberg::ReadManifestList(list_path));
  // Deleted entries grouped by (spec, content): a manifest holds one spec and one content.
  std::map<std::pair<int, int>, std::vector<ManifestEntry>> groups;
  for (const ManifestFile& mf : manifests) {
    const iceberg::PartitionSpec* spec = base.metadata.SpecById(mf.partition_spec_id);
    if (spec == nullptr) return Corrupt("manifest {} names unknown partition spec {}", mf.manifest_path, mf.partition_spec_id);
    ASSIGN_OR_RETURN(std::vector<Field> pfields, spec->PartitionType(*schema));
    ASSIGN_OR_RETURN(std::string path, mapper.ToLocal(mf.manifest_path));
    ASSIGN_OR_RETURN(iceberg::ManifestContents contents, iceberg::ReadManifest(path, pfields));
    for (const ManifestEntry& e : contents.entries) {
      if (e.status == iceberg::EntryStatus::kDeleted) continue;
      ManifestEntry d;
      d.status = iceberg::EntryStatus::kDeleted;
      d.snapshot_id = snapshot_id;
      // Added entries inherit their sequence numbers from the manifest list entry.
      d.sequence_number = e.sequence_number.value_or(mf.sequence_number);
      d.file_sequence_number = e.file_sequence_number.value_or(mf.sequence_number);
      d.data_file = e.data_file;
      counts->Remove(e.data_file, mf.partition_spec_id);
      groups[{mf.partition_spec_id, static_cast<int>(mf.content)}].push_back(std::move(d));
    }
  }
  for (auto& [key, entries] : groups) {
    ASSIGN_OR_RETURN(ManifestFile mf, WriteManifest(base.table_dir, *schema, *base.metadata.SpecById(key.first),
                                                    static_cast<iceberg::ManifestContent>(key.second), snapshot_id,
                                                    entries));
    out.push_back(std::move(mf));
  }
  return out;
}

Result<ManifestFile> WriteAddedManifest(const SnapshotRequest& r, int64_t snapshot_id, SnapshotChangeCounts* added) {
  std::vector<ManifestEntry> entries;
  entries.reserve(r.files.size());
  for (const DataFile& f : r.files) {
    ManifestEntry e;
    e.status = iceberg::EntryStatus::kAdded;
    e.data_file = f;
    added->Add(f, r.spec.spec_id());
    entries.push_back(std::move(e));
  }
  return WriteManifest(r.table_dir, r.schema, r.spec, iceberg::ManifestContent::kData, snapshot_id, entries);
}

// The computed summary, with the caller's free-form entries (which never replace a computed one).
std::map<std::string, std::string> Summary(const char* operation, const SnapshotChangeCounts& counts,
                                           const iceberg::Snapshot* parent, const SnapshotRequest& r) {
  std::map<std::string, std::string> s = iceberg::BuildSnapshotSummary(operation, counts, parent);
  s.insert(r.summary.begin(), r.summary.end());
  return s;
}

// Adds the snapshot to `m` (manifest list written here, since it records the sequence number).
Status AddSnapshot(TableMetadata& m, const std::string& table_dir, int64_t snapshot_id,
                   std::optional<int64_t> parent, const std::vector<ManifestFile>& manifests,
                   std::map<std::string, std::string> summary, int schema_id) {
  iceberg::Snapshot snap;
  snap.snapshot_id = snapshot_id;
  snap.parent_snapshot_id = parent;
  snap.sequence_number = m.last_sequence_number + 1;
  snap.timestamp_ms = std::max(iceberg::NowMillis(), m.last_updated_ms);
  snap.manifest_list = fmt::format("{}/metadata/snap-{}-{}-{}.avro", table_dir, snapshot_id, snap.sequence_number,
                                   iceberg::NewUuid());
  RETURN_IF_ERROR(iceberg::WriteManifestList(snap.manifest_list, snapshot_id, parent, snap.sequence_number, manifests));
  snap.summary = std::move(summary);
  snap.schema_id = schema_id;
  m.last_sequence_number = snap.sequence_number;
  m.current_snapshot_id = snapshot_id;
  m.refs["main"] = iceberg::SnapshotRef{snapshot_id, "branch"};
  m.snapshot_log.push_back({snap.timestamp_ms, snapshot_id});
  m.snapshots.push_back(std::move(snap));
  return Status::OK();
}

// Puts the request's schema and spec into `m` (adding them when new) and its properties.
void ApplyLayout(TableMetadata& m, const SnapshotRequest& r) {
  if (m.SchemaById(r.schema.schema_id()) == nullptr) m.schemas.push_back(r.schema);
  m.current_schema_id = r.schema.schema_id();
  m.last_column_id = std::max(m.last_column_id, r.schema.highest_field_id());
  if (m.SpecById(r.spec.spec_id()) == nullptr) m.specs.push_back(r.spec);
  m.default_spec_id = r.spec.spec_id();
  m.last_partition_id = std::max(m.last_partition_id, r.spec.last_field_id());
  for (const std::string& k : r.removed_properties) m.properties.erase(k);
  for (const auto& [k, v] : r.properties) m.properties[k] = v;
}

}  // namespace

Result<CommittedSnapshot> CommitNewTable(const SnapshotRequest& r) {
  RETURN_IF_ERROR(r.schema.Validate());
  std::error_code ec;
  fs::create_directories(r.table_dir + "/metadata", ec);
  if (ec) return IOError("cannot create {}/metadata: {}", r.table_dir, ec.message());
  const int64_t snapshot_id = iceberg::NewSnapshotId();
  SnapshotChangeCounts added;
  ASSIGN_OR_RETURN(ManifestFile manifest, WriteAddedManifest(r, snapshot_id, &added));
  TableMetadata m = TableMetadata::NewTable(r.schema, r.spec, r.table_dir, r.properties);
  RETURN_IF_ERROR(AddSnapshot(m, r.table_dir, snapshot_id, std::nullopt, {manifest},
                              Summary(iceberg::kOpAppend, added, nullptr, r), 0));
  CrashPoint("commit");
  Result<iceberg::Table> created = iceberg::CreateTableWithMetadata(r.table_dir, std::move(m));
  if (!created.ok() && created.status().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExists("table at {} was created by another writer while this job ran, and this job committed "
                         "nothing; run it again with --replace to replace that table's contents",
                         r.table_dir);
  }
  ASSIGN_OR_RETURN(iceberg::Table table, std::move(created));
  return CommittedSnapshot{std::move(table), snapshot_id, std::nullopt, iceberg::kOpAppend};
}

Result<CommittedSnapshot> CommitOverwrite(const SnapshotRequest& r) {
  const int64_t snapshot_id = iceberg::NewSnapshotId();
  SnapshotChangeCounts added;
  ASSIGN_OR_RETURN(ManifestFile added_manifest, WriteAddedManifest(r, snapshot_id, &added));
  std::optional<int64_t> parent;
  auto update = [&](const iceberg::Table& base) -> Result<TableMetadata> {
    if (base.metadata.current_snapshot_id != r.expected_snapshot_id) {
      return Conflict("table {} changed while this job ran (its current snapshot is no longer the one it started from); "
                      "run the job again", r.table_dir);
    }
    TableMetadata m = base.metadata;
    SnapshotChangeCounts counts = added;  // this attempt's removals on top of the added files
    std::vector<ManifestFile> manifests{added_manifest};
    ASSIGN_OR_RETURN(std::vector<ManifestFile> deleted, WriteDeletedManifests(base, snapshot_id, &counts));
    manifests.insert(manifests.end(), deleted.begin(), deleted.end());
    std::map<std::string, std::string> s =
        Summary(iceberg::kOpOverwrite, counts, base.metadata.CurrentSnapshot(), r);
    ApplyLayout(m, r);
    parent = base.metadata.current_snapshot_id;
    RETURN_IF_ERROR(AddSnapshot(m, base.table_dir, snapshot_id, parent, manifests, std::move(s), r.schema.schema_id()));
    CrashPoint("commit");
    return m;
  };
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::CommitTable(r.table_dir, update));
  return CommittedSnapshot{std::move(table), snapshot_id, parent, iceberg::kOpOverwrite};
}


Result<TargetLayout> PrepareTarget(const Schema& source, const std::string& partition_by,
                                   const iceberg::TableMetadata* existing) {
  TargetLayout out;
  if (existing == nullptr) {
    out.schema = Schema(source.fields(), 0, source.identifier_field_ids());
    ASSIGN_OR_RETURN(out.spec, iceberg::ParsePartitionSpec(partition_by, out.schema));
    out.new_schema = out.new_spec = true;
    return out;
  }
  const Schema* current = existing->CurrentSchema();
  if (current == nullptr) return Corrupt("table at {} has no current schema", existing->location);
  // Same name and type keeps the field id; anything else is a new column.
  int next_id = std::max(existing->last_column_id, current->highest_field_id());
  std::vector<Field> fields;
  std::map<int, int> id_of_source;
  for (const Field& f : source.fields()) {
    Field t = f;
    const auto idx = current->FindTopLevelIndex(f.name);
    if (idx && current->field(*idx).type == f.type) {
      t.id = current->field(*idx).id;
    } else {
      t.id = ++next_id;
    }
    id_of_source[f.id] = t.id;
    fields.push_back(std::move(t));
  }
  std::vector<int> identifiers;
  for (int id : source.identifier_field_ids()) identifiers.push_back(id_of_source[id]);
  Schema candidate(fields, current->schema_id(), identifiers);
  if (candidate == *current) {
    out.schema = *current;
  } else {
    int max_schema_id = 0;
    for (const Schema& s : existing->schemas) max_schema_id = std::max(max_schema_id, s.schema_id());
    out.schema = Schema(fields, max_schema_id + 1, identifiers);
    out.new_schema = true;
  }
  ASSIGN_OR_RETURN(iceberg::PartitionSpec parsed, iceberg::ParsePartitionSpec(partition_by, out.schema));
  auto same_fields = [](const iceberg::PartitionSpec& a, const iceberg::PartitionSpec& b) {
    if (a.fields().size() != b.fields().size()) return false;
    for (size_t i = 0; i < a.fields().size(); ++i) {
      const auto &x = a.fields()[i], &y = b.fields()[i];
      if (x.source_id != y.source_id || x.name != y.name || !(x.transform == y.transform)) return false;
    }
    return true;
  };
  for (const iceberg::PartitionSpec& s : existing->specs) {
    if (same_fields(s, parsed)) {
      out.spec = s;
      return out;
    }
  }
  int max_spec_id = 0;
  for (const iceberg::PartitionSpec& s : existing->specs) max_spec_id = std::max(max_spec_id, s.spec_id());
  ASSIGN_OR_RETURN(out.spec, iceberg::ParsePartitionSpec(partition_by, out.schema, max_spec_id + 1,
                                                         existing->last_partition_id + 1));
  out.new_spec = true;
  return out;
}

}  // namespace icesync::sync
