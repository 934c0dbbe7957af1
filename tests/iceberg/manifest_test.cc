#include "iceberg/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "avro/container_reader.h"
#include "iceberg/avro_values.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<Field> AllTypePartitionFields() {
  return {
      {1000, "b", DataType::Boolean()},       {1001, "i", DataType::Int32()},
      {1002, "l", DataType::Int64()},         {1003, "f", DataType::Float32()},
      {1004, "d", DataType::Float64()},       {1005, "dec", DataType::Decimal(20, 3)},
      {1006, "day", DataType::Date()},        {1007, "t", DataType::Time()},
      {1008, "ts", DataType::Timestamp()},    {1009, "tstz", DataType::TimestampTz()},
      {1010, "s", DataType::String()},        {1011, "u", DataType::Uuid()},
      {1012, "fx", DataType::Fixed(3)},       {1013, "bin", DataType::Binary()},
  };
}

std::vector<Value> PartitionValues(int k) {
  auto f = AllTypePartitionFields();
  return {
      Value(f[0].type, k % 2 == 0),
      Value(f[1].type, int32_t{-k}),
      Value(f[2].type, int64_t{k} << 40),
      Value(f[3].type, 1.5f * k),
      Value(f[4].type, -2.25 * k),
      Value(f[5].type, Int128(-123456789) * k),
      Value(f[6].type, int32_t{19000 + k}),
      Value(f[7].type, int64_t{3600000000} + k),
      Value(f[8].type, int64_t{1700000000000000} + k),
      Value(f[9].type, int64_t{-1} - k),
      Value(f[10].type, std::string("caf\xc3\xa9-") + std::to_string(k)),
      Value(f[11].type, std::string(15, '\x11') + static_cast<char>(k)),
      Value(f[12].type, std::string("\x00\xff", 2) + static_cast<char>(k)),
      Value(f[13].type, std::string("\x01\x02", 2) + static_cast<char>(k)),
  };
}

ManifestWriterOptions TestOptions(std::vector<Field> partition_fields, ManifestContent content = ManifestContent::kData) {
  ManifestWriterOptions o;
  o.table_schema = Schema({{1, "id", DataType::Int64(), true}, {2, "name", DataType::String(), false}}, 4);
  json spec = json::array();
  for (const Field& f : partition_fields)
    spec.push_back({{"name", f.name}, {"transform", "identity"}, {"source-id", 1}, {"field-id", f.id}});
  o.partition_spec_json = spec.dump();
  o.partition_spec_id = 2;
  o.partition_fields = std::move(partition_fields);
  o.content = content;
  o.snapshot_id = 77;
  return o;
}

DataFile SampleFile(int k, std::vector<Value> partition) {
  DataFile f;
  f.file_path = fmt::format("s3://bucket/t/data/{}.parquet", k);
  f.partition = std::move(partition);
  f.record_count = 10 + k;
  f.file_size_in_bytes = 1000 + k;
  f.column_sizes = {{1, 11}, {2, 22}};
  f.value_counts = {{1, 10}, {2, 10}};
  f.null_value_counts = {{1, 0}, {2, 3}};
  f.nan_value_counts = {{3, 1}};
  f.lower_bounds = {{1, Value(DataType::Int64(), int64_t{k}).ToIcebergBytes()}};
  f.upper_bounds = {{1, Value(DataType::Int64(), int64_t{k + 9}).ToIcebergBytes()}};
  f.split_offsets = {4, 1004};
  f.sort_order_id = 0;
  return f;
}

