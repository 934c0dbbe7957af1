#include "iceberg/manifest.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/resolve.h"
#include "io/file_io.h"
#include "core/schema_json.h"
#include "iceberg/avro_values.h"
#include "iceberg/manifest_schema.h"

namespace icesync::iceberg {

ManifestWriterOptions ManifestWriterOptions::For(const Schema& schema, const PartitionSpec& spec,
                                                 std::vector<Field> partition_fields, ManifestContent content,
                                                 int64_t snapshot_id) {
  ManifestWriterOptions o;
  o.table_schema = schema;
  o.partition_spec_json = PartitionSpecToJson(spec)["fields"].dump();
  o.partition_spec_id = spec.spec_id();
  o.partition_fields = std::move(partition_fields);
  o.content = content;
  o.snapshot_id = snapshot_id;
  return o;
}

using avro::Datum;

namespace {

Datum OptLong(const std::optional<int64_t>& v) { return v ? Datum::Long(*v) : Datum::Null(); }

Datum IntMap(const std::map<int, int64_t>& m) {
  if (m.empty()) return Datum::Null();
  std::vector<Datum> items;
  items.reserve(m.size());
  for (const auto& [k, v] : m) items.push_back(Datum::Record({Datum::Int(k), Datum::Long(v)}));
  return Datum::Array(std::move(items));
}

Datum BytesMap(const std::map<int, std::string>& m) {
  if (m.empty()) return Datum::Null();
  std::vector<Datum> items;
  items.reserve(m.size());
  for (const auto& [k, v] : m) items.push_back(Datum::Record({Datum::Int(k), Datum::Bytes(v)}));
  return Datum::Array(std::move(items));
}

std::optional<int64_t> ReadOptLong(const Datum& d) {
  if (d.is_null()) return std::nullopt;
  return d.kind() == Datum::Kind::kInt ? d.int_value() : d.long_value();
}

template <typename V>
void ReadIntMap(const Datum& d, std::map<int, V>* out) {
  if (d.is_null()) return;
  for (const Datum& kv : d.items()) {
    if constexpr (std::is_same_v<V, int64_t>) {
      (*out)[kv.field(0).int_value()] = kv.field(1).long_value();
    } else {
      (*out)[kv.field(0).int_value()] = kv.field(1).bytes();
    }
  }
}

// Running partition summary of one partition field (FieldSummary without the bytes).
struct SummaryAccumulator {
  bool contains_null = false;
  bool contains_nan = false;
  std::optional<Value> lower, upper;

  void Add(const Value& v) {
    if (v.is_null()) {
      contains_null = true;
      return;
    }
    const auto& s = v.storage();
    if ((std::holds_alternative<float>(s) && std::isnan(std::get<float>(s))) ||
        (std::holds_alternative<double>(s) && std::isnan(std::get<double>(s)))) {
      contains_nan = true;
      return;
    }
    if (!lower || v.Compare(*lower) < 0) lower = v;
    if (!upper || v.Compare(*upper) > 0) upper = v;
  }

