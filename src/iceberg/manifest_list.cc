// Manifest lists: the manifest_file records of one snapshot (declared in manifest.h).
#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/resolve.h"
#include "io/file_io.h"
#include "iceberg/manifest.h"
#include "iceberg/manifest_schema.h"

namespace icesync::iceberg {

using avro::Datum;

namespace {

Datum OptBytes(const std::optional<std::string>& v) { return v ? Datum::Bytes(*v) : Datum::Null(); }

Datum ManifestFileToDatum(const ManifestFile& m, int64_t sequence_number) {
  std::vector<Datum> parts;
  for (const FieldSummary& s : m.partitions) {
    parts.push_back(Datum::Record({Datum::Bool(s.contains_null),
                                   s.contains_nan ? Datum::Bool(*s.contains_nan) : Datum::Null(),
                                   OptBytes(s.lower_bound), OptBytes(s.upper_bound)}));
  }
  auto seq = [&](int64_t v) { return v == kUnassignedSequenceNumber ? sequence_number : v; };
  std::vector<Datum> f(kMfKeyMetadata + 1);
  f[kMfPath] = Datum::String(m.manifest_path);
  f[kMfLength] = Datum::Long(m.manifest_length);
  f[kMfSpecId] = Datum::Int(m.partition_spec_id);
  f[kMfContent] = Datum::Int(static_cast<int>(m.content));
  f[kMfSequenceNumber] = Datum::Long(seq(m.sequence_number));
  f[kMfMinSequenceNumber] = Datum::Long(seq(m.min_sequence_number));
  f[kMfAddedSnapshotId] = Datum::Long(m.added_snapshot_id);
  f[kMfAddedFiles] = Datum::Int(static_cast<int32_t>(m.added_files_count));
  f[kMfExistingFiles] = Datum::Int(static_cast<int32_t>(m.existing_files_count));
  f[kMfDeletedFiles] = Datum::Int(static_cast<int32_t>(m.deleted_files_count));
  f[kMfAddedRows] = Datum::Long(m.added_rows_count);
  f[kMfExistingRows] = Datum::Long(m.existing_rows_count);
  f[kMfDeletedRows] = Datum::Long(m.deleted_rows_count);
  f[kMfPartitions] = Datum::Array(std::move(parts));
  f[kMfKeyMetadata] = OptBytes(m.key_metadata);
  return Datum::Record(std::move(f));
}

int64_t CountOrUnknown(const Datum& d) {
  if (d.is_null()) return -1;
  return d.kind() == Datum::Kind::kInt ? d.int_value() : d.long_value();
}

Result<ManifestFile> ManifestFileFromDatum(const Datum& d) {
  ManifestFile m;
  m.manifest_path = d.field(kMfPath).bytes();
  m.manifest_length = d.field(kMfLength).long_value();
  m.partition_spec_id = d.field(kMfSpecId).int_value();
  int content = d.field(kMfContent).int_value();
  if (content != 0 && content != 1) return Corrupt("manifest {} has content {}, expected 0 or 1", m.manifest_path, content);
  m.content = static_cast<ManifestContent>(content);
  m.sequence_number = d.field(kMfSequenceNumber).long_value();
  m.min_sequence_number = d.field(kMfMinSequenceNumber).long_value();
  m.added_snapshot_id = d.field(kMfAddedSnapshotId).long_value();
  m.added_files_count = CountOrUnknown(d.field(kMfAddedFiles));
  m.existing_files_count = CountOrUnknown(d.field(kMfExistingFiles));
  m.deleted_files_count = CountOrUnknown(d.field(kMfDeletedFiles));
  m.added_rows_count = CountOrUnknown(d.field(kMfAddedRows));
  m.existing_rows_count = CountOrUnknown(d.field(kMfExistingRows));
  m.deleted_rows_count = CountOrUnknown(d.field(kMfDeletedRows));
  if (!d.field(kMfPartitions).is_null()) {
    for (const Datum& s : d.field(kMfPartitions).items()) {
      FieldSummary fs;
      fs.contains_null = s.field(kFsContainsNull).bool_value();
      if (!s.field(kFsContainsNan).is_null()) fs.contains_nan = s.field(kFsContainsNan).bool_value();
      if (!s.field(kFsLowerBound).is_null()) fs.lower_bound = s.field(kFsLowerBound).bytes();
      if (!s.field(kFsUpperBound).is_null()) fs.upper_bound = s.field(kFsUpperBound).bytes();
      m.partitions.push_back(std::move(fs));
    }
  }
  if (!d.field(kMfKeyMetadata).is_null()) m.key_metadata = d.field(kMfKeyMetadata).bytes();
  return m;
}

Result<std::vector<ManifestFile>> ManifestListFromContainer(avro::ContainerFile file) {
  ASSIGN_OR_RETURN(avro::Resolver resolver,
                   avro::Resolver::Make(*file.writer_schema, *ManifestFileSchema(/*for_reading=*/true)));
  std::vector<ManifestFile> out;
  out.reserve(file.records.size());
  for (size_t i = 0; i < file.records.size(); ++i) {
    auto resolved = resolver.Apply(std::move(file.records[i]));
    if (!resolved.ok()) return resolved.status().WithContext(fmt::format("entry {}", i));
    auto m = ManifestFileFromDatum(*resolved);
    if (!m.ok()) return m.status().WithContext(fmt::format("entry {}", i));
    out.push_back(std::move(m).value());
  }
  return out;
}

}  // namespace

Status WriteManifestList(const std::string& path, int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                         int64_t sequence_number, const std::vector<ManifestFile>& manifests) {
  avro::ContainerWriter writer(
      ManifestFileSchema(/*for_reading=*/false),
      {
          {"snapshot-id", std::to_string(snapshot_id)},
          {"parent-snapshot-id", parent_snapshot_id ? std::to_string(*parent_snapshot_id) : "null"},
          {"sequence-number", std::to_string(sequence_number)},
          {"format-version", "2"},
      });
  for (const ManifestFile& m : manifests) {
    if (m.added_files_count < 0 || m.existing_files_count < 0 || m.deleted_files_count < 0 ||
        m.added_rows_count < 0 || m.existing_rows_count < 0 || m.deleted_rows_count < 0)
      return InvalidArgument("manifest {} has unknown file/row counts; v2 manifest lists require them (rewrite it)",
                             m.manifest_path);
    Status st = writer.Append(ManifestFileToDatum(m, sequence_number));
    if (!st.ok()) return st.WithContext("manifest list " + path);
  }
  ASSIGN_OR_RETURN(std::string bytes, writer.Finish());
  return io::WriteNewAt(path, bytes);
}

Result<std::vector<ManifestFile>> ReadManifestList(const std::string& path) {
  auto file = avro::ReadContainerFile(path);
  auto r = file.ok() ? ManifestListFromContainer(std::move(file).value()) : file.status();
  if (!r.ok() && r.status().message().rfind(path, 0) != 0) return r.status().WithContext("manifest list " + path);
  return r;
}

Result<std::vector<ManifestFile>> ParseManifestList(std::string_view bytes, const std::string& source) {
  auto file = avro::ParseContainer(bytes);
  auto r = file.ok() ? ManifestListFromContainer(std::move(file).value()) : file.status();
  if (!r.ok()) return r.status().WithContext("manifest list " + source);
  return r;
}

}  // namespace icesync::iceberg
