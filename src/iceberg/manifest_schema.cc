#include "iceberg/manifest_schema.h"

#include "iceberg/avro_values.h"

namespace icesync::iceberg {
namespace {

using avro::AvroType;
using avro::MakeField;
using avro::MakeOptional;
using avro::MakePrimitive;
using avro::NodePtr;
using avro::RecordField;

NodePtr Int() { return MakePrimitive(AvroType::kInt); }
NodePtr Long() { return MakePrimitive(AvroType::kLong); }
NodePtr Str() { return MakePrimitive(AvroType::kString); }
NodePtr Bytes() { return MakePrimitive(AvroType::kBytes); }
NodePtr Bool() { return MakePrimitive(AvroType::kBoolean); }

// Iceberg's Avro form of map<int, V>: an array of key/value records marked logicalType
// "map" (Avro maps only allow string keys).
NodePtr IntKeyMap(int key_id, int value_id, NodePtr value) {
  auto kv = avro::MakeRecord(fmt::format("k{}_v{}", key_id, value_id),
                             {MakeField("key", Int(), key_id), MakeField("value", std::move(value), value_id)});
  auto arr = std::make_shared<avro::Node>(*avro::MakeArray(kv));
  arr->logical_type = "map";
  return arr;
}

NodePtr List(NodePtr element, int element_id) { return avro::MakeArray(std::move(element), {{"element-id", element_id}}); }

RecordField WithDefault(RecordField f, nlohmann::json value) {
  f.default_value = std::move(value);
  return f;
}

}  // namespace

Result<NodePtr> PartitionRecordSchema(const std::vector<Field>& partition_fields) {
  std::vector<RecordField> fields;
  for (const Field& f : partition_fields) {
    auto t = AvroSchemaForType(f.type);
    if (!t.ok()) return t.status().WithContext("partition field " + f.name);
    fields.push_back(MakeField(f.name, MakeOptional(*t), f.id));
  }
  return avro::MakeRecord("r102", std::move(fields));
}

NodePtr ManifestEntrySchema(NodePtr partition_record, bool for_reading) {
  RecordField content = MakeField("content", Int(), 134,
                                  "Contents of the file: 0=data, 1=position deletes, 2=equality deletes");
  if (for_reading) content = WithDefault(std::move(content), 0);
  auto data_file = avro::MakeRecord(
      "r2",
      {
          std::move(content),
          MakeField("file_path", Str(), 100, "Location URI with FS scheme"),
          MakeField("file_format", Str(), 101, "File format name: avro, orc, or parquet"),
          MakeField("partition", std::move(partition_record), 102, "Partition data tuple, schema based on the partition spec"),
          MakeField("record_count", Long(), 103, "Number of records in the file"),
          MakeField("file_size_in_bytes", Long(), 104, "Total file size in bytes"),
          MakeField("column_sizes", MakeOptional(IntKeyMap(117, 118, Long())), 108, "Map of column id to total size on disk"),
          MakeField("value_counts", MakeOptional(IntKeyMap(119, 120, Long())), 109, "Map of column id to total count, including null and NaN"),
          MakeField("null_value_counts", MakeOptional(IntKeyMap(121, 122, Long())), 110, "Map of column id to null value count"),
          MakeField("nan_value_counts", MakeOptional(IntKeyMap(138, 139, Long())), 137, "Map of column id to number of NaN values in the column"),
          MakeField("lower_bounds", MakeOptional(IntKeyMap(126, 127, Bytes())), 125, "Map of column id to lower bound"),
          MakeField("upper_bounds", MakeOptional(IntKeyMap(129, 130, Bytes())), 128, "Map of column id to upper bound"),
          MakeField("key_metadata", MakeOptional(Bytes()), 131, "Encryption key metadata blob"),
          MakeField("split_offsets", MakeOptional(List(Long(), 133)), 132, "Splittable offsets"),
          MakeField("equality_ids", MakeOptional(List(Int(), 136)), 135, "Equality comparison field IDs"),
          MakeField("sort_order_id", MakeOptional(Int()), 140, "Sort order ID"),
          MakeField("referenced_data_file", MakeOptional(Str()), 143, "Fully qualified location of a data file that all deletes reference"),
      });
  return avro::MakeRecord(
      "manifest_entry",
      {
          MakeField("status", Int(), 0),
          MakeField("snapshot_id", MakeOptional(Long()), 1),
          MakeField("sequence_number", MakeOptional(Long()), 3),
          MakeField("file_sequence_number", MakeOptional(Long()), 4),
          MakeField("data_file", data_file, 2),
      });
}

NodePtr ManifestFileSchema(bool for_reading) {
  auto summary = avro::MakeRecord(
      "r508", {
                  MakeField("contains_null", Bool(), 509, "True if any file has a null partition value"),
                  MakeField("contains_nan", MakeOptional(Bool()), 518, "True if any file has a nan partition value"),
                  MakeField("lower_bound", MakeOptional(Bytes()), 510, "Partition lower bound for all files"),
                  MakeField("upper_bound", MakeOptional(Bytes()), 511, "Partition upper bound for all files"),
              });
  auto maybe_default = [&](RecordField f) { return for_reading ? WithDefault(std::move(f), 0) : f; };
  // Counts: required ints in v2, optional in v1 (null: unknown).
  auto count = [&](const char* name, int id, bool is_long, const char* doc) {
    NodePtr t = for_reading ? MakeOptional(Long()) : (is_long ? Long() : Int());
    return MakeField(name, t, id, doc);
  };
  return avro::MakeRecord(
      "manifest_file",
      {
          MakeField("manifest_path", Str(), 500, "Location URI with FS scheme"),
          MakeField("manifest_length", Long(), 501, "Total file size in bytes"),
          MakeField("partition_spec_id", Int(), 502, "Spec ID used to write"),
          maybe_default(MakeField("content", Int(), 517, "Contents of the manifest: 0=data, 1=deletes")),
          maybe_default(MakeField("sequence_number", Long(), 515, "Sequence number when the manifest was added")),
          maybe_default(MakeField("min_sequence_number", Long(), 516, "Lowest sequence number in the manifest")),
          MakeField("added_snapshot_id", Long(), 503, "Snapshot ID that added the manifest"),
          count("added_files_count", 504, false, "Added entry count"),
          count("existing_files_count", 505, false, "Existing entry count"),
          count("deleted_files_count", 506, false, "Deleted entry count"),
          count("added_rows_count", 512, true, "Added rows count"),
          count("existing_rows_count", 513, true, "Existing rows count"),
          count("deleted_rows_count", 514, true, "Deleted rows count"),
          MakeField("partitions", MakeOptional(List(summary, 508)), 507, "Summary for each partition"),
          MakeField("key_metadata", MakeOptional(Bytes()), 519, "Encryption key metadata blob"),
      });
}

}  // namespace icesync::iceberg
