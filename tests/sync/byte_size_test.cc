#include "sync/byte_size.h"

#include <gtest/gtest.h>

namespace icesync::sync {
namespace {

TEST(ByteSizeTest, ParsesBinaryUnits) {
  EXPECT_EQ(*ParseByteSize("4096"), 4096);
  EXPECT_EQ(*ParseByteSize("128MB"), int64_t{128} << 20);
  EXPECT_EQ(*ParseByteSize("128 MiB"), int64_t{128} << 20);
  EXPECT_EQ(*ParseByteSize("512k"), 512 << 10);
  EXPECT_EQ(*ParseByteSize("1G"), int64_t{1} << 30);
}

TEST(ByteSizeTest, RejectsNonSizes) {
  for (const char* bad : {"", "MB", "12XB", "-5", "0", "1.5G"}) {
    Result<int64_t> r = ParseByteSize(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace icesync::sync
