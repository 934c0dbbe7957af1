// Delete-file matching (sequence numbers, partitions) and row-level delete application.
#include <gtest/gtest.h>

#include "iceberg/column_fill.h"
#include "iceberg/delete_file_index.h"
#include "iceberg/delete_filter.h"

namespace icesync::iceberg {
namespace {

ScanFile File(FileContent content, int64_t seq, int spec_id = 0, std::vector<Value> partition = {}) {
  ScanFile f;
  f.file.file_path = fmt::format("s3a://bucket/t/data/f-{}.parquet", seq);
  f.file.content = content;
  f.data_sequence_number = seq;
  f.spec_id = spec_id;
  f.spec_unpartitioned = partition.empty();
  f.file.partition = std::move(partition);
  return f;
}

Value Long(int64_t v) { return Value(DataType::Int64(), v); }

TEST(DeleteFileIndexTest, PositionDeletesApplyUpToTheirOwnSequenceNumber) {
  const ScanFile del = File(FileContent::kPositionDeletes, 3);
  EXPECT_TRUE(DeleteAppliesTo(del, File(FileContent::kData, 2)));
  EXPECT_TRUE(DeleteAppliesTo(del, File(FileContent::kData, 3)));
  EXPECT_FALSE(DeleteAppliesTo(del, File(FileContent::kData, 4)));
}

TEST(DeleteFileIndexTest, EqualityDeletesApplyOnlyToStrictlyOlderData) {
  const ScanFile del = File(FileContent::kEqualityDeletes, 3);
  EXPECT_TRUE(DeleteAppliesTo(del, File(FileContent::kData, 2)));
  EXPECT_FALSE(DeleteAppliesTo(del, File(FileContent::kData, 3)));
  EXPECT_FALSE(DeleteAppliesTo(del, File(FileContent::kData, 4)));
}

TEST(DeleteFileIndexTest, PartitionedDeletesStayInTheirPartition) {
  const ScanFile del = File(FileContent::kEqualityDeletes, 2, 0, {Long(0)});
  EXPECT_TRUE(DeleteAppliesTo(del, File(FileContent::kData, 1, 0, {Long(0)})));
  EXPECT_FALSE(DeleteAppliesTo(del, File(FileContent::kData, 1, 0, {Long(1)})));
  EXPECT_FALSE(DeleteAppliesTo(del, File(FileContent::kData, 1, 1, {Long(0)})));  // other spec
  EXPECT_TRUE(DeleteAppliesTo(File(FileContent::kEqualityDeletes, 2, 0, {Value::Null(DataType::Int64())}),
                              File(FileContent::kData, 1, 0, {Value::Null(DataType::Int64())})));
  // An unpartitioned delete applies to every partition of every spec.
  const ScanFile global = File(FileContent::kEqualityDeletes, 2, 5);
  EXPECT_TRUE(DeleteAppliesTo(global, File(FileContent::kData, 1, 0, {Long(7)})));
}

TEST(DeleteFileIndexTest, OrdersPositionDeletesFirst) {
  DeleteFileIndex index({File(FileContent::kEqualityDeletes, 5), File(FileContent::kPositionDeletes, 4),
                         File(FileContent::kEqualityDeletes, 2), File(FileContent::kPositionDeletes, 1)});
  std::vector<ScanFile> got = index.ForDataFile(File(FileContent::kData, 1));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].content(), FileContent::kPositionDeletes);
  EXPECT_EQ(got[0].data_sequence_number, 1);
  EXPECT_EQ(got[1].data_sequence_number, 4);
  EXPECT_EQ(got[2].content(), FileContent::kEqualityDeletes);
  EXPECT_EQ(got[2].data_sequence_number, 2);
  EXPECT_EQ(index.ForDataFile(File(FileContent::kData, 5)).size(), 0u);
}