  FieldSummary Finish() const {
    FieldSummary s;
    s.contains_null = contains_null;
    s.contains_nan = contains_nan;
    if (lower) s.lower_bound = lower->ToIcebergBytes();
    if (upper) s.upper_bound = upper->ToIcebergBytes();
    return s;
  }
};

Result<Datum> EntryToDatum(const ManifestEntry& e) {
  const DataFile& f = e.data_file;
  std::vector<Datum> partition;
  partition.reserve(f.partition.size());
  for (const Value& v : f.partition) {
    ASSIGN_OR_RETURN(Datum d, ValueToDatum(v));
    partition.push_back(std::move(d));
  }
  std::vector<Datum> df(kDfReferencedDataFile + 1);
  df[kDfContent] = Datum::Int(static_cast<int>(f.content));
  df[kDfFilePath] = Datum::String(f.file_path);
  df[kDfFileFormat] = Datum::String(f.file_format);
  df[kDfPartition] = Datum::Record(std::move(partition));
  df[kDfRecordCount] = Datum::Long(f.record_count);
  df[kDfFileSize] = Datum::Long(f.file_size_in_bytes);
  df[kDfColumnSizes] = IntMap(f.column_sizes);
  df[kDfValueCounts] = IntMap(f.value_counts);
  df[kDfNullValueCounts] = IntMap(f.null_value_counts);
  df[kDfNanValueCounts] = IntMap(f.nan_value_counts);
  df[kDfLowerBounds] = BytesMap(f.lower_bounds);
  df[kDfUpperBounds] = BytesMap(f.upper_bounds);
  df[kDfKeyMetadata] = f.key_metadata ? Datum::Bytes(*f.key_metadata) : Datum::Null();
  if (!f.split_offsets.empty()) {
    std::vector<Datum> offs;
    for (int64_t o : f.split_offsets) offs.push_back(Datum::Long(o));
    df[kDfSplitOffsets] = Datum::Array(std::move(offs));
  }
  if (!f.equality_ids.empty()) {
    std::vector<Datum> ids;
    for (int id : f.equality_ids) ids.push_back(Datum::Int(id));
    df[kDfEqualityIds] = Datum::Array(std::move(ids));
  }
  df[kDfSortOrderId] = f.sort_order_id ? Datum::Int(*f.sort_order_id) : Datum::Null();
  df[kDfReferencedDataFile] = f.referenced_data_file ? Datum::String(*f.referenced_data_file) : Datum::Null();
  return Datum::Record({Datum::Int(static_cast<int>(e.status)), OptLong(e.snapshot_id), OptLong(e.sequence_number),
                        OptLong(e.file_sequence_number), Datum::Record(std::move(df))});
}

// `partition_map[i]`: index in the file's partition record of partition field i (-1: absent).
Result<ManifestEntry> EntryFromDatum(const Datum& d, const std::vector<Field>& partition_fields,
                                     const std::vector<int>& partition_map) {
  ManifestEntry e;
  int status = d.field(kEntryStatus).int_value();
  if (status < 0 || status > 2) return Corrupt("manifest entry status {} is not 0, 1 or 2", status);
  e.status = static_cast<EntryStatus>(status);
  e.snapshot_id = ReadOptLong(d.field(kEntrySnapshotId));
  e.sequence_number = ReadOptLong(d.field(kEntrySequenceNumber));
  e.file_sequence_number = ReadOptLong(d.field(kEntryFileSequenceNumber));
  const Datum& df = d.field(kEntryDataFile);
  DataFile& f = e.data_file;
  int content = df.field(kDfContent).int_value();
  if (content < 0 || content > 2) return Corrupt("data file content {} is not 0, 1 or 2", content);
  f.content = static_cast<FileContent>(content);
  f.file_path = df.field(kDfFilePath).bytes();
  f.file_format = df.field(kDfFileFormat).bytes();
  const Datum& part = df.field(kDfPartition);
  f.partition.reserve(partition_fields.size());
  for (size_t i = 0; i < partition_fields.size(); ++i) {
    const DataType& t = partition_fields[i].type;
    if (partition_map[i] < 0) {
      f.partition.push_back(Value::Null(t));
      continue;
    }
    auto v = DatumToValue(part.field(static_cast<size_t>(partition_map[i])), t);
    if (!v.ok()) return v.status().WithContext("partition field " + partition_fields[i].name);
    f.partition.push_back(std::move(v).value());
  }
  f.record_count = df.field(kDfRecordCount).long_value();
  f.file_size_in_bytes = df.field(kDfFileSize).long_value();
  ReadIntMap(df.field(kDfColumnSizes), &f.column_sizes);
  ReadIntMap(df.field(kDfValueCounts), &f.value_counts);
  ReadIntMap(df.field(kDfNullValueCounts), &f.null_value_counts);
  ReadIntMap(df.field(kDfNanValueCounts), &f.nan_value_counts);
  ReadIntMap(df.field(kDfLowerBounds), &f.lower_bounds);
  ReadIntMap(df.field(kDfUpperBounds), &f.upper_bounds);
  if (!df.field(kDfKeyMetadata).is_null()) f.key_metadata = df.field(kDfKeyMetadata).bytes();
  if (!df.field(kDfSplitOffsets).is_null())
    for (const Datum& o : df.field(kDfSplitOffsets).items()) f.split_offsets.push_back(o.long_value());
  if (!df.field(kDfEqualityIds).is_null())
    for (const Datum& o : df.field(kDfEqualityIds).items()) {
      if (o.long_value() < 0 || o.long_value() > INT32_MAX) return Corrupt("equality id {} out of range", o.long_value());
      f.equality_ids.push_back(static_cast<int>(o.long_value()));
    }
  if (!df.field(kDfSortOrderId).is_null()) f.sort_order_id = df.field(kDfSortOrderId).int_value();
  if (!df.field(kDfReferencedDataFile).is_null()) f.referenced_data_file = df.field(kDfReferencedDataFile).bytes();
  return e;
}

// The partition record (field 102 inside field 2) of a manifest's writer schema.
Result<avro::NodePtr> FindPartitionRecord(const avro::Node& entry) {
  if (entry.type != avro::AvroType::kRecord) return Corrupt("manifest schema is not a record");
  int di = entry.FieldIndexById(2);
  if (di < 0) di = entry.FieldIndexByName("data_file");
  if (di < 0) return Corrupt("manifest schema has no data_file field (id 2)");
  const avro::Node& df = *entry.fields[di].type;
  if (df.type != avro::AvroType::kRecord) return Corrupt("manifest data_file is not a record");
  int pi = df.FieldIndexById(102);
  if (pi < 0) pi = df.FieldIndexByName("partition");
  if (pi < 0) return Corrupt("manifest data_file has no partition field (id 102)");
  avro::NodePtr p = df.fields[pi].type;
  if (p->type != avro::AvroType::kRecord) return Corrupt("manifest partition is not a record");
  return p;
}

Result<int> ParseIntKey(const std::map<std::string, std::string>& m, const char* key, int fallback) {
  auto it = m.find(key);
  if (it == m.end() || it->second.empty()) return fallback;
  try {
    size_t used = 0;
    int v = std::stoi(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument(key);
    return v;
  } catch (...) {
    return Corrupt("metadata key {} has a non-integer value \"{}\"", key, it->second);
  }
}

Result<ManifestContents> ManifestFromContainer(avro::ContainerFile file, const std::vector<Field>& given_fields) {
  ManifestContents out;
  ManifestMetadata& md = out.metadata;
  md.all = file.metadata;
  if (auto it = md.all.find("schema"); it != md.all.end()) md.schema_json = it->second;
  if (auto it = md.all.find("partition-spec"); it != md.all.end()) md.partition_spec_json = it->second;
  if (md.all.count("schema-id")) {
    ASSIGN_OR_RETURN(md.schema_id, ParseIntKey(md.all, "schema-id", 0));
  }
  if (md.all.count("partition-spec-id")) {
    ASSIGN_OR_RETURN(md.partition_spec_id, ParseIntKey(md.all, "partition-spec-id", 0));
  }
  ASSIGN_OR_RETURN(md.format_version, ParseIntKey(md.all, "format-version", 1));
  if (auto it = md.all.find("content"); it != md.all.end()) {
    if (it->second == "deletes") {
      md.content = ManifestContent::kDeletes;
    } else if (it->second != "data") {
      return Corrupt("metadata key content is \"{}\", expected data or deletes", it->second);
    }
  }

  ASSIGN_OR_RETURN(avro::NodePtr partition_record, FindPartitionRecord(*file.writer_schema));
  if (given_fields.empty()) {
    for (const auto& pf : partition_record->fields) {
      auto t = IcebergTypeForAvro(*pf.type);
      if (!t.ok()) return t.status().WithContext("partition field " + pf.name);
      out.partition_fields.push_back(Field{pf.field_id().value_or(0), pf.name, *t, false});
    }
  } else {
    out.partition_fields = given_fields;
  }
  std::vector<int> partition_map;
  const bool file_has_ids = [&] {
    for (const auto& pf : partition_record->fields)
      if (pf.field_id()) return true;
    return false;
  }();
  for (size_t i = 0; i < out.partition_fields.size(); ++i) {
    const Field& f = out.partition_fields[i];
    if (given_fields.empty()) {
      partition_map.push_back(static_cast<int>(i));
    } else {
      partition_map.push_back(file_has_ids ? partition_record->FieldIndexById(f.id)
                                           : partition_record->FieldIndexByName(f.name));
    }
  }

  // The reader schema carries the file's own partition record, so partition values keep
  // their written encoding and are converted by type in EntryFromDatum.
  avro::NodePtr reader = ManifestEntrySchema(partition_record, /*for_reading=*/true);
  ASSIGN_OR_RETURN(avro::Resolver resolver, avro::Resolver::Make(*file.writer_schema, *reader));
  out.entries.reserve(file.records.size());
  for (size_t i = 0; i < file.records.size(); ++i) {
    auto resolved = resolver.Apply(std::move(file.records[i]));
    if (!resolved.ok()) return resolved.status().WithContext(fmt::format("entry {}", i));
    auto entry = EntryFromDatum(*resolved, out.partition_fields, partition_map);
    if (!entry.ok()) return entry.status().WithContext(fmt::format("entry {}", i));
    out.entries.push_back(std::move(entry).value());
  }
  return out;
}

}  // namespace

struct ManifestWriter::Impl {
  std::string path;
  ManifestWriterOptions options;
  avro::ContainerWriter writer;
  std::vector<SummaryAccumulator> summaries;
  ManifestFile result;
  std::optional<int64_t> min_sequence_number;
  bool closed = false;
};

ManifestWriter::ManifestWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ManifestWriter::~ManifestWriter() = default;

Result<std::unique_ptr<ManifestWriter>> ManifestWriter::Open(const std::string& path, ManifestWriterOptions options) {
  if (options.format_version != 2)
    return Unsupported("writing format-version {} manifests is not supported (only 2): {}", options.format_version, path);
  auto spec = nlohmann::json::parse(options.partition_spec_json, nullptr, false);
  // The manifest stores only the fields array; accept a whole spec object too.
  if (spec.is_object() && spec.contains("fields")) spec = spec["fields"];
  if (spec.is_discarded() || !spec.is_array())
    return InvalidArgument("partition spec for manifest {} must be the JSON array of partition fields", path);
  if (spec.size() != options.partition_fields.size())
    return InvalidArgument("partition spec for manifest {} has {} fields but {} partition field types were given", path,
                           spec.size(), options.partition_fields.size());
  ASSIGN_OR_RETURN(avro::NodePtr partition_record, PartitionRecordSchema(options.partition_fields));
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"schema", SchemaToJson(options.table_schema).dump()},
      {"schema-id", std::to_string(options.table_schema.schema_id())},
      {"partition-spec", spec.dump()},
      {"partition-spec-id", std::to_string(options.partition_spec_id)},
      {"format-version", "2"},
      {"content", options.content == ManifestContent::kDeletes ? "deletes" : "data"},
  };
  auto impl = std::unique_ptr<Impl>(new Impl{
      path, options,
      avro::ContainerWriter(ManifestEntrySchema(partition_record, /*for_reading=*/false), std::move(metadata)),
      std::vector<SummaryAccumulator>(options.partition_fields.size()), ManifestFile{}, std::nullopt, false});
  impl->result.manifest_path = path;
  impl->result.partition_spec_id = options.partition_spec_id;
  impl->result.content = options.content;
  impl->result.added_snapshot_id = options.snapshot_id;
  return std::unique_ptr<ManifestWriter>(new ManifestWriter(std::move(impl)));
}

