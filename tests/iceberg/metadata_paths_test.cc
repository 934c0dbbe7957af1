// Paths in a table's metadata are not trusted. A real table (exported by the binary) gets a
// snapshot whose manifest names a data file outside the table location, as hand-edited or
// hostile metadata would: an absolute path elsewhere, or the location followed by "../..".
// The file is a valid Parquet file of the table (a copy of one of its own), so only the
// location check stands between it and the reader: `scan` must refuse it naming the file and
// the table, and `maintain` (compaction, expiry, orphan removal) must never delete it.
#include <gtest/gtest.h>

#include <filesystem>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_producer.h"
#include "testing/export_support.h"

namespace icesync::iceberg {
namespace {

namespace fs = std::filesystem;
using sync::testing::CommandResult;
using sync::testing::Icesync;
using sync::testing::ShellQuote;

class MetadataPathsTest : public sync::testing::ExportFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    auto conn = db::Connection::Open(sqlite_url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const char* sql : {"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')"}) {
      ASSERT_TRUE((*conn)->Execute(sql).ok()) << sql;
    }
    CommandResult exported = Export(sqlite_url(), "t", "ns.t");
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    table_dir_ = TableDir("ns.t");
    auto table = LoadTableDir(table_dir_);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    auto plan = PlanScan(*table, {});
    ASSERT_TRUE(plan.ok() && !plan->tasks.empty());
    // A valid data file of this table, copied outside it (beside the warehouse).
    outside_ = dir_.file("other/x.parquet");
    fs::create_directories(dir_.file("other"));
    auto local = table->FileMapper(false).ToLocal(plan->tasks[0].data.path());
    ASSERT_TRUE(local.ok());
    fs::copy_file(*local, outside_);
    // How the metadata names it: absolute, or climbing out of the location.
    named_ = GetParam() == "absolute" ? outside_ : table->metadata.location + "/../../../other/x.parquet";
    DataFile hostile = plan->tasks[0].data.file;
    hostile.file_path = named_;
    auto appended = AppendFiles(table_dir_, {hostile});
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  }
  std::string Scan() const {
    CommandResult r = Icesync("scan --warehouse " + ShellQuote(warehouse()) + " ns.t");
    EXPECT_NE(r.exit_code, 0) << r.out;
    return r.err;
  }

  std::string table_dir_, outside_, named_;
};

TEST_P(MetadataPathsTest, ScanRefusesAFileOutsideTheTable) {
  const std::string err = Scan();
  EXPECT_NE(err.find(named_), std::string::npos) << err;
  EXPECT_NE(err.find("outside the table location"), std::string::npos) << err;
  EXPECT_NE(err.find(table_dir_), std::string::npos) << err;
}

TEST_P(MetadataPathsTest, MaintainNeverDeletesIt) {
  // Compaction would read it (and then drop it from the table); orphan removal would compare
  // against it; after an overwrite removes it, expiry would delete it as unreferenced.
  const std::string maintain = "maintain --warehouse " + ShellQuote(warehouse()) + " ns.t ";
  CommandResult compact = Icesync(maintain + "--compact --min-input-files 2");
  EXPECT_NE(compact.exit_code, 0) << compact.out;
  EXPECT_NE(compact.err.find(named_), std::string::npos) << compact.err;
  CommandResult orphans = Icesync(maintain + "--remove-orphans --older-than 0s");
  EXPECT_NE(orphans.exit_code, 0) << orphans.out;
  EXPECT_TRUE(fs::exists(outside_));

  auto removed = OverwriteFiles(table_dir_, {named_}, {});
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  const int64_t before = *removed->metadata.current_snapshot_id;
  const size_t snapshots = removed->metadata.snapshots.size();
  CommandResult expire = Icesync(maintain + "--expire-snapshots --older-than 0s --retain-last 1");
  EXPECT_NE(expire.exit_code, 0) << expire.out;
  EXPECT_NE(expire.err.find(named_), std::string::npos) << expire.err;
  EXPECT_TRUE(fs::exists(outside_));
  // Refused before its commit: the table is as it was.
  auto after = LoadTableDir(table_dir_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after->metadata.current_snapshot_id, before);
  EXPECT_EQ(after->metadata.snapshots.size(), snapshots);
  // The table itself still reads: the current snapshot no longer holds the file.
  CommandResult scan = Icesync("scan --warehouse " + ShellQuote(warehouse()) + " ns.t");
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(sync::testing::LineCount(scan.out), 2u) << scan.out;
}

INSTANTIATE_TEST_SUITE_P(Paths, MetadataPathsTest, ::testing::Values("absolute", "climbing"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace icesync::iceberg
