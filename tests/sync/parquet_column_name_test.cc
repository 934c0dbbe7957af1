// Parquet column names as Iceberg's Java writer makes them (AvroSchemaUtil.makeCompatibleName).
#include <gtest/gtest.h>

#include "sync/parquet_file_sink.h"

namespace icesync::sync {
namespace {

TEST(ParquetColumnNameTest, KeepsAvroNamesAndEscapesOthersLikeJava) {
  EXPECT_EQ(ParquetColumnName("order_id"), "order_id");
  EXPECT_EQ(ParquetColumnName("_x"), "_x");
  EXPECT_EQ(ParquetColumnName("a1"), "a1");
  EXPECT_EQ(ParquetColumnName("order id"), "order_x20id");
  EXPECT_EQ(ParquetColumnName("x-y.z"), "x_x2Dy_x2Ez");
  EXPECT_EQ(ParquetColumnName("1st"), "_1st");
  EXPECT_EQ(ParquetColumnName("12"), "_12");
  EXPECT_EQ(ParquetColumnName("Breed Name"), "Breed_x20Name");  // Iceberg's own example
  EXPECT_EQ(ParquetColumnName("na\xc3\xafve"), "na\xc3\xafve");   // letters beyond ASCII stay
  EXPECT_EQ(ParquetColumnName("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");
  EXPECT_EQ(ParquetColumnName("\xf0\x9f\x98\x80"), "_xD83D_xDE00");  // U+1F600: two UTF-16 units
  EXPECT_EQ(ParquetColumnName("$"), "_x24");
}

}  // namespace
}  // namespace icesync::sync
