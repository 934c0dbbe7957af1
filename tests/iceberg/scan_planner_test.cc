// Snapshot selection (id, time travel through the snapshot log), entry inheritance and
// file pruning by identity partition values and column bounds.
#include <gtest/gtest.h>

#include "iceberg/scan_planner.h"

namespace icesync::iceberg {
namespace {

TableMetadata ThreeSnapshots() {
  TableMetadata m;
  m.location = "s3a://bucket/t";
  m.schemas = {Schema({{1, "id", DataType::Int64(), true}}, 0),
               Schema({{1, "id", DataType::Int64(), true}, {2, "name", DataType::String()}}, 1)};
  m.current_schema_id = 1;
  for (int i = 0; i < 3; ++i) {
    Snapshot s;
    s.snapshot_id = 100 + i;
    if (i > 0) s.parent_snapshot_id = 100 + i - 1;
    s.sequence_number = i + 1;
    s.timestamp_ms = 1000 * (i + 1);
    s.schema_id = i == 0 ? 0 : 1;
    m.snapshots.push_back(s);
    m.snapshot_log.push_back({s.timestamp_ms, s.snapshot_id});
  }
  m.current_snapshot_id = 102;
  return m;
}

TEST(SelectSnapshotTest, CurrentByIdAndAsOf) {
  const TableMetadata m = ThreeSnapshots();
  auto current = SelectSnapshot(m, {});
  ASSERT_TRUE(current.ok());
  EXPECT_EQ((*current)->snapshot_id, 102);

  auto by_id = SelectSnapshot(m, ScanOptions{.snapshot_id = 100});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ((*by_id)->snapshot_id, 100);

  for (auto [ms, want] : std::vector<std::pair<int64_t, int64_t>>{{1000, 100}, {1999, 100}, {2000, 101}, {99999, 102}}) {
    auto as_of = SelectSnapshot(m, ScanOptions{.as_of_ms = ms});
    ASSERT_TRUE(as_of.ok()) << ms;
    EXPECT_EQ((*as_of)->snapshot_id, want) << ms;
  }
  auto too_early = SelectSnapshot(m, ScanOptions{.as_of_ms = 999});
  EXPECT_EQ(too_early.status().code(), ErrorCode::kNotFound);
  auto unknown = SelectSnapshot(m, ScanOptions{.snapshot_id = 7});
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("7"), std::string::npos);
  EXPECT_EQ(SelectSnapshot(m, ScanOptions{.snapshot_id = 100, .as_of_ms = 5}).status().code(),
            ErrorCode::kInvalidArgument);

  TableMetadata empty = m;
  empty.current_snapshot_id.reset();
  auto none = SelectSnapshot(empty, {});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
}

TEST(ResolveEntryTest, InheritsNullSequenceNumberAndSnapshotIdFromTheManifestList) {
  ManifestFile manifest;
  manifest.sequence_number = 7;
  manifest.added_snapshot_id = 42;
  manifest.partition_spec_id = 3;
  PartitionSpec spec(3, {PartitionField{5, 1000, "region", Transform::Identity()},
                         PartitionField{1, 1001, "id_bucket", Transform::Bucket(4)}});
  ManifestEntry added;
  added.data_file.file_path = "s3a://bucket/t/data/a.parquet";
  added.data_file.partition = {Value(DataType::String(), std::string("eu")), Value(DataType::Int32(), 2)};
  ScanFile f = ResolveEntry(added, manifest, &spec);
  EXPECT_EQ(f.data_sequence_number, 7);
  EXPECT_EQ(f.snapshot_id, 42);
  EXPECT_EQ(f.spec_id, 3);
  EXPECT_FALSE(f.spec_unpartitioned);
  ASSERT_EQ(f.identity_values.size(), 1u);  // bucket is not an identity field
  EXPECT_EQ(f.identity_values[0].first, 5);
  EXPECT_EQ(f.identity_values[0].second.get<std::string>(), "eu");

  ManifestEntry existing = added;
  existing.status = EntryStatus::kExisting;
  existing.sequence_number = 2;
  existing.snapshot_id = 11;
  ScanFile g = ResolveEntry(existing, manifest, &spec);
  EXPECT_EQ(g.data_sequence_number, 2);
  EXPECT_EQ(g.snapshot_id, 11);

  EXPECT_TRUE(ResolveEntry(added, manifest, nullptr).spec_unpartitioned);
}

Predicate Pred(Predicate::Op op, int field_id, Value lo, Value hi = Value()) {
  return Predicate{op, field_id, std::move(lo), std::move(hi)};
}

TEST(FileMightMatchTest, PrunesOnIdentityPartitionValuesAndBounds) {
  const Schema schema({{1, "id", DataType::Int64(), true}, {2, "region", DataType::String()}});
  ScanFile f;
  f.identity_values = {{2, Value(DataType::String(), std::string("eu"))}};
  f.file.lower_bounds[1] = Value(DataType::Int64(), int64_t{10}).ToIcebergBytes();
  f.file.upper_bounds[1] = Value(DataType::Int64(), int64_t{20}).ToIcebergBytes();
  f.file.value_counts[1] = 5;
  f.file.null_value_counts[1] = 0;
  auto id = [](int64_t v) { return Value(DataType::Int64(), v); };
  auto region = [](const char* v) { return Value(DataType::String(), std::string(v)); };
  using Op = Predicate::Op;

  EXPECT_TRUE(FileMightMatch(f, {}, schema));
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kEq, 1, id(15))}, schema));
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kEq, 1, id(20))}, schema));
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kEq, 1, id(21))}, schema));
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kLt, 1, id(10))}, schema));
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kBetween, 1, id(0), id(10))}, schema));
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kIsNull, 1, Value())}, schema));
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kEq, 2, region("eu"))}, schema));
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kEq, 2, region("us"))}, schema));
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kIsNull, 2, Value())}, schema));
  // A conjunction fails when any part does.
  EXPECT_FALSE(FileMightMatch(f, {Pred(Op::kEq, 1, id(15)), Pred(Op::kEq, 2, region("us"))}, schema));
  // Unknown fields, mistyped operands and missing statistics never prune.
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kEq, 9, id(1))}, schema));
  EXPECT_TRUE(FileMightMatch(f, {Pred(Op::kEq, 1, Value(DataType::Int32(), 99))}, schema));
  ScanFile bare;
  EXPECT_TRUE(FileMightMatch(bare, {Pred(Op::kEq, 1, id(99))}, schema));
  // A null identity partition value: only IS NULL can match.
  ScanFile null_part;
  null_part.identity_values = {{2, Value::Null(DataType::String())}};
  EXPECT_TRUE(FileMightMatch(null_part, {Pred(Op::kIsNull, 2, Value())}, schema));
  EXPECT_FALSE(FileMightMatch(null_part, {Pred(Op::kEq, 2, region("eu"))}, schema));
}

}  // namespace
}  // namespace icesync::iceberg
