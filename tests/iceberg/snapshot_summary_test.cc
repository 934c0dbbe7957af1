#include "iceberg/snapshot_summary.h"

#include <gtest/gtest.h>

namespace icesync::iceberg {
namespace {

DataFile File(FileContent content, int64_t records, int64_t bytes, int64_t partition_value) {
  DataFile f;
  f.content = content;
  f.record_count = records;
  f.file_size_in_bytes = bytes;
  f.partition = {Value(DataType::Int64(), partition_value)};
  return f;
}

TEST(SnapshotSummary, CountsAddedAndRemovedFilesOfEveryContentAndContinuesTotals) {
  Snapshot parent;
  parent.summary = {{"total-records", "100"},       {"total-files-size", "1000"},
                    {"total-data-files", "4"},      {"total-delete-files", "2"},
                    {"total-position-deletes", "5"}, {"total-equality-deletes", "3"}};
  SnapshotChangeCounts c;
  c.Add(File(FileContent::kData, 10, 100, 1), 0);
  c.Remove(File(FileContent::kData, 30, 300, 1), 0);
  c.Remove(File(FileContent::kPositionDeletes, 5, 50, 2), 0);
  c.Remove(File(FileContent::kEqualityDeletes, 3, 30, 2), 0);
  auto s = BuildSnapshotSummary("overwrite", c, &parent);
  EXPECT_EQ(s.at("operation"), "overwrite");
  EXPECT_EQ(s.at("added-data-files"), "1");
  EXPECT_EQ(s.at("deleted-data-files"), "1");
  EXPECT_EQ(s.at("removed-delete-files"), "2");
  EXPECT_EQ(s.at("added-records"), "10");
  EXPECT_EQ(s.at("deleted-records"), "30");
  EXPECT_EQ(s.at("removed-position-deletes"), "5");
  EXPECT_EQ(s.at("removed-equality-deletes"), "3");
  EXPECT_EQ(s.at("changed-partition-count"), "2");
  EXPECT_EQ(s.at("total-records"), "80");
  EXPECT_EQ(s.at("total-files-size"), "720");
  EXPECT_EQ(s.at("total-data-files"), "4");
  EXPECT_EQ(s.at("total-delete-files"), "0");
  EXPECT_EQ(s.at("total-position-deletes"), "0");
  EXPECT_EQ(s.at("total-equality-deletes"), "0");
  EXPECT_EQ(s.count("added-delete-files"), 0u);  // zero counts are left out
}

TEST(SnapshotSummary, TotalsTheParentLacksStayUnknown) {
  Snapshot parent;
  parent.summary = {{"total-records", "7"}};
  SnapshotChangeCounts c;
  c.Add(File(FileContent::kData, 3, 30, 1), 0);
  auto s = BuildSnapshotSummary("append", c, &parent);
  EXPECT_EQ(s.at("total-records"), "10");
  EXPECT_EQ(s.count("total-files-size"), 0u);
  auto first = BuildSnapshotSummary("append", c, nullptr);
  EXPECT_EQ(first.at("total-files-size"), "30");
  EXPECT_GT(NewSnapshotId(), 0);
}

}  // namespace
}  // namespace icesync::iceberg