TEST(DeleteFilterTest, PositionDeletesMatchTheExactPathString) {
  PositionDeletes deletes;
  deletes.Add("s3a://b/t/data/a.parquet", 7);
  deletes.Add("s3a://b/t/data/a.parquet", 2);
  deletes.Add("s3a://b/t/data/a.parquet", 7);
  deletes.Add("data/a.parquet", 3);
  EXPECT_EQ(deletes.PositionsFor("s3a://b/t/data/a.parquet"), (std::vector<int64_t>{2, 7}));
  EXPECT_EQ(deletes.PositionsFor("data/a.parquet"), (std::vector<int64_t>{3}));
  EXPECT_TRUE(deletes.PositionsFor("s3a://b/t/data/a%2Eparquet").empty());

  // A batch covering file rows [5, 10): only position 7 falls inside it.
  std::vector<uint8_t> keep(5, 1);
  ApplyPositionDeletes({2, 7}, 5, keep);
  EXPECT_EQ(keep, (std::vector<uint8_t>{1, 1, 0, 1, 1}));
}

TEST(DeleteFilterTest, EqualityDeletesCompareOnlyTheKeyColumnsWithNullEqualNull) {
  ColumnVector del_id(DataType::Int32()), del_name(DataType::String());
  del_id.Append<int32_t>(3);
  del_name.AppendBytes("c");
  del_id.AppendNull();
  del_name.AppendBytes("z");
  EqualityDeletes deletes({1, 2});
  deletes.AddRows({&del_id, &del_name});
  EXPECT_EQ(deletes.size(), 2u);

  ColumnVector id(DataType::Int32()), name(DataType::String());
  for (auto [i, n] : std::vector<std::pair<int, const char*>>{{3, "c"}, {3, "d"}, {4, "c"}}) {
    id.Append<int32_t>(i);
    name.AppendBytes(n);
  }
  id.AppendNull();
  name.AppendBytes("z");
  std::vector<uint8_t> keep(4, 1);
  deletes.Apply({&id, &name}, keep);
  EXPECT_EQ(keep, (std::vector<uint8_t>{0, 1, 1, 0}));
}

TEST(DeleteFilterTest, EqualityKeysTreatNegativeZeroAsZero) {
  ColumnVector a(DataType::Float64()), b(DataType::Float64());
  a.Append(0.0);
  b.Append(-0.0);
  EXPECT_EQ(EqualityKey({&a}, 0), EqualityKey({&b}, 0));
}

TEST(ColumnFillTest, SelectRowsKeepsMarkedRowsOfEveryType) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {1, "id", DataType::Int64(), true}, {2, "name", DataType::String()}, {3, "d", DataType::Decimal(20, 2)}});
  RecordBatch batch(schema);
  for (int i = 0; i < 4; ++i) {
    batch.column(0).Append<int64_t>(i);
    if (i == 2) {
      batch.column(1).AppendNull();
    } else {
      batch.column(1).AppendBytes(fmt::format("n{}", i));
    }
    batch.column(2).Append<Int128>(Int128(i) * 100);
  }
  RecordBatch out = SelectRows(batch, {0, 1, 1, 0});
  ASSERT_TRUE(out.Validate().ok());
  ASSERT_EQ(out.num_rows(), 2);
  EXPECT_EQ(out.column(0).Value<int64_t>(0), 1);
  EXPECT_EQ(out.column(1).GetBytes(0), "n1");
  EXPECT_TRUE(out.column(1).IsNull(1));
  EXPECT_TRUE(out.column(2).Value<Int128>(1) == 200);
}

TEST(ColumnFillTest, ConstantColumnRepeatsTheValueOrNull) {
  auto col = ConstantColumn(DataType::Fixed(3), Value(DataType::Fixed(3), std::string("abc")), 3);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ASSERT_EQ(col->size(), 3);
  EXPECT_EQ(col->GetBytes(2), "abc");
  auto nulls = ConstantColumn(DataType::Int32(), Value::Null(DataType::Int32()), 2);
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(nulls->null_count(), 2);
  EXPECT_FALSE(ConstantColumn(DataType::Fixed(4), Value(DataType::Fixed(4), std::string("abc")), 1).ok());
}

}  // namespace
}  // namespace icesync::iceberg
