#include "iceberg/snapshot_producer.h"

#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/crash_point.h"
#include "iceberg/snapshot_summary.h"
#include "io/file_io.h"

namespace icesync::iceberg {

namespace fs = std::filesystem;

namespace {

std::string LocationPrefix(const TableMetadata& m) {
  std::string loc = m.location;
  while (loc.size() > 1 && loc.back() == '/') loc.pop_back();
  return loc;
}

std::string OperationName(const SnapshotChange& change) {
  const bool adds_data = !change.added_data_files.empty();
  switch (change.operation) {
    case SnapshotOperation::kAppend: return kOpAppend;
    case SnapshotOperation::kOverwrite: return adds_data || change.removed_data_files.empty() ? kOpOverwrite : kOpDelete;
    case SnapshotOperation::kReplaceAll: return kOpOverwrite;
    case SnapshotOperation::kRewrite: return kOpReplace;
    case SnapshotOperation::kRowDelta:
      return !change.added_delete_files.empty() && !adds_data ? kOpDelete : kOpOverwrite;
  }
  return kOpOverwrite;
}

// Fills inherited snapshot ids and sequence numbers from the manifest's list entry.
void ResolveInheritance(std::vector<ManifestEntry>& entries, const ManifestFile& manifest) {
  for (ManifestEntry& e : entries) {
    if (!e.snapshot_id) e.snapshot_id = manifest.added_snapshot_id;
    // Only ADDED entries may inherit; null elsewhere happens in v1 manifests (sequence 0).
    const int64_t inherited = e.status == EntryStatus::kAdded ? manifest.sequence_number : 0;
    if (!e.sequence_number) e.sequence_number = inherited;
    if (!e.file_sequence_number) e.file_sequence_number = inherited;
  }
}

// The change's table-level updates (schema, spec, properties) applied to `m`.
void ApplyTableUpdates(TableMetadata& m, const SnapshotChange& change) {
  if (change.schema) {
    if (m.SchemaById(change.schema->schema_id()) == nullptr) m.schemas.push_back(*change.schema);
    m.current_schema_id = change.schema->schema_id();
    m.last_column_id = std::max(m.last_column_id, change.schema->highest_field_id());
  }
  if (change.spec) {
    if (m.SpecById(change.spec->spec_id()) == nullptr) m.specs.push_back(*change.spec);
    m.default_spec_id = change.spec->spec_id();
    m.last_partition_id = std::max(m.last_partition_id, change.spec->last_field_id());
  }
  for (const std::string& k : change.removed_properties) m.properties.erase(k);
  for (const auto& [k, v] : change.set_properties) m.properties[k] = v;
}

// One commit in progress: state kept across attempts (the snapshot id and the manifests of
// the added files), and the per-attempt re-application onto a new base.
class SnapshotProducer {
 public:
  explicit SnapshotProducer(const SnapshotChange& change) : change_(change), commit_uuid_(NewUuid()) {
    snapshot_id_ = NewSnapshotId();
  }