TEST(Manifest, RoundTripsEveryPartitionTypeAndAllFields) {
  testing::TempDir dir;
  const std::string path = dir.file("m0.avro");
  auto w = ManifestWriter::Open(path, TestOptions(AllTypePartitionFields()));
  ASSERT_TRUE(w.ok()) << w.status().message();
  std::vector<ManifestEntry> entries;
  for (int k = 0; k < 3; ++k) {
    ManifestEntry e;
    e.status = k == 2 ? EntryStatus::kExisting : EntryStatus::kAdded;
    if (k == 2) {
      e.snapshot_id = 5;
      e.sequence_number = 3;
      e.file_sequence_number = 3;
    }
    e.data_file = SampleFile(k, PartitionValues(k + 1));
    entries.push_back(e);
  }
  // One entry with every partition value null.
  ManifestEntry nulls;
  for (const Field& f : AllTypePartitionFields()) nulls.data_file.partition.push_back(Value::Null(f.type));
  nulls.data_file.file_path = "s3://bucket/t/data/nulls.parquet";
  nulls.data_file.record_count = 1;
  nulls.status = EntryStatus::kDeleted;
  nulls.snapshot_id = 6;
  nulls.sequence_number = 1;
  entries.push_back(nulls);
  for (const auto& e : entries) ASSERT_TRUE((*w)->Add(e).ok());
  auto mf = (*w)->Close();
  ASSERT_TRUE(mf.ok()) << mf.status().message();

  EXPECT_EQ(mf->manifest_path, path);
  EXPECT_EQ(mf->manifest_length, static_cast<int64_t>(fs::file_size(path)));
  EXPECT_EQ(mf->partition_spec_id, 2);
  EXPECT_EQ(mf->added_snapshot_id, 77);
  EXPECT_EQ(mf->added_files_count, 2);
  EXPECT_EQ(mf->existing_files_count, 1);
  EXPECT_EQ(mf->deleted_files_count, 1);
  EXPECT_EQ(mf->added_rows_count, 10 + 11);
  EXPECT_EQ(mf->existing_rows_count, 12);
  EXPECT_EQ(mf->deleted_rows_count, 1);
  EXPECT_EQ(mf->sequence_number, kUnassignedSequenceNumber);
  EXPECT_EQ(mf->min_sequence_number, 3);  // the EXISTING entry; the DELETED one does not count
  ASSERT_EQ(mf->partitions.size(), AllTypePartitionFields().size());
  EXPECT_TRUE(mf->partitions[1].contains_null);
  EXPECT_EQ(*mf->partitions[1].lower_bound, Value(DataType::Int32(), int32_t{-3}).ToIcebergBytes());
  EXPECT_EQ(*mf->partitions[1].upper_bound, Value(DataType::Int32(), int32_t{-1}).ToIcebergBytes());
  EXPECT_EQ(mf->partitions[4].contains_nan, false);

  // Read back with the partition types given, and with types derived from the file.
  for (bool give_types : {true, false}) {
    auto read = ReadManifest(path, give_types ? AllTypePartitionFields() : std::vector<Field>{});
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->metadata.partition_spec_id, 2);
    EXPECT_EQ(read->metadata.schema_id, 4);
    EXPECT_EQ(read->metadata.format_version, 2);
    EXPECT_EQ(read->metadata.content, ManifestContent::kData);
    EXPECT_EQ(json::parse(read->metadata.partition_spec_json).size(), AllTypePartitionFields().size());
    EXPECT_EQ(json::parse(read->metadata.schema_json)["fields"].size(), 2u);
    ASSERT_EQ(read->partition_fields.size(), AllTypePartitionFields().size());
    for (size_t i = 0; i < read->partition_fields.size(); ++i) {
      EXPECT_EQ(read->partition_fields[i].id, AllTypePartitionFields()[i].id);
      EXPECT_TRUE(read->partition_fields[i].type == AllTypePartitionFields()[i].type)
          << read->partition_fields[i].type.ToString();
    }
    ASSERT_EQ(read->entries.size(), entries.size());
    for (size_t k = 0; k < entries.size(); ++k) {
      const ManifestEntry& a = entries[k];
      const ManifestEntry& b = read->entries[k];
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(a.snapshot_id, b.snapshot_id);
      EXPECT_EQ(a.sequence_number, b.sequence_number);
      EXPECT_EQ(a.file_sequence_number, b.file_sequence_number);
      const DataFile& x = a.data_file;
      const DataFile& y = b.data_file;
      EXPECT_EQ(x.file_path, y.file_path);
      EXPECT_EQ(y.file_format, "PARQUET");
      EXPECT_EQ(x.record_count, y.record_count);
      EXPECT_EQ(x.file_size_in_bytes, y.file_size_in_bytes);
      EXPECT_EQ(x.column_sizes, y.column_sizes);
      EXPECT_EQ(x.value_counts, y.value_counts);
      EXPECT_EQ(x.null_value_counts, y.null_value_counts);
      EXPECT_EQ(x.nan_value_counts, y.nan_value_counts);
      EXPECT_EQ(x.lower_bounds, y.lower_bounds);
      EXPECT_EQ(x.upper_bounds, y.upper_bounds);
      EXPECT_EQ(x.split_offsets, y.split_offsets);
      EXPECT_EQ(x.sort_order_id, y.sort_order_id);
      ASSERT_EQ(x.partition.size(), y.partition.size());
      for (size_t i = 0; i < x.partition.size(); ++i) {
        EXPECT_TRUE(x.partition[i].type() == y.partition[i].type()) << i;
        EXPECT_EQ(x.partition[i].Compare(y.partition[i]), 0)
            << "entry " << k << " field " << i << ": " << x.partition[i].ToString() << " vs " << y.partition[i].ToString();
      }
    }
  }
}

