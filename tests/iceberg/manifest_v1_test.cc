// Format v1 manifests and manifest lists, shaped as Iceberg Java's v1 writers made them
// (required snapshot_id, block_size_in_bytes, no content or sequence numbers, counts
// named added_data_files_count and optional), read through field-id resolution.
#include <gtest/gtest.h>

#include "avro/container_writer.h"
#include "core/durable_file.h"
#include "iceberg/manifest.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

using avro::Datum;

TEST(ManifestV1, ReadsV1ManifestWithSpecDefaults) {
  auto schema = avro::ParseSchema(std::string(R"({"type":"record","name":"manifest_entry","fields":[
    {"name":"status","type":"int","field-id":0},
    {"name":"snapshot_id","type":"long","field-id":1},
    {"name":"data_file","field-id":2,"type":{"type":"record","name":"r2","fields":[
      {"name":"file_path","type":"string","field-id":100},
      {"name":"file_format","type":"string","field-id":101},
      {"name":"partition","field-id":102,"type":{"type":"record","name":"r102","fields":[
        {"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null,"field-id":1000}]}},
      {"name":"record_count","type":"long","field-id":103},
      {"name":"file_size_in_bytes","type":"long","field-id":104},
      {"name":"block_size_in_bytes","type":"long","field-id":105},
      {"name":"value_counts","type":["null",{"type":"array","logicalType":"map","items":{"type":"record","name":"k119_v120","fields":[
        {"name":"key","type":"int","field-id":119},{"name":"value","type":"long","field-id":120}]}}],"default":null,"field-id":109}
    ]}}]})"));
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  avro::ContainerWriter w(*schema, {{"schema", "{}"}, {"partition-spec", "[]"}}, avro::Codec::kNull);
  for (int k = 0; k < 2; ++k) {
    ASSERT_TRUE(w.Append(Datum::Record({Datum::Int(1), Datum::Long(42 + k),
                                        Datum::Record({Datum::String("f.parquet"), Datum::String("PARQUET"),
                                                       Datum::Record({k == 0 ? Datum::Int(19000) : Datum::Null()}),
                                                       Datum::Long(7), Datum::Long(700), Datum::Long(67108864),
                                                       Datum::Array({Datum::Record({Datum::Int(1), Datum::Long(7)})})})}))
                    .ok());
  }
  testing::TempDir dir;
  const std::string path = dir.file("v1.avro");
  ASSERT_TRUE(WriteNewFile(path, *w.Finish()).ok());

  // Partition fields are matched by id (the name differs); one the file lacks reads as null.
  auto m = ReadManifest(path, {{1000, "renamed_day", DataType::Date()}, {1001, "added_later", DataType::Int32()}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->metadata.format_version, 1);
  EXPECT_FALSE(m->metadata.partition_spec_id.has_value());
  ASSERT_EQ(m->entries.size(), 2u);
  const ManifestEntry& e = m->entries[0];
  EXPECT_EQ(e.status, EntryStatus::kAdded);
  EXPECT_EQ(e.snapshot_id, 42);
  EXPECT_FALSE(e.sequence_number.has_value());  // v1: inherited (0 for v1 manifests)
  EXPECT_EQ(e.data_file.content, FileContent::kData);
  EXPECT_EQ(e.data_file.record_count, 7);
  EXPECT_EQ(e.data_file.value_counts.at(1), 7);
  ASSERT_EQ(e.data_file.partition.size(), 2u);
  EXPECT_EQ(e.data_file.partition[0].get<int32_t>(), 19000);
  EXPECT_TRUE(e.data_file.partition[1].is_null());  // field absent from this file
  EXPECT_TRUE(m->entries[1].data_file.partition[0].is_null());
}

TEST(ManifestV1, ReadsV1ManifestListWithJavaNamesAndNullCounts) {
  auto schema = avro::ParseSchema(std::string(R"({"type":"record","name":"manifest_file","fields":[
    {"name":"manifest_path","type":"string","field-id":500},
    {"name":"manifest_length","type":"long","field-id":501},
    {"name":"partition_spec_id","type":"int","field-id":502},
    {"name":"added_snapshot_id","type":["null","long"],"default":null,"field-id":503},
    {"name":"added_data_files_count","type":["null","int"],"default":null,"field-id":504},
    {"name":"existing_data_files_count","type":["null","int"],"default":null,"field-id":505},
    {"name":"deleted_data_files_count","type":["null","int"],"default":null,"field-id":506},
    {"name":"partitions","type":["null",{"type":"array","element-id":508,"items":{"type":"record","name":"r508","fields":[
      {"name":"contains_null","type":"boolean","field-id":509},
      {"name":"lower_bound","type":["null","bytes"],"default":null,"field-id":510},
      {"name":"upper_bound","type":["null","bytes"],"default":null,"field-id":511}]}}],"default":null,"field-id":507},
    {"name":"added_rows_count","type":["null","long"],"default":null,"field-id":512}]})"));
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  avro::ContainerWriter w(*schema, {}, avro::Codec::kDeflate);
  ASSERT_TRUE(w.Append(Datum::Record({Datum::String("m1.avro"), Datum::Long(100), Datum::Int(0), Datum::Long(9),
                                      Datum::Int(2), Datum::Int(0), Datum::Int(1),
                                      Datum::Array({Datum::Record({Datum::Bool(true), Datum::Bytes("a"), Datum::Null()})}),
                                      Datum::Long(20)}))
                  .ok());
  ASSERT_TRUE(w.Append(Datum::Record({Datum::String("m2.avro"), Datum::Long(200), Datum::Int(1), Datum::Long(10),
                                      Datum::Null(), Datum::Null(), Datum::Null(), Datum::Null(), Datum::Null()}))
                  .ok());
  testing::TempDir dir;
  const std::string path = dir.file("snap-v1.avro");
  ASSERT_TRUE(WriteNewFile(path, *w.Finish()).ok());
  auto l = ReadManifestList(path);
  ASSERT_TRUE(l.ok()) << l.status().message();
  ASSERT_EQ(l->size(), 2u);
  const ManifestFile& a = (*l)[0];
  EXPECT_EQ(a.manifest_path, "m1.avro");
  EXPECT_EQ(a.content, ManifestContent::kData);
  EXPECT_EQ(a.sequence_number, 0);
  EXPECT_EQ(a.min_sequence_number, 0);
  EXPECT_EQ(a.added_snapshot_id, 9);
  EXPECT_EQ(a.added_files_count, 2);
  EXPECT_EQ(a.deleted_files_count, 1);
  EXPECT_EQ(a.added_rows_count, 20);
  EXPECT_EQ(a.existing_rows_count, -1);  // absent from this writer's schema: unknown
  ASSERT_EQ(a.partitions.size(), 1u);
  EXPECT_TRUE(a.partitions[0].contains_null);
  EXPECT_EQ(a.partitions[0].lower_bound, "a");
  EXPECT_FALSE(a.partitions[0].upper_bound.has_value());
  const ManifestFile& b = (*l)[1];
  EXPECT_EQ(b.partition_spec_id, 1);
  EXPECT_EQ(b.added_files_count, -1);
  EXPECT_TRUE(b.partitions.empty());
  // Unknown counts cannot be written into a v2 list.
  EXPECT_EQ(WriteManifestList(dir.file("v2.avro"), 11, 10, 1, {b}).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace icesync::iceberg
