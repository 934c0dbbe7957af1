#include "core/decimal.h"

#include <gtest/gtest.h>

namespace icesync {
namespace {

TEST(Decimal, FormatsWithExactScale) {
  EXPECT_EQ(DecimalToString(-500, 2), "-5.00");
  EXPECT_EQ(DecimalToString(5, 3), "0.005");
  EXPECT_EQ(DecimalToString(-5, 3), "-0.005");
  EXPECT_EQ(DecimalToString(123, 0), "123");
  EXPECT_EQ(DecimalToString(MaxUnscaled(38), 0), std::string(38, '9'));
  EXPECT_EQ(DecimalToString(-MaxUnscaled(38), 0), "-" + std::string(38, '9'));
}

TEST(Decimal, ParsesAndRejects) {
  EXPECT_EQ(*ParseDecimal("12.3", 10, 2), 1230);
  EXPECT_EQ(*ParseDecimal("-0.05", 10, 2), -5);
  EXPECT_EQ(*ParseDecimal("7", 10, 2), 700);
  EXPECT_EQ(*ParseDecimal("1.230", 10, 2), 123);  // trailing zero beyond scale is exact
  EXPECT_FALSE(ParseDecimal("1.234", 10, 2).ok());
  EXPECT_FALSE(ParseDecimal("123456789", 4, 0).ok());
  EXPECT_FALSE(ParseDecimal("abc", 4, 0).ok());
  EXPECT_EQ(*ParseDecimal(std::string(38, '9'), 38, 0), MaxUnscaled(38));
}

TEST(Decimal, BigEndianRoundTrip) {
  for (Int128 v : {Int128(0), Int128(1), Int128(-1), Int128(127), Int128(128), Int128(-129), MaxUnscaled(38), -MaxUnscaled(38)}) {
    uint8_t buf[16];
    DecimalToBigEndian(v, 16, buf);
    EXPECT_TRUE(DecimalFromBigEndian(buf, 16) == v);
    std::string min = DecimalToMinimalBytes(v);
    EXPECT_TRUE(DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(min.data()), static_cast<int>(min.size())) == v);
  }
  EXPECT_EQ(DecimalToMinimalBytes(127).size(), 1u);
  EXPECT_EQ(DecimalToMinimalBytes(128).size(), 2u);
  EXPECT_EQ(DecimalToMinimalBytes(-128).size(), 1u);
  EXPECT_EQ(DecimalByteWidth(9), 4);
  EXPECT_EQ(DecimalByteWidth(18), 8);
  EXPECT_EQ(DecimalByteWidth(38), 16);
  EXPECT_EQ(DecimalByteWidth(10), 5);
}

}  // namespace
}  // namespace icesync