// Collects (name -> id) for every field-id / element-id / key-id / value-id in a schema.
void CollectIds(const json& j, const std::string& prefix, std::map<std::string, int>* out) {
  if (j.is_array()) {
    for (const auto& b : j) CollectIds(b, prefix, out);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("element-id")) (*out)[prefix + ".element"] = j["element-id"].get<int>();
  if (j.contains("fields")) {
    for (const auto& f : j["fields"]) {
      std::string name = f["name"].get<std::string>();
      if (f.contains("field-id")) (*out)[name == "key" || name == "value" ? prefix + "." + name : name] = f["field-id"].get<int>();
      CollectIds(f["type"], name == "key" || name == "value" ? prefix : name, out);
    }
  }
  if (j.contains("items")) CollectIds(j["items"], prefix, out);
}

TEST(Manifest, WriterSchemaCarriesEveryFieldIdOfTheSpec) {
  testing::TempDir dir;
  const std::string path = dir.file("m.avro");
  std::vector<Field> pf = {{1000, "id_bucket", DataType::Int32()}};
  auto w = ManifestWriter::Open(path, TestOptions(pf));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto file = avro::ReadContainerFile(path);
  ASSERT_TRUE(file.ok());
  std::map<std::string, int> ids;
  CollectIds(json::parse(file->metadata["avro.schema"]), "", &ids);
  // Table spec v2, "Manifests": manifest_entry and data_file field ids.
  const std::map<std::string, int> expected = {
      {"status", 0}, {"snapshot_id", 1}, {"sequence_number", 3}, {"file_sequence_number", 4}, {"data_file", 2},
      {"content", 134}, {"file_path", 100}, {"file_format", 101}, {"partition", 102}, {"id_bucket", 1000},
      {"record_count", 103}, {"file_size_in_bytes", 104},
      {"column_sizes", 108}, {"column_sizes.key", 117}, {"column_sizes.value", 118},
      {"value_counts", 109}, {"value_counts.key", 119}, {"value_counts.value", 120},
      {"null_value_counts", 110}, {"null_value_counts.key", 121}, {"null_value_counts.value", 122},
      {"nan_value_counts", 137}, {"nan_value_counts.key", 138}, {"nan_value_counts.value", 139},
      {"lower_bounds", 125}, {"lower_bounds.key", 126}, {"lower_bounds.value", 127},
      {"upper_bounds", 128}, {"upper_bounds.key", 129}, {"upper_bounds.value", 130},
      {"key_metadata", 131}, {"split_offsets", 132}, {"split_offsets.element", 133},
      {"equality_ids", 135}, {"equality_ids.element", 136}, {"sort_order_id", 140},
      {"referenced_data_file", 143},
  };
  EXPECT_EQ(ids, expected);
  // The key/value metadata the spec requires for v2 manifests.
  for (const char* key : {"schema", "schema-id", "partition-spec", "partition-spec-id", "format-version", "content"})
    EXPECT_TRUE(file->metadata.count(key)) << key;
  EXPECT_EQ(file->metadata["format-version"], "2");
  EXPECT_EQ(file->metadata["avro.codec"], "deflate");

  // The manifest list schema.
  const std::string list = dir.file("snap.avro");
  ASSERT_TRUE(WriteManifestList(list, 1, std::nullopt, 1, {}).ok());
  auto lf = avro::ReadContainerFile(list);
  ASSERT_TRUE(lf.ok());
  ids.clear();
  CollectIds(json::parse(lf->metadata["avro.schema"]), "", &ids);
  const std::map<std::string, int> expected_list = {
      {"manifest_path", 500}, {"manifest_length", 501}, {"partition_spec_id", 502}, {"content", 517},
      {"sequence_number", 515}, {"min_sequence_number", 516}, {"added_snapshot_id", 503},
      {"added_files_count", 504}, {"existing_files_count", 505}, {"deleted_files_count", 506},
      {"added_rows_count", 512}, {"existing_rows_count", 513}, {"deleted_rows_count", 514},
      {"partitions", 507}, {"partitions.element", 508}, {"contains_null", 509}, {"contains_nan", 518},
      {"lower_bound", 510}, {"upper_bound", 511}, {"key_metadata", 519},
  };
  EXPECT_EQ(ids, expected_list);
  EXPECT_EQ(lf->metadata["snapshot-id"], "1");
  EXPECT_EQ(lf->metadata["parent-snapshot-id"], "null");
  EXPECT_EQ(lf->metadata["sequence-number"], "1");
  EXPECT_EQ(lf->metadata["format-version"], "2");
}