Status ManifestWriter::Add(const ManifestEntry& entry) {
  Impl& m = *impl_;
  if (m.closed) return Internal("manifest {} already closed", m.path);
  const DataFile& f = entry.data_file;
  const bool is_delete = f.content != FileContent::kData;
  if (is_delete != (m.options.content == ManifestContent::kDeletes))
    return InvalidArgument("{} file {} cannot go into a {} manifest", is_delete ? "delete" : "data", f.file_path,
                           is_delete ? "data" : "deletes");
  if (f.partition.size() != m.options.partition_fields.size())
    return InvalidArgument("data file {} has {} partition values, the spec has {} fields", f.file_path,
                           f.partition.size(), m.options.partition_fields.size());
  for (size_t i = 0; i < f.partition.size(); ++i) {
    const Value& v = f.partition[i];
    if (!v.is_null() && !(v.type() == m.options.partition_fields[i].type))
      return InvalidArgument("data file {}: partition value {} is {}, field {} is {}", f.file_path, i,
                             v.type().ToString(), m.options.partition_fields[i].name,
                             m.options.partition_fields[i].type.ToString());
  }
  if (f.content == FileContent::kEqualityDeletes && f.equality_ids.empty())
    return InvalidArgument("equality delete file {} has no equality_ids", f.file_path);
  ASSIGN_OR_RETURN(Datum d, EntryToDatum(entry));
  RETURN_IF_ERROR(m.writer.Append(d));
  for (size_t i = 0; i < f.partition.size(); ++i) m.summaries[i].Add(f.partition[i]);
  ManifestFile& r = m.result;
  switch (entry.status) {
    case EntryStatus::kAdded:
      ++r.added_files_count;
      r.added_rows_count += f.record_count;
      break;
    case EntryStatus::kExisting:
      ++r.existing_files_count;
      r.existing_rows_count += f.record_count;
      break;
    case EntryStatus::kDeleted:
      ++r.deleted_files_count;
      r.deleted_rows_count += f.record_count;
      break;
  }
  if (entry.status != EntryStatus::kDeleted && entry.sequence_number &&
      (!m.min_sequence_number || *entry.sequence_number < *m.min_sequence_number))
    m.min_sequence_number = entry.sequence_number;
  return Status::OK();
}

