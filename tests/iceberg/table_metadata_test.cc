// Table metadata: v2 round trip, and reading every metadata file of the shared fixtures
// (written by Spark, Iceberg Java, PyIceberg, Athena and by hand).
#include <gtest/gtest.h>

#include <filesystem>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/table_metadata.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

namespace fs = std::filesystem;
using icesync::testing::ReadFile;
using icesync::testing::SharedDir;
using icesync::testing::TempDir;
using icesync::testing::WriteFile;

Schema NestedSchema() {
  return Schema({Field{1, "id", DataType::Int64(), true},
                 Field{2, "ts", DataType::TimestampTz(), false},
                 Field{3, "tags", DataType::List(Field{5, "element", DataType::String(), false}), false},
                 Field{4, "attrs", DataType::Map(Field{6, "key", DataType::String(), true},
                                                 Field{7, "value", DataType::Decimal(10, 2), false}), false},
                 Field{8, "point", DataType::Struct({Field{9, "x", DataType::Float64(), true},
                                                     Field{10, "y", DataType::Float64(), true}}), false}},
                0, {1});
}

TEST(TableMetadata, NewTableHasEveryRequiredV2Field) {
  auto spec = ParsePartitionSpec("day(ts), bucket(8, id)", NestedSchema());
  ASSERT_TRUE(spec.ok());
  TableMetadata m = TableMetadata::NewTable(NestedSchema(), *spec, "/wh/db/t", {{"owner", "icesync"}});
  nlohmann::json j = TableMetadataToJson(m);
  for (const char* key : {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
                          "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
                          "last-partition-id", "sort-orders", "default-sort-order-id", "properties",
                          "current-snapshot-id", "snapshots", "snapshot-log", "metadata-log", "refs"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["format-version"], 2);
  EXPECT_EQ(j["last-column-id"], 10);
  EXPECT_EQ(j["last-partition-id"], 1001);
  EXPECT_EQ(j["current-snapshot-id"], -1);
  EXPECT_EQ(j["table-uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(j["table-uuid"].get<std::string>()[14], '4');
}

TEST(TableMetadata, RoundTripWithSnapshotsAndLargeIds) {
  TableMetadata m = TableMetadata::NewTable(NestedSchema(), PartitionSpec::Unpartitioned(), "/wh/db/t", {});
  Snapshot s1;
  s1.snapshot_id = 42;
  s1.sequence_number = 1;
  s1.timestamp_ms = 1000;
  s1.manifest_list = "/wh/db/t/metadata/snap-42.avro";
  s1.summary = {{"operation", "append"}, {"added-data-files", "1"}, {"icesync.watermark", "{\"lsn\":\"0x1\"}"}};
  s1.schema_id = 0;
  Snapshot s2 = s1;
  s2.snapshot_id = static_cast<SnapshotId>(9876543210123456789ULL);
  s2.parent_snapshot_id = 42;
  s2.sequence_number = 2;
  s2.timestamp_ms = 2000;
  m.snapshots = {s1, s2};
  m.current_snapshot_id = s2.snapshot_id;
  m.last_sequence_number = 2;
  m.snapshot_log = {{1000, 42}, {2000, s2.snapshot_id}};
  m.metadata_log = {{900, "/wh/db/t/metadata/v1.metadata.json"}};
  m.refs["main"] = SnapshotRef{s2.snapshot_id};
  std::string text = SerializeTableMetadata(m);
  EXPECT_NE(text.find("9876543210123456789"), std::string::npos);
  auto back = TableMetadataFromJson(nlohmann::json::parse(text), "test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(SerializeTableMetadata(*back), text);
  EXPECT_EQ(back->CurrentSnapshot()->parent_snapshot_id, 42);
  EXPECT_EQ(SnapshotIdToString(*back->current_snapshot_id), "9876543210123456789");
  EXPECT_EQ(back->schemas[0].fields()[3].type.children()[1].type.precision(), 10);
  EXPECT_EQ(back->SnapshotAsOf(1500)->snapshot_id, 42);
  EXPECT_EQ(back->SnapshotAsOf(999), nullptr);
  EXPECT_EQ(back->CurrentSnapshot()->summary.at("icesync.watermark"), "{\"lsn\":\"0x1\"}");
}

TEST(TableMetadata, CorruptJsonNamesTheFile) {
  TempDir dir;
  WriteFile(dir.file("v1.metadata.json"), "{\"format-version\": 2, \"location\": ");
  auto r = ReadTableMetadata(dir.file("v1.metadata.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.status().message().find(dir.file("v1.metadata.json")), std::string::npos) << r.status().message();
  WriteFile(dir.file("v2.metadata.json"), "{\"format-version\": 2}");
  r = ReadTableMetadata(dir.file("v2.metadata.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("v2.metadata.json"), std::string::npos);
  r = ReadTableMetadata(dir.file("missing.metadata.json"));
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

// Found by fuzz/table_metadata_fuzz.cc: a float where an integer belongs (1.66667e+73 as
// last-updated-ms was converted to int64, undefined behaviour) or an integer beyond the field's
// range was taken silently. Each is corrupt metadata, named with the value.
TEST(TableMetadata, NonIntegerOrOutOfRangeNumbersAreCorrupt) {
  const std::string good = R"({"format-version":1,"table-uuid":"d20125c8-7284-442c-9aea-15fee620737c",
    "location":"s3://b/t","last-updated-ms":1602638573874,"last-column-id":1,
    "schema":{"type":"struct","fields":[{"id":1,"name":"x","required":true,"type":"long"}]},
    "partition-spec":[{"name":"x","transform":"identity","source-id":1,"field-id":1000}],
    "properties":{},"current-snapshot-id":-1,"snapshots":[]})";
  ASSERT_TRUE(TableMetadataFromJson(nlohmann::json::parse(good), "good").ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"last-updated-ms\":1602638573874", "\"last-updated-ms\":1.66667e73"},
      {"\"last-column-id\":1", "\"last-column-id\":1.5"},
      {"\"format-version\":1", "\"format-version\":1.0"},
      {"{\"id\":1,", "{\"id\":2.5e300,"},
      {"\"source-id\":1", "\"source-id\":4294967297"},
      {"\"field-id\":1000", "\"field-id\":-1e19"},
      {"\"properties\":{}", "\"last-sequence-number\":3.5e75,\"properties\":{}"},
  };
  for (const auto& [from, to] : cases) {
    SCOPED_TRACE(to);
    std::string text = good;
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), to);
    auto m = TableMetadataFromJson(nlohmann::json::parse(text), "v9.metadata.json");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), ErrorCode::kCorrupt);
    EXPECT_NE(m.status().message().find("v9.metadata.json"), std::string::npos) << m.status().message();
    EXPECT_NE(m.status().message().find(to.substr(to.find(':') + 1, 3)), std::string::npos) << m.status().message();
  }
  // Type parameters beyond int's range (std::stoi threw, ending the process; the fuzzer's
  // input had decimal(1111...116, 2)).
  for (const char* type : {"decimal(11111111111111111111111111111111111111116, 2)", "decimal(10, 99999999999)",
                           "fixed[99999999999]", "fixed[0]"}) {
    SCOPED_TRACE(type);
    std::string text = good;
    text.replace(text.find("\"long\""), 6, std::string("\"") + type + "\"");
    auto m = TableMetadataFromJson(nlohmann::json::parse(text), "v9.metadata.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.status().message().find(type), std::string::npos) << m.status().message();
  }
}

TEST(TableMetadata, ReadsV1) {
  const char* v1 = R"({"format-version":1,"table-uuid":"d20125c8-7284-442c-9aea-15fee620737c","location":"s3://b/t",
    "last-updated-ms":1602638573874,"last-column-id":3,
    "schema":{"type":"struct","fields":[{"id":1,"name":"x","required":true,"type":"long"},
      {"id":2,"name":"y","required":true,"type":"long"},{"id":3,"name":"z","required":true,"type":"long"}]},
    "partition-spec":[{"name":"x","transform":"identity","source-id":1,"field-id":1000}],
    "properties":{},"current-snapshot-id":-1,"snapshots":[]})";
  auto m = TableMetadataFromJson(nlohmann::json::parse(v1), "v1 test");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format_version, 1);
  EXPECT_FALSE(m->current_snapshot_id.has_value());
  EXPECT_EQ(m->last_partition_id, 1000);
  EXPECT_EQ(m->DefaultSpec()->fields().size(), 1u);
  EXPECT_EQ(m->CurrentSchema()->num_fields(), 3u);
}