TEST(ManifestList, RoundTripAssignsTheCommitSequenceNumber) {
  testing::TempDir dir;
  std::vector<Field> pf = {{1000, "p", DataType::String()}};
  auto w = ManifestWriter::Open(dir.file("d.avro"), TestOptions(pf, ManifestContent::kDeletes));
  ASSERT_TRUE(w.ok());
  ManifestEntry e;
  e.data_file = SampleFile(1, {Value(DataType::String(), std::string("x"))});
  EXPECT_FALSE((*w)->Add(e).ok());  // a data file does not go into a delete manifest
  e.data_file.content = FileContent::kEqualityDeletes;
  EXPECT_FALSE((*w)->Add(e).ok());  // equality deletes need equality_ids
  e.data_file.equality_ids = {1, 2};
  ASSERT_TRUE((*w)->Add(e).ok());
  auto added = (*w)->Close();
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->content, ManifestContent::kDeletes);

  ManifestFile existing = *added;
  existing.manifest_path = "s3://bucket/t/metadata/old.avro";
  existing.sequence_number = 4;
  existing.min_sequence_number = 2;
  existing.added_snapshot_id = 66;
  existing.key_metadata = std::string("\0k", 2);
  existing.partitions[0].contains_nan = std::nullopt;

  const std::string list = dir.file("snap-1.avro");
  ASSERT_TRUE(WriteManifestList(list, 77, 66, 9, {*added, existing}).ok());
  EXPECT_EQ(WriteManifestList(list, 77, 66, 9, {}).code(), ErrorCode::kAlreadyExists);
  auto read = ReadManifestList(list);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->size(), 2u);
  const ManifestFile& a = (*read)[0];
  EXPECT_EQ(a.manifest_path, added->manifest_path);
  EXPECT_EQ(a.manifest_length, added->manifest_length);
  EXPECT_EQ(a.content, ManifestContent::kDeletes);
  EXPECT_EQ(a.sequence_number, 9);
  EXPECT_EQ(a.min_sequence_number, 9);
  EXPECT_EQ(a.added_snapshot_id, 77);
  EXPECT_EQ(a.added_files_count, 1);
  EXPECT_EQ(a.added_rows_count, 11);
  ASSERT_EQ(a.partitions.size(), 1u);
  EXPECT_EQ(a.partitions[0].lower_bound, "x");
  EXPECT_EQ(a.partitions[0].contains_nan, false);
  const ManifestFile& b = (*read)[1];
  EXPECT_EQ(b.sequence_number, 4);
  EXPECT_EQ(b.min_sequence_number, 2);
  EXPECT_EQ(b.added_snapshot_id, 66);
  EXPECT_EQ(b.key_metadata, std::string("\0k", 2));
  EXPECT_FALSE(b.partitions[0].contains_nan.has_value());

  auto m = ReadManifest(added->manifest_path, pf);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metadata.content, ManifestContent::kDeletes);
  EXPECT_EQ(m->entries[0].data_file.equality_ids, (std::vector<int>{1, 2}));
  EXPECT_FALSE(m->entries[0].sequence_number.has_value());  // left for the reader to inherit
}