  Result<TableMetadata> Apply(const Table& base) {
    ++attempt_;
    const TableMetadata& bm = base.metadata;
    if (bm.format_version != 2) {
      return Unsupported("table {}: icesync commits only to format-version 2 tables (this one is v{})", base.table_dir,
                         bm.format_version);
    }
    if (change_.validate) RETURN_IF_ERROR(change_.validate(base));
    if (bm.SnapshotById(snapshot_id_)) return Conflict("snapshot id {} already used", SnapshotIdToString(snapshot_id_));
    TableMetadata next = bm;
    ApplyTableUpdates(next, change_);
    const Schema* schema = next.CurrentSchema();
    const PartitionSpec* spec = next.DefaultSpec();
    if (!schema || !spec) return Corrupt("table {}: no current schema or default partition spec", base.table_dir);
    const std::string md_dir = base.table_dir + "/metadata";
    const std::string md_uri = LocationPrefix(bm) + "/metadata";

    SnapshotChangeCounts counts;
    for (const DataFile& f : change_.added_data_files) counts.Add(f, spec->spec_id());
    for (const DataFile& f : change_.added_delete_files) counts.Add(f, spec->spec_id());

    // Manifests of the added files: written on the first attempt, reused afterwards.
    if (!written_spec_id_) {
      RETURN_IF_ERROR(WriteAddedManifests(*schema, *spec, md_dir, md_uri));
      written_spec_id_ = spec->spec_id();
    } else if (*written_spec_id_ != spec->spec_id()) {
      return Conflict("table {}: the default partition spec changed during the commit; write the files again",
                      base.table_dir);
    }
    std::vector<ManifestFile> manifests = added_manifests_;
    fully_removed_.clear();

    const Snapshot* parent = bm.CurrentSnapshot();
    if (parent) {
      if (parent->manifest_list.empty()) {
        return Unsupported("table {}: snapshot {} lists manifests inline (v1); cannot commit on top of it",
                           base.table_dir, SnapshotIdToString(parent->snapshot_id));
      }
      TableFileMapper mapper = base.FileMapper(true);
      ASSIGN_OR_RETURN(std::string list_path, mapper.ToLocal(parent->manifest_list));
      ASSIGN_OR_RETURN(std::vector<ManifestFile> base_manifests, ReadManifestList(list_path));
      RETURN_IF_ERROR(CheckRequiredFiles(base, base_manifests));
      std::set<std::string> to_remove(change_.removed_data_files.begin(), change_.removed_data_files.end());
      to_remove.insert(change_.removed_delete_files.begin(), change_.removed_delete_files.end());
      std::set<std::string> removed;
      const bool remove_all = change_.operation == SnapshotOperation::kReplaceAll;
      for (const ManifestFile& mf : base_manifests) {
        const bool may_hold = mf.content == ManifestContent::kData ? !change_.removed_data_files.empty()
                                                                    : !change_.removed_delete_files.empty();
        if (remove_all || may_hold) {
          ASSIGN_OR_RETURN(bool rewritten, MaybeRewrite(base, *schema, mf, remove_all, to_remove, removed, counts,
                                                        md_dir, md_uri, manifests));
          if (rewritten) continue;
        }
        // Manifests with only DELETED entries from earlier snapshots carry nothing live.
        if (mf.added_files_count == 0 && mf.existing_files_count == 0 && mf.deleted_files_count >= 0) continue;
        manifests.push_back(mf);
      }
      RETURN_IF_ERROR(WriteFullyRemoved(*schema, md_dir, md_uri, manifests));
      if (removed.size() != to_remove.size()) {
        for (const std::string& p : to_remove) {
          if (!removed.count(p)) {
            return Conflict("table {}: cannot remove {}: it is not a live file of the table (removed by a "
                            "concurrent commit?)",
                            base.table_dir, p);
          }
        }
      }
    } else if (!change_.required_data_files.empty()) {
      return Conflict("table {}: data file {} is not in the table (it has no snapshot)", base.table_dir,
                      change_.required_data_files.front());
    } else if (!change_.removed_data_files.empty() || !change_.removed_delete_files.empty()) {
      return Conflict("table {}: cannot remove {}: the table has no snapshot", base.table_dir,
                      change_.removed_data_files.empty() ? change_.removed_delete_files.front()
                                                         : change_.removed_data_files.front());
    }

    const int64_t seq = bm.last_sequence_number + 1;
    const std::string list_name =
        fmt::format("snap-{}-{}-{}.avro", SnapshotIdToString(snapshot_id_), attempt_, commit_uuid_);
    written_.push_back(md_dir + "/" + list_name);
    RETURN_IF_ERROR(WriteManifestList(md_dir + "/" + list_name, snapshot_id_,
                                      parent ? std::optional<int64_t>(parent->snapshot_id) : std::nullopt, seq,
                                      manifests));

    Snapshot snap;
    snap.snapshot_id = snapshot_id_;
    if (parent) snap.parent_snapshot_id = parent->snapshot_id;
    snap.sequence_number = seq;
    snap.timestamp_ms = std::max(NowMillis(), bm.last_updated_ms);
    snap.manifest_list = md_uri + "/" + list_name;
    snap.summary = BuildSnapshotSummary(OperationName(change_), counts, parent);
    for (const auto& [k, v] : change_.summary_properties) snap.summary[k] = v;
    if (change_.summary_from_base) {
      for (const auto& [k, v] : change_.summary_from_base(base)) snap.summary[k] = v;
    }
    snap.schema_id = schema->schema_id();

    next.snapshots.push_back(snap);
    next.last_sequence_number = seq;
    next.current_snapshot_id = snapshot_id_;
    next.refs["main"] = SnapshotRef{snapshot_id_};
    next.snapshot_log.push_back({snap.timestamp_ms, snapshot_id_});
    CrashPoint("commit");
    return next;
  }

  // The commit did not land (an error, or lost races until it gave up): no metadata references
  // the manifests and manifest lists its attempts wrote, so they go, rather than stay behind
  // as orphans of a failed run (a full disk, a read-only warehouse, a conflict).
  void RemoveWrittenFiles() {
    for (const std::string& path : written_) (void)io::DeleteAt(path);
    written_.clear();
  }