Result<ManifestFile> ManifestWriter::Close() {
  Impl& m = *impl_;
  if (m.closed) return Internal("manifest {} already closed", m.path);
  m.closed = true;
  ASSIGN_OR_RETURN(std::string bytes, m.writer.Finish());
  // Manifests are immutable: an existing file is an error, never overwritten.
  RETURN_IF_ERROR(io::WriteNewAt(m.path, bytes));
  ManifestFile r = m.result;
  r.manifest_length = static_cast<int64_t>(bytes.size());
  r.sequence_number = kUnassignedSequenceNumber;
  r.min_sequence_number = m.min_sequence_number.value_or(kUnassignedSequenceNumber);
  for (const auto& s : m.summaries) r.partitions.push_back(s.Finish());
  return r;
}

Result<ManifestContents> ReadManifest(const std::string& path, const std::vector<Field>& partition_fields) {
  auto file = avro::ReadContainerFile(path);
  auto r = file.ok() ? ManifestFromContainer(std::move(file).value(), partition_fields) : file.status();
  if (!r.ok() && r.status().message().rfind(path, 0) != 0) return r.status().WithContext("manifest " + path);
  return r;
}

Result<ManifestContents> ParseManifest(std::string_view bytes, const std::string& source,
                                       const std::vector<Field>& partition_fields) {
  auto file = avro::ParseContainer(bytes);
  auto r = file.ok() ? ManifestFromContainer(std::move(file).value(), partition_fields) : file.status();
  if (!r.ok()) return r.status().WithContext("manifest " + source);
  return r;
}

}  // namespace icesync::iceberg