// Every metadata file of every fixture parses, and writing it back loses nothing that the
// original held (the JSON is equal after normalising what v2 makes explicit).
TEST(TableMetadata, ReadsEveryFixtureMetadataFile) {
  std::string shared = SharedDir();
  if (shared.empty() || !fs::is_directory(shared + "/iceberg-fixtures")) GTEST_SKIP() << "no ../shared/iceberg-fixtures";
  int files = 0;
  for (const auto& table : fs::directory_iterator(shared + "/iceberg-fixtures")) {
    if (!fs::is_directory(table.path() / "metadata")) continue;
    for (const auto& f : fs::directory_iterator(table.path() / "metadata")) {
      std::string name = f.path().filename().string();
      if (!name.ends_with(".metadata.json")) continue;
      ++files;
      auto m = ReadTableMetadata(f.path().string());
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      EXPECT_EQ(m->format_version, 2) << f.path();
      nlohmann::json original = nlohmann::json::parse(ReadFile(f.path().string()));
      nlohmann::json written = TableMetadataToJson(*m);
      // Everything the original states survives (values compared as JSON).
      for (const auto& [key, value] : original.items()) {
        if (key == "current-snapshot-id" && value.is_null()) continue;
        if (key == "schemas" || key == "snapshots") continue;  // compared below
        EXPECT_EQ(written[key], value) << f.path() << " key " << key;
      }
      ASSERT_EQ(written["snapshots"].size(), original.value("snapshots", nlohmann::json::array()).size());
      for (size_t i = 0; i < written["snapshots"].size(); ++i) {
        EXPECT_EQ(written["snapshots"][i], original["snapshots"][i]) << f.path();
      }
      // Normalised: Java spells decimals "decimal(10, 2)"; v3 write-default is not kept (core::Field
      // has no slot for it, and icesync never writes to such tables' new rows by default).
      auto normalise = [](std::string text) {
        std::string out;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] == ' ' && i > 0 && text[i - 1] == ',') continue;
          out += text[i];
        }
        return out;
      };
      for (size_t i = 0; i < original["schemas"].size(); ++i) {
        for (size_t k = 0; k < original["schemas"][i]["fields"].size(); ++k) {
          nlohmann::json o = original["schemas"][i]["fields"][k];
          o.erase("write-default");
          EXPECT_EQ(normalise(written["schemas"][i]["fields"][k].dump()), normalise(o.dump())) << f.path();
        }
      }
      auto again = TableMetadataFromJson(written, "rewritten");
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_EQ(SerializeTableMetadata(*again), SerializeTableMetadata(*m));
    }
  }
  EXPECT_GE(files, 30);
}

