// Independent check: icebird's own Avro reader (npm, tests/js/read_avro_icebird.mjs) reads
// the manifests and manifest lists we write. icebird cannot read Avro fixed types, so
// partition types stored as fixed (decimal, uuid, fixed) are covered by our own reader and
// the spec-exact schema test instead.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iceberg/manifest.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

using nlohmann::json;

std::string Hex(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

json ReadWithIcebird(const std::string& path) {
  auto r = testing::RunNode("read_avro_icebird.mjs", testing::ShellQuote(path));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

TEST(ManifestIcebird, ReadsOurManifestAndManifestList) {
  testing::TempDir dir;
  std::vector<Field> pf = {{1000, "region", DataType::String()}, {1001, "day", DataType::Date()},
                           {1002, "bucket", DataType::Int32()}, {1003, "big", DataType::Int64()},
                           {1004, "flag", DataType::Boolean()}, {1005, "ratio", DataType::Float64()}};
  ManifestWriterOptions o;
  o.table_schema = Schema({{1, "id", DataType::Int64(), true}}, 0);
  o.partition_spec_json = R"([{"name":"region","transform":"identity","source-id":1,"field-id":1000}])";
  o.partition_spec_id = 0;
  o.partition_fields = pf;
  o.snapshot_id = 1234567890123;
  const std::string manifest = dir.file("m0.avro");
  auto w = ManifestWriter::Open(manifest, o);
  ASSERT_TRUE(w.ok());
  for (int k = 0; k < 3; ++k) {
    ManifestEntry e;
    e.data_file.file_path = "data/f" + std::to_string(k) + ".parquet";
    e.data_file.partition = {k == 2 ? Value::Null(DataType::String()) : Value(DataType::String(), std::string("eu-") + std::to_string(k)),
                             Value(DataType::Date(), int32_t{19000 + k}), Value(DataType::Int32(), int32_t{k}),
                             Value(DataType::Int64(), (int64_t{1} << 53) + 1 + k), Value(DataType::Boolean(), k == 1),
                             Value(DataType::Float64(), 0.25 * k)};
    e.data_file.record_count = 100 + k;
    e.data_file.file_size_in_bytes = 5000 + k;
    e.data_file.column_sizes = {{1, 77}};
    e.data_file.lower_bounds = {{1, std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8)}};
    e.data_file.split_offsets = {4};
    ASSERT_TRUE((*w)->Add(e).ok());
  }
  auto mf = (*w)->Close();
  ASSERT_TRUE(mf.ok());
  const std::string list = dir.file("snap.avro");
  ASSERT_TRUE(WriteManifestList(list, o.snapshot_id, std::nullopt, 1, {*mf}).ok());

  json m = ReadWithIcebird(manifest);
  ASSERT_FALSE(m.is_discarded());
  EXPECT_EQ(m["metadata"]["format-version"], "2");
  EXPECT_EQ(m["metadata"]["partition-spec-id"], "0");
  EXPECT_EQ(m["metadata"]["content"], "data");
  EXPECT_EQ(json::parse(m["metadata"]["schema"].get<std::string>())["fields"][0]["name"], "id");
  ASSERT_EQ(m["records"].size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const json& r = m["records"][k];
    EXPECT_EQ(r["status"], 1);
    EXPECT_TRUE(r["snapshot_id"].is_null());
    EXPECT_TRUE(r["sequence_number"].is_null());
    const json& df = r["data_file"];
    EXPECT_EQ(df["content"], 0);
    EXPECT_EQ(df["file_path"], "data/f" + std::to_string(k) + ".parquet");
    EXPECT_EQ(df["file_format"], "PARQUET");
    EXPECT_EQ(df["record_count"], std::to_string(100 + k));
    EXPECT_EQ(df["file_size_in_bytes"], std::to_string(5000 + k));
    const json& p = df["partition"];
    if (k == 2) {
      EXPECT_TRUE(p["region"].is_null());
    } else {
      EXPECT_EQ(p["region"], "eu-" + std::to_string(k));
    }
    EXPECT_EQ(p["day"], fmt::format("2022-01-{:02d}T00:00:00.000Z", 8 + k));  // day 19000 = 2022-01-08
    EXPECT_EQ(p["bucket"], k);
    EXPECT_EQ(p["big"], std::to_string((int64_t{1} << 53) + 1 + k));
    EXPECT_EQ(p["flag"], k == 1);
    EXPECT_EQ(p["ratio"], 0.25 * k);
    EXPECT_EQ(df["column_sizes"], json::parse(R"([{"key":1,"value":"77"}])"));
    EXPECT_EQ(df["lower_bounds"][0]["value"], "0100000000000000");
    EXPECT_EQ(df["split_offsets"], json::parse(R"(["4"])"));
    EXPECT_TRUE(df["equality_ids"].is_null());
  }

  json l = ReadWithIcebird(list);
  ASSERT_FALSE(l.is_discarded());
  EXPECT_EQ(l["metadata"]["snapshot-id"], std::to_string(o.snapshot_id));
  EXPECT_EQ(l["metadata"]["sequence-number"], "1");
  ASSERT_EQ(l["records"].size(), 1u);
  const json& e = l["records"][0];
  EXPECT_EQ(e["manifest_path"], manifest);
  EXPECT_EQ(e["manifest_length"], std::to_string(mf->manifest_length));
  EXPECT_EQ(e["content"], 0);
  EXPECT_EQ(e["sequence_number"], "1");
  EXPECT_EQ(e["min_sequence_number"], "1");
  EXPECT_EQ(e["added_snapshot_id"], std::to_string(o.snapshot_id));
  EXPECT_EQ(e["added_files_count"], 3);
  EXPECT_EQ(e["added_rows_count"], "303");
  EXPECT_EQ(e["existing_files_count"], 0);
  ASSERT_EQ(e["partitions"].size(), pf.size());
  EXPECT_EQ(e["partitions"][0]["contains_null"], true);
  EXPECT_EQ(e["partitions"][0]["lower_bound"], Hex("eu-0"));
  EXPECT_EQ(e["partitions"][0]["upper_bound"], Hex("eu-1"));
  EXPECT_EQ(e["partitions"][2]["lower_bound"], "00000000");
  EXPECT_EQ(e["partitions"][2]["upper_bound"], "02000000");
  EXPECT_EQ(e["partitions"][5]["contains_nan"], false);
}

}  // namespace
}  // namespace icesync::iceberg