 private:
  Status CheckRequiredFiles(const Table& base, const std::vector<ManifestFile>& base_manifests) {
    if (change_.required_data_files.empty()) return Status::OK();
    std::set<std::string> missing(change_.required_data_files.begin(), change_.required_data_files.end());
    TableFileMapper mapper = base.FileMapper(true);
    for (const ManifestFile& mf : base_manifests) {
      if (missing.empty()) break;
      if (mf.content != ManifestContent::kData) continue;
      ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(mf.manifest_path));
      ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(local));
      for (const ManifestEntry& e : contents.entries) {
        if (e.status != EntryStatus::kDeleted) missing.erase(e.data_file.file_path);
      }
    }
    if (!missing.empty()) {
      return Conflict("table {}: data file {} is no longer live (removed by a concurrent commit); the deletes "
                      "that target it cannot be committed",
                      base.table_dir, *missing.begin());
    }
    return Status::OK();
  }

  // The name of the next manifest of this commit, remembered for RemoveWrittenFiles.
  std::string NextManifestName(const std::string& md_dir) {
    std::string name = fmt::format("{}-m{}.avro", commit_uuid_, manifest_counter_++);
    written_.push_back(md_dir + "/" + name);
    return name;
  }

  Status WriteAddedManifests(const Schema& schema, const PartitionSpec& spec, const std::string& md_dir,
                             const std::string& md_uri) {
    ASSIGN_OR_RETURN(std::vector<Field> partition_fields, spec.PartitionType(schema));
    auto write = [&](const std::vector<DataFile>& files, ManifestContent content) -> Status {
      if (files.empty()) return Status::OK();
      const std::string name = NextManifestName(md_dir);
      ASSIGN_OR_RETURN(auto writer, ManifestWriter::Open(md_dir + "/" + name,
                                                         ManifestWriterOptions::For(schema, spec, partition_fields, content, snapshot_id_)));
      for (const DataFile& f : files) {
        ManifestEntry e;
        e.status = EntryStatus::kAdded;
        e.data_file = f;
        RETURN_IF_ERROR(writer->Add(e).WithContext(fmt::format("adding {}", f.file_path)));
      }
      ASSIGN_OR_RETURN(ManifestFile mf, writer->Close());
      mf.manifest_path = md_uri + "/" + name;
      added_manifests_.push_back(std::move(mf));
      return Status::OK();
    };
    for (const DataFile& f : change_.added_data_files) {
      if (f.content != FileContent::kData) return InvalidArgument("{} is a delete file, not a data file", f.file_path);
    }
    for (const DataFile& f : change_.added_delete_files) {
      if (f.content == FileContent::kData) return InvalidArgument("{} is a data file, not a delete file", f.file_path);
      if (f.content == FileContent::kEqualityDeletes && f.equality_ids.empty()) {
        return InvalidArgument("equality delete file {} has no equality_ids", f.file_path);
      }
    }
    if (change_.operation == SnapshotOperation::kAppend && !change_.added_delete_files.empty()) {
      return InvalidArgument("an append cannot add delete files; use a row delta");
    }
    RETURN_IF_ERROR(write(change_.added_data_files, ManifestContent::kData));
    RETURN_IF_ERROR(write(change_.added_delete_files, ManifestContent::kDeletes));
    return Status::OK();
  }