// Which metadata file is current, for each way the fixtures name them (FIXTURES.md).
TEST(TableMetadata, LoadsEachFixtureAtItsCurrentVersion) {
  std::string shared = SharedDir();
  if (shared.empty() || !fs::is_directory(shared + "/iceberg-fixtures")) GTEST_SKIP() << "no ../shared/iceberg-fixtures";
  const std::string root = shared + "/iceberg-fixtures/";
  struct Case { const char* table; const char* file; };
  for (Case c : {Case{"icebird-spark-bunnies", "v5.metadata.json"},
                 Case{"duckdb-iceberg-uuid", "00001-43fda1f4-1c96-4376-ad16-91beb71d0759.metadata.json"},
                 Case{"icebird-athena-example", "00001-"},
                 Case{"duckdb-iceberg-add_columns_with_defaults", "00003-3f1801a5"},
                 Case{"duckdb-iceberg-equality_delete_cross_partition", "vfinal.metadata.json"},
                 Case{"duckdb-iceberg-equality_deletes-mytable", "v7.metadata.json"}}) {
    auto t = LoadTableDir(root + c.table);
    ASSERT_TRUE(t.ok()) << c.table << ": " << t.status().ToString();
    EXPECT_TRUE(fs::path(t->metadata_path).filename().string().starts_with(c.file)) << t->metadata_path;
    EXPECT_TRUE(t->metadata.CurrentSnapshot() != nullptr) << c.table;
  }
  auto cross = LoadTableArgument("", root + "duckdb-iceberg-equality_delete_cross_partition/metadata/vfinal.metadata.json");
  ASSERT_TRUE(cross.ok());
  EXPECT_EQ(SnapshotIdToString(*cross->metadata.current_snapshot_id), "9876543210123456789");
  EXPECT_EQ(fs::path(cross->table_dir).filename(), "duckdb-iceberg-equality_delete_cross_partition");
  auto mapper = cross->FileMapper(true);
  auto local = mapper.ToLocal(cross->metadata.location + "/data/x=1/a%3A.parquet");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(*local, cross->table_dir + "/data/x=1/a%3A.parquet");
  EXPECT_FALSE(cross->FileMapper(false).ToLocal(cross->metadata.location + "/data/a.parquet").ok());
}

}  // namespace
}  // namespace icesync::iceberg
