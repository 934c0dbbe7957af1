#include "sync/batch_rows.h"

#include <gtest/gtest.h>

#include "core/canonical_json.h"

namespace icesync::sync {
namespace {

TEST(BatchRowsTest, CopiesSelectedRowsOfEveryTypeWithNulls) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {1, "id", DataType::Int64(), true},
      {2, "name", DataType::String(), false},
      {3, "amount", DataType::Decimal(10, 2), false},
      {4, "flag", DataType::Boolean(), false},
      {5, "u", DataType::Uuid(), false},
  });
  RecordBatch src(schema);
  for (int i = 0; i < 5; ++i) {
    src.column(0).Append<int64_t>(i);
    if (i == 1) {
      src.column(1).AppendNull();
      src.column(2).AppendNull();
      src.column(3).AppendNull();
      src.column(4).AppendNull();
    } else {
      src.column(1).AppendBytes("name" + std::to_string(i));
      src.column(2).Append<Int128>(Int128{i * 100 + 5});
      src.column(3).Append<uint8_t>(i % 2);
      src.column(4).AppendBytes(std::string(16, static_cast<char>('a' + i)));
    }
  }
  RecordBatch dst(schema);
  const int64_t first[] = {4, 1};
  const int64_t second[] = {0};
  AppendRows(dst, src, first);
  AppendRows(dst, src, second);
  ASSERT_TRUE(dst.Validate().ok());
  ASSERT_EQ(dst.num_rows(), 3);
  EXPECT_EQ(CanonicalRow(dst, 0), CanonicalRow(src, 4));
  EXPECT_EQ(CanonicalRow(dst, 1), CanonicalRow(src, 1));
  EXPECT_EQ(CanonicalRow(dst, 2), CanonicalRow(src, 0));
  EXPECT_TRUE(dst.column(1).IsNull(1));
  EXPECT_FALSE(dst.column(1).IsNull(2));
}

}  // namespace
}  // namespace icesync::sync