  // Rewrites `mf` if it holds a live file to remove (with `remove_all`, any live file: data or
  // delete manifests alike); returns whether it did.
  Result<bool> MaybeRewrite(const Table& base, const Schema& schema, const ManifestFile& mf, bool remove_all,
                            const std::set<std::string>& to_remove, std::set<std::string>& removed, SnapshotChangeCounts& counts,
                            const std::string& md_dir, const std::string& md_uri, std::vector<ManifestFile>& out) {
    const PartitionSpec* spec = base.metadata.SpecById(mf.partition_spec_id);
    if (!spec) return Corrupt("manifest {} names partition spec {}, which the table does not have", mf.manifest_path, mf.partition_spec_id);
    // Type partition values by the spec; if a source column has since been dropped from the
    // schema, by the manifest's own Avro schema instead.
    auto pt = spec->PartitionType(schema);
    TableFileMapper mapper = base.FileMapper(true);
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(mf.manifest_path));
    ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(local, pt.ok() ? *pt : std::vector<Field>{}));
    ResolveInheritance(contents.entries, mf);
    const std::vector<Field>& partition_fields = contents.partition_fields;
    std::vector<ManifestEntry>& entries = contents.entries;
    bool hit = false;
    for (const ManifestEntry& e : entries) {
      if (e.status != EntryStatus::kDeleted && (remove_all || to_remove.count(e.data_file.file_path))) hit = true;
    }
    if (!hit) return false;
    // Every live entry removed: the DELETED entries go into one manifest per spec and content
    // (WriteFullyRemoved) instead of one per base manifest. A compaction of N small syncs
    // would otherwise write (and fsync) N manifests that readers of the new snapshot must
    // open only to skip them.
    bool keeps_any = false;
    for (const ManifestEntry& e : entries) {
      if (e.status != EntryStatus::kDeleted && !remove_all && !to_remove.count(e.data_file.file_path)) keeps_any = true;
    }
    if (!keeps_any) {
      FullyRemoved& group = fully_removed_[{spec->spec_id(), static_cast<int>(mf.content)}];
      if (group.entries.empty()) {
        group.spec = *spec;
        group.partition_fields = partition_fields;
      }
      for (ManifestEntry e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        if (!remove_all && !removed.insert(e.data_file.file_path).second) {
          return Corrupt("data file {} is live in more than one manifest entry", e.data_file.file_path);
        }
        counts.Remove(e.data_file, spec->spec_id());
        e.status = EntryStatus::kDeleted;
        e.snapshot_id = snapshot_id_;
        group.entries.push_back(std::move(e));
      }
      return true;
    }
    const std::string name = NextManifestName(md_dir);
    ASSIGN_OR_RETURN(auto writer, ManifestWriter::Open(md_dir + "/" + name,
                                                       ManifestWriterOptions::For(schema, *spec, partition_fields, mf.content,
                                                                                  snapshot_id_)));
    for (ManifestEntry e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;  // deletes of earlier snapshots are not carried
      if (remove_all) {
        counts.Remove(e.data_file, spec->spec_id());
        e.status = EntryStatus::kDeleted;
        e.snapshot_id = snapshot_id_;
      } else if (to_remove.count(e.data_file.file_path)) {
        if (!removed.insert(e.data_file.file_path).second) {
          return Corrupt("data file {} is live in more than one manifest entry", e.data_file.file_path);
        }
        counts.Remove(e.data_file, spec->spec_id());
        e.status = EntryStatus::kDeleted;
        e.snapshot_id = snapshot_id_;
      } else {
        e.status = EntryStatus::kExisting;
      }
      RETURN_IF_ERROR(writer->Add(e));
    }
    ASSIGN_OR_RETURN(ManifestFile rewritten, writer->Close());
    rewritten.manifest_path = md_uri + "/" + name;
    out.push_back(std::move(rewritten));
    return true;
  }

  // One manifest per (spec, content) holding the DELETED entries of the base manifests whose
  // live entries were all removed by this attempt.
  Status WriteFullyRemoved(const Schema& schema, const std::string& md_dir, const std::string& md_uri,
                           std::vector<ManifestFile>& out) {
    for (const auto& [key, group] : fully_removed_) {
      if (group.entries.empty()) continue;
      const std::string name = NextManifestName(md_dir);
      ASSIGN_OR_RETURN(auto writer,
                       ManifestWriter::Open(md_dir + "/" + name,
                                            ManifestWriterOptions::For(schema, group.spec, group.partition_fields,
                                                                       static_cast<ManifestContent>(key.second),
                                                                       snapshot_id_)));
      for (const ManifestEntry& e : group.entries) RETURN_IF_ERROR(writer->Add(e));
      ASSIGN_OR_RETURN(ManifestFile written, writer->Close());
      written.manifest_path = md_uri + "/" + name;
      out.push_back(std::move(written));
    }
    return Status::OK();
  }

  struct FullyRemoved {
    PartitionSpec spec;
    std::vector<Field> partition_fields;
    std::vector<ManifestEntry> entries;
  };
  std::map<std::pair<int, int>, FullyRemoved> fully_removed_;

  const SnapshotChange& change_;
  std::string commit_uuid_;
  SnapshotId snapshot_id_ = 0;
  int attempt_ = 0;
  int manifest_counter_ = 0;
  std::optional<int> written_spec_id_;
  std::vector<std::string> written_;  // local paths of every manifest and list attempted
  std::vector<ManifestFile> added_manifests_;
};

}  // namespace

Result<std::vector<ManifestEntry>> ReadManifestEntriesResolved(const std::string& local_path,
                                                               const ManifestFile& manifest,
                                                               const std::vector<Field>& partition_fields) {
  ASSIGN_OR_RETURN(ManifestContents contents, ReadManifest(local_path, partition_fields));
  ResolveInheritance(contents.entries, manifest);
  return std::move(contents.entries);
}

