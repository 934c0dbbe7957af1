// `icesync snapshots` and `icesync describe` run as the real binary.
#include <gtest/gtest.h>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/snapshot_producer.h"
#include "testing/test_util.h"

namespace icesync {
namespace {

using testing::IcesyncBinary;
using testing::RunCommand;
using testing::ShellQuote;
using testing::TempDir;

class IcebergCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    iceberg::FilesystemCatalog catalog(dir_.path().string());
    Schema schema({Field{1, "OrderID", DataType::Int64(), true}, Field{2, "OrderDate", DataType::Timestamp(), false},
                   Field{3, "Tags", DataType::List(Field{4, "element", DataType::String(), false}), false}});
    auto spec = iceberg::ParsePartitionSpec("day(OrderDate)", schema);
    ASSERT_TRUE(spec.ok());
    auto t = catalog.CreateTable({{"sales"}, "orders"}, schema, *spec, {{"owner", "test"}});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    iceberg::DataFile f;
    f.file_path = t->metadata.location + "/data/a.parquet";
    f.record_count = 12;
    f.file_size_in_bytes = 345;
    f.partition = {Value(DataType::Date(), int32_t{19000})};
    auto t1 = iceberg::AppendFiles(t->table_dir, {f}, {{"icesync.watermark", "{\"lsn\":\"0x10\"}"}});
    ASSERT_TRUE(t1.ok()) << t1.status().ToString();
    table_ = *t1;
  }
  std::string Run(const std::string& args, int expected_rc = 0) {
    auto r = RunCommand(ShellQuote(IcesyncBinary()) + " " + args);
    EXPECT_EQ(r.exit_code, expected_rc) << args << "\n" << r.out << r.err;
    return r.out + r.err;
  }
  TempDir dir_;
  iceberg::Table table_;
};

TEST_F(IcebergCommandsTest, Snapshots) {
  const std::string id = iceberg::SnapshotIdToString(*table_.metadata.current_snapshot_id);
  for (const std::string& target : {"--warehouse " + ShellQuote(dir_.path().string()) + " sales.orders",
                                    ShellQuote(table_.table_dir), ShellQuote(table_.metadata_path)}) {
    std::string out = Run("snapshots " + target);
    EXPECT_NE(out.find("* " + id), std::string::npos) << out;
    EXPECT_NE(out.find("append"), std::string::npos) << out;
    EXPECT_NE(out.find("12"), std::string::npos) << out;
  }
  auto json = nlohmann::json::parse(Run("snapshots --format json " + ShellQuote(table_.table_dir)));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["summary"]["icesync.watermark"], "{\"lsn\":\"0x10\"}");
  EXPECT_EQ(json[0]["current"], true);
}

TEST_F(IcebergCommandsTest, Describe) {
  std::string out = Run("describe " + ShellQuote(table_.table_dir));
  for (const char* want : {"1    OrderID: long (required)", "3    Tags: list", "4    element: string",
                           "1000 OrderDate_day = day(OrderDate)", "owner = test", "total-records: 12",
                           "icesync.watermark: {\"lsn\":\"0x10\"}", "Format version: 2"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
  }
  auto json = nlohmann::json::parse(Run("describe --format json " + ShellQuote(table_.table_dir)));
  EXPECT_EQ(json, iceberg::TableMetadataToJson(table_.metadata));
}

TEST_F(IcebergCommandsTest, ErrorsAndHelp) {
  std::string out = Run("describe --warehouse " + ShellQuote(dir_.path().string()) + " sales.missing", 5);
  EXPECT_NE(out.find("sales.missing"), std::string::npos) << out;
  out = Run("snapshots sales.orders", 5);
  EXPECT_NE(out.find("--warehouse"), std::string::npos) << out;
  out = Run("describe --help");
  EXPECT_NE(out.find("Examples"), std::string::npos) << out;
  Run("snapshots", 2);
}

}  // namespace
}  // namespace icesync