TEST(Manifest, RejectsInconsistentOptionsAndEntries) {
  testing::TempDir dir;
  ManifestWriterOptions o = TestOptions({{1000, "p", DataType::Int32()}});
  o.partition_spec_json = "[]";  // one partition type, no spec field
  EXPECT_EQ(ManifestWriter::Open(dir.file("a.avro"), o).status().code(), ErrorCode::kInvalidArgument);
  o = TestOptions({{1000, "p", DataType::Int32()}});
  o.format_version = 1;
  EXPECT_EQ(ManifestWriter::Open(dir.file("a.avro"), o).status().code(), ErrorCode::kUnsupported);
  auto w = ManifestWriter::Open(dir.file("a.avro"), TestOptions({{1000, "p", DataType::Int32()}}));
  ASSERT_TRUE(w.ok());
  ManifestEntry e;
  e.data_file = SampleFile(1, {});
  EXPECT_FALSE((*w)->Add(e).ok());  // wrong arity
  e.data_file.partition = {Value(DataType::Int64(), int64_t{1})};
  EXPECT_FALSE((*w)->Add(e).ok());  // wrong type
  e.data_file.partition = {Value::Null(DataType::Int32())};
  EXPECT_TRUE((*w)->Add(e).ok());
}

TEST(Manifest, DecodesUuidPartitionValuesWrittenAsText) {
  auto v = DatumToValue(avro::Datum::String("f79c3e09-677c-4bbd-a479-3f349cb785e7"), DataType::Uuid());
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->get<std::string>(), std::string("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16));
  EXPECT_FALSE(DatumToValue(avro::Datum::String("f79c3e09-677c"), DataType::Uuid()).ok());
  EXPECT_FALSE(DatumToValue(avro::Datum::Fixed("short"), DataType::Uuid()).ok());
}

TEST(Manifest, NeverOverwritesAnExistingFile) {
  testing::TempDir dir;
  const std::string path = dir.file("m.avro");
  testing::WriteFile(path, "keep");
  auto w = ManifestWriter::Open(path, TestOptions({}));
  ASSERT_TRUE(w.ok());
  auto r = (*w)->Close();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(testing::ReadFile(path), "keep");
}

TEST(Manifest, CorruptFilesGiveErrorsNamingTheFile) {
  testing::TempDir dir;
  const std::string good = dir.file("good.avro");
  auto w = ManifestWriter::Open(good, TestOptions({{1000, "p", DataType::Int32()}}));
  ASSERT_TRUE(w.ok());
  ManifestEntry e;
  e.data_file = SampleFile(1, {Value(DataType::Int32(), int32_t{5})});
  ASSERT_TRUE((*w)->Add(e).ok());
  ASSERT_TRUE((*w)->Close().ok());
  const std::string bytes = testing::ReadFile(good);
  for (size_t cut : {size_t{0}, size_t{3}, bytes.size() / 3, bytes.size() - 1}) {
    const std::string bad = dir.file(fmt::format("bad{}.avro", cut));
    testing::WriteFile(bad, bytes.substr(0, cut));
    auto m = ReadManifest(bad);
    ASSERT_FALSE(m.ok()) << cut;
    EXPECT_NE(m.status().message().find(bad), std::string::npos) << m.status().message();
    auto l = ReadManifestList(bad);
    ASSERT_FALSE(l.ok());
    EXPECT_NE(l.status().message().find(bad), std::string::npos) << l.status().message();
  }
  // A manifest is not a manifest list and vice versa.
  auto as_list = ReadManifestList(good);
  ASSERT_FALSE(as_list.ok());
  EXPECT_NE(as_list.status().message().find(good), std::string::npos);
  auto missing = ReadManifest(dir.file("nope.avro"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

// ---- Real files written by Iceberg Java, Spark, PyIceberg and Athena ----

std::string FixturesDir() {
  std::string shared = testing::SharedDir();
  if (shared.empty() || !fs::exists(shared + "/iceberg-fixtures")) return "";
  return shared + "/iceberg-fixtures";
}

bool IsManifestList(const std::string& path) {
  auto file = avro::ReadContainerFile(path);
  return file.ok() && file->writer_schema->FieldIndexById(500) >= 0;
}

size_t CountLines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(ManifestFixtures, EveryManifestAndManifestListReads) {
  const std::string root = FixturesDir();
  if (root.empty()) GTEST_SKIP() << "../shared/iceberg-fixtures absent";
  int lists = 0, manifests = 0, entries = 0;
  for (const auto& table : fs::directory_iterator(root)) {
    if (!fs::exists(table.path() / "metadata")) continue;
    for (const auto& f : fs::directory_iterator(table.path() / "metadata")) {
      if (f.path().extension() != ".avro") continue;
      const std::string path = f.path().string();
      if (IsManifestList(path)) {
        auto l = ReadManifestList(path);
        ASSERT_TRUE(l.ok()) << l.status().message();
        EXPECT_FALSE(l->empty()) << path;
        for (const ManifestFile& m : *l) {
          EXPECT_GE(m.added_files_count, 0) << path;  // all fixtures are v2: counts present
          EXPECT_GE(m.sequence_number, m.min_sequence_number) << path;
        }
        ++lists;
      } else {
        auto m = ReadManifest(path);
        ASSERT_TRUE(m.ok()) << m.status().message();
        EXPECT_EQ(m->metadata.format_version, 2) << path;
        EXPECT_TRUE(m->metadata.partition_spec_id.has_value()) << path;
        for (const ManifestEntry& e : m->entries) {
          EXPECT_FALSE(e.data_file.file_path.empty());
          EXPECT_EQ(e.data_file.partition.size(), m->partition_fields.size());
          EXPECT_EQ(e.data_file.content == FileContent::kData, m->metadata.content == ManifestContent::kData) << path;
          if (e.data_file.content == FileContent::kEqualityDeletes) {
            EXPECT_FALSE(e.data_file.equality_ids.empty());
          }
        }
        entries += static_cast<int>(m->entries.size());
        ++manifests;
      }
    }
  }
  EXPECT_GE(lists, 20);
  EXPECT_GE(manifests, 30);
  std::cout << "read " << lists << " manifest lists, " << manifests << " manifests, " << entries << " entries\n";
}

// ParseManifest/ParseManifestList (the fuzz targets' entry points) read bytes in memory as
// ReadManifest/ReadManifestList read the file, and name the given source in errors.
TEST(ManifestFixtures, ParsingBytesMatchesReadingTheFile) {
  const std::string root = FixturesDir();
  if (root.empty()) GTEST_SKIP() << "../shared/iceberg-fixtures absent";
  int files = 0;
  for (const auto& table : fs::directory_iterator(root)) {
    if (!fs::exists(table.path() / "metadata")) continue;
    for (const auto& f : fs::directory_iterator(table.path() / "metadata")) {
      if (f.path().extension() != ".avro") continue;
      const std::string path = f.path().string();
      const std::string bytes = testing::ReadFile(path);
      if (IsManifestList(path)) {
        auto read = ReadManifestList(path);
        auto parsed = ParseManifestList(bytes, "in memory");
        ASSERT_TRUE(read.ok() && parsed.ok()) << path;
        ASSERT_EQ(parsed->size(), read->size()) << path;
        for (size_t i = 0; i < read->size(); ++i) EXPECT_EQ((*parsed)[i].manifest_path, (*read)[i].manifest_path);
        Status bad = ParseManifestList(bytes.substr(0, bytes.size() / 2), "half.avro").status();
        EXPECT_NE(bad.message().find("manifest list half.avro"), std::string::npos) << bad.message();
      } else {
        auto read = ReadManifest(path);
        auto parsed = ParseManifest(bytes, "in memory");
        ASSERT_TRUE(read.ok() && parsed.ok()) << path;
        ASSERT_EQ(parsed->entries.size(), read->entries.size()) << path;
        for (size_t i = 0; i < read->entries.size(); ++i) {
          EXPECT_EQ(parsed->entries[i].data_file.file_path, read->entries[i].data_file.file_path);
          EXPECT_EQ(parsed->entries[i].data_file.record_count, read->entries[i].data_file.record_count);
        }
        Status bad = ParseManifest(bytes.substr(0, bytes.size() / 2), "half.avro").status();
        EXPECT_NE(bad.message().find("manifest half.avro"), std::string::npos) << bad.message();
      }
      ++files;
    }
  }
  EXPECT_GE(files, 50);
}

// For every snapshot without delete files, the live entries' record counts add up to the
// number of expected rows; manifest-list counts agree with the manifests' entries.
TEST(ManifestFixtures, RecordCountsMatchExpectedRows) {
  const std::string root = FixturesDir();
  if (root.empty()) GTEST_SKIP() << "../shared/iceberg-fixtures absent";
  int checked_snapshots = 0, checked_counts = 0;
  for (const auto& table : fs::directory_iterator(root)) {
    const fs::path meta = table.path() / "metadata";
    if (!fs::exists(meta)) continue;
    std::map<std::string, std::string> snapshot_lists;  // snapshot id text -> manifest list file name
    std::set<std::string> current_ids;
    for (const auto& f : fs::directory_iterator(meta)) {
      if (f.path().extension() != ".json") continue;
      json md = json::parse(testing::ReadFile(f.path().string()));
      if (md.contains("current-snapshot-id")) current_ids.insert(md["current-snapshot-id"].dump());
      for (const auto& s : md.value("snapshots", json::array())) {
        std::string list = s["manifest-list"].get<std::string>();
        snapshot_lists[s["snapshot-id"].dump()] = list.substr(list.rfind('/') + 1);
      }
    }
    for (const auto& [id, list_name] : snapshot_lists) {
      const fs::path list_path = meta / list_name;
      fs::path expected = table.path() / "expected" / ("snapshot-" + id + ".jsonl");
      // Single-snapshot tables only have current.jsonl; a table has one current snapshot
      // across its metadata files only if they agree, so require exactly one.
      if (!fs::exists(expected) && current_ids.size() == 1 && current_ids.count(id))
        expected = table.path() / "expected" / "current.jsonl";
      if (!fs::exists(list_path)) continue;
      auto list = ReadManifestList(list_path.string());
      ASSERT_TRUE(list.ok()) << list.status().message();
      bool has_deletes = false;
      int64_t live_records = 0;
      for (const ManifestFile& mf : *list) {
        const std::string local = (meta / mf.manifest_path.substr(mf.manifest_path.rfind('/') + 1)).string();
        auto m = ReadManifest(local);
        ASSERT_TRUE(m.ok()) << m.status().message();
        int64_t added = 0, existing = 0, deleted = 0, added_rows = 0;
        for (const ManifestEntry& e : m->entries) {
          if (e.status == EntryStatus::kAdded) {
            ++added;
            added_rows += e.data_file.record_count;
          }
          if (e.status == EntryStatus::kExisting) ++existing;
          if (e.status == EntryStatus::kDeleted) {
            ++deleted;
            continue;
          }
          if (e.data_file.content != FileContent::kData) {
            has_deletes = true;
          } else {
            live_records += e.data_file.record_count;
          }
          // Inheritance: a null sequence number only on ADDED entries of this snapshot's manifest.
          if (!e.sequence_number) {
            EXPECT_EQ(e.status, EntryStatus::kAdded) << local;
          }
        }
        EXPECT_EQ(mf.added_files_count, added) << local;
        EXPECT_EQ(mf.existing_files_count, existing) << local;
        EXPECT_EQ(mf.deleted_files_count, deleted) << local;
        EXPECT_EQ(mf.added_rows_count, added_rows) << local;
        EXPECT_EQ(mf.partitions.size(), m->partition_fields.size()) << local;
        ++checked_counts;
      }
      if (has_deletes || !fs::exists(expected)) continue;
      EXPECT_EQ(static_cast<size_t>(live_records), CountLines(expected.string())) << table.path() << " snapshot " << id;
      ++checked_snapshots;
    }
  }
  EXPECT_GE(checked_snapshots, 10);
  std::cout << "row counts checked for " << checked_snapshots << " snapshots, list counts for " << checked_counts
            << " manifests\n";
}

TEST(ManifestFixtures, PartitionValuesDecodeByType) {
  const std::string root = FixturesDir();
  if (root.empty()) GTEST_SKIP() << "../shared/iceberg-fixtures absent";
  // Each broken partition table's expected rows carry the partition value; the manifest
  // must decode it to the same type. Check the decoded types and a few exact values.
  struct Case { const char* table; TypeId type; };
  for (const Case& c : {Case{"duckdb-iceberg-partition_decimal_hugeint", TypeId::kDecimal},
                        Case{"duckdb-iceberg-partition_fixed_length_binary", TypeId::kFixed},
                        Case{"duckdb-iceberg-partition_binary", TypeId::kBinary},
                        Case{"duckdb-iceberg-partition_time", TypeId::kTime},
                        Case{"duckdb-iceberg-partition_timestamp", TypeId::kTimestamp},
                        Case{"duckdb-iceberg-partition_timestamptz", TypeId::kTimestampTz}}) {
    const fs::path meta = fs::path(root) / c.table / "metadata";
    if (!fs::exists(meta)) continue;
    int seen = 0;
    for (const auto& f : fs::directory_iterator(meta)) {
      if (f.path().extension() != ".avro" || IsManifestList(f.path().string())) continue;
      auto m = ReadManifest(f.path().string());
      ASSERT_TRUE(m.ok()) << m.status().message();
      ASSERT_EQ(m->partition_fields.size(), 1u) << c.table;
      EXPECT_EQ(m->partition_fields[0].type.id(), c.type) << c.table << ": " << m->partition_fields[0].type.ToString();
      for (const ManifestEntry& e : m->entries) {
        const Value& v = e.data_file.partition[0];
        if (!v.is_null()) {
          EXPECT_TRUE(v.type() == m->partition_fields[0].type);
        }
        std::cout << c.table << ": " << v.ToString() << "\n";
        ++seen;
      }
    }
    EXPECT_GT(seen, 0) << c.table;
  }
}

}  // namespace
}  // namespace icesync::iceberg

namespace icesync::iceberg {
namespace {

// Damaged copies of real manifests and manifest lists (bytes flipped, files cut short)
// must be rejected or read, never crash; cut-short files must be rejected naming the file.
// (Run under ASan to check memory safety as well.)
TEST(ManifestFixtures, DamagedFilesAreRejectedCleanly) {
  const std::string root = FixturesDir();
  if (root.empty()) GTEST_SKIP() << "../shared/iceberg-fixtures absent";
  testing::TempDir dir;
  uint64_t rng = 88172645463325252ull;
  auto next = [&]() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  int files = 0, rejected = 0;
  for (const char* table : {"icebird-java-bunnies", "duckdb-iceberg-partition_decimal_hugeint",
                            "duckdb-iceberg-equality_deletes-mytable_partitioned"}) {
    const fs::path meta = fs::path(root) / table / "metadata";
    if (!fs::exists(meta)) continue;
    for (const auto& f : fs::directory_iterator(meta)) {
      if (f.path().extension() != ".avro") continue;
      const std::string good = testing::ReadFile(f.path().string());
      const bool is_list = IsManifestList(f.path().string());
      for (int round = 0; round < 40; ++round) {
        std::string bad = good;
        const bool truncate = round % 4 == 0;
        if (truncate) {
          bad.resize(next() % bad.size());
        } else {
          for (int flips = 0; flips < 1 + round % 3; ++flips) bad[next() % bad.size()] ^= static_cast<char>(1 + next() % 255);
        }
        const std::string path = dir.file(fmt::format("bad-{}-{}.avro", files, round));
        testing::WriteFile(path, bad);
        Status st = is_list ? ReadManifestList(path).status() : ReadManifest(path).status();
        if (!st.ok()) {
          ++rejected;
          EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
        } else {
          EXPECT_FALSE(truncate) << "a truncated file read without error: " << path;
        }
      }
      ++files;
    }
  }
  EXPECT_GT(files, 5);
  std::cout << files << " files x 40 damaged copies, " << rejected << " rejected\n";
}

}  // namespace
}  // namespace icesync::iceberg