namespace {

Status CheckSummaryProperties(const SnapshotChange& change) {
  for (const auto& [k, v] : change.summary_properties) {
    if (k == summary::kOperation || k.starts_with("added-") || k.starts_with("deleted-") || k.starts_with("removed-") ||
        k.starts_with("total-") || k == summary::kChangedPartitionCount) {
      return InvalidArgument("summary property '{}' is reserved for Iceberg's own snapshot summary", k);
    }
  }
  return Status::OK();
}

}  // namespace

Result<Table> CommitSnapshot(const TableRef& table, const SnapshotChange& change) {
  RETURN_IF_ERROR(CheckSummaryProperties(change));
  // A replace-all with no files is a valid "the source is now empty".
  if (change.operation != SnapshotOperation::kReplaceAll && change.added_data_files.empty() &&
      change.added_delete_files.empty() && change.removed_data_files.empty() && change.removed_delete_files.empty()) {
    return InvalidArgument("nothing to commit: no files added or removed");
  }
  SnapshotProducer producer(change);
  Result<Table> committed =
      table.Commit([&](const Table& base) { return producer.Apply(base); }, change.commit_options);
  if (!committed.ok()) producer.RemoveWrittenFiles();
  return committed;
}

Result<Table> CreateTableWithSnapshot(const TableRef& table, const Schema& schema, const PartitionSpec& spec,
                                      const std::map<std::string, std::string>& properties,
                                      const SnapshotChange& change) {
  RETURN_IF_ERROR(CheckSummaryProperties(change));
  RETURN_IF_ERROR(schema.Validate());
  ASSIGN_OR_RETURN(const std::string table_dir, table.Location());
  if (!HasRemoteScheme(table_dir)) {
    std::error_code ec;
    fs::create_directories(table_dir + "/metadata", ec);
    if (ec) return IOError("cannot create {}/metadata: {}", table_dir, ec.message());
  }
  Table empty;
  empty.table_dir = table_dir;
  empty.metadata = TableMetadata::NewTable(schema, spec, table_dir, properties);
  SnapshotChange first = change;
  first.schema.reset();  // the new table's own schema and spec (ids 0) are the ones written with
  first.spec.reset();
  SnapshotProducer producer(first);
  Result<TableMetadata> m = producer.Apply(empty);
  Result<Table> created = m.ok() ? table.Create(std::move(m).value()) : Result<Table>(m.status());
  if (!created.ok()) producer.RemoveWrittenFiles();
  return created;
}

Result<Table> AppendFiles(const TableRef& table, std::vector<DataFile> files,
                          std::map<std::string, std::string> summary_properties) {
  SnapshotChange c;
  c.operation = SnapshotOperation::kAppend;
  c.added_data_files = std::move(files);
  c.summary_properties = std::move(summary_properties);
  return CommitSnapshot(table, c);
}

Result<Table> OverwriteFiles(const TableRef& table, std::vector<std::string> removed_data_files,
                             std::vector<DataFile> added_files, std::map<std::string, std::string> summary_properties) {
  SnapshotChange c;
  c.operation = SnapshotOperation::kOverwrite;
  c.removed_data_files = std::move(removed_data_files);
  c.added_data_files = std::move(added_files);
  c.summary_properties = std::move(summary_properties);
  return CommitSnapshot(table, c);
}

Result<Table> RowDelta(const TableRef& table, std::vector<DataFile> data_files,
                       std::vector<DataFile> delete_files, std::map<std::string, std::string> summary_properties) {
  SnapshotChange c;
  c.operation = SnapshotOperation::kRowDelta;
  c.added_data_files = std::move(data_files);
  c.added_delete_files = std::move(delete_files);
  c.summary_properties = std::move(summary_properties);
  return CommitSnapshot(table, c);
}

Result<NewFileLocation> NewDataFileLocation(const Table& table, const std::string& partition_path,
                                            const std::string& suffix) {
  std::string rel = "data/" + (partition_path.empty() ? std::string() : partition_path + "/") + NewUuid() + suffix;
  NewFileLocation loc{LocationPrefix(table.metadata) + "/" + rel, table.table_dir + "/" + rel};
  if (!HasRemoteScheme(loc.local_path)) {
    std::error_code ec;
    fs::create_directories(fs::path(loc.local_path).parent_path(), ec);
    if (ec) return IOError("cannot create directory for {}: {}", loc.local_path, ec.message());
  }
  return loc;
}

}  // namespace icesync::iceberg
