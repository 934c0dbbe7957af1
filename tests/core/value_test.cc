#include "core/value.h"

#include <gtest/gtest.h>

#include "core/predicate.h"

namespace icesync {
namespace {

TEST(Value, IcebergBytesRoundTrip) {
  std::vector<Value> values = {
      Value(DataType::Int32(), int32_t{-7}), Value(DataType::Int64(), int64_t{1} << 40),
      Value(DataType::Decimal(38, 0), Int128(-12345)), Value(DataType::String(), std::string("héllo")),
      Value(DataType::Float64(), -0.5), Value(DataType::Date(), int32_t{19000}), Value(DataType::Boolean(), true)};
  for (const Value& v : values) {
    auto back = Value::FromIcebergBytes(v.type(), v.ToIcebergBytes());
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->Compare(v), 0) << v.ToString();
  }
  EXPECT_EQ(Value(DataType::Int32(), int32_t{1}).ToIcebergBytes(), std::string("\1\0\0\0", 4));
  EXPECT_FALSE(Value::FromIcebergBytes(DataType::Int32(), "abc").ok());
}

TEST(Value, StringBoundsTruncateByCodePoint) {
  std::string s = "abcdefghijklmnop\xF0\x9F\x90\x87xyz";  // 16 ASCII + emoji + 3
  EXPECT_EQ(TruncateLowerBound(DataType::String(), s), "abcdefghijklmnop");
  EXPECT_EQ(*TruncateUpperBound(DataType::String(), s), "abcdefghijklmnoq");
  EXPECT_EQ(*TruncateUpperBound(DataType::String(), "short"), "short");
  std::string b(20, '\xff');
  EXPECT_FALSE(TruncateUpperBound(DataType::Binary(), b).has_value());
}

TEST(Predicate, PrunesByBounds) {
  auto v = [](int64_t x) { return Value(DataType::Int64(), x); };
  Predicate eq{Predicate::Op::kEq, 1, v(5), {}};
  EXPECT_TRUE(eq.MightMatch(v(1), v(10), 0, 10));
  EXPECT_FALSE(eq.MightMatch(v(6), v(10), 0, 10));
  Predicate lt{Predicate::Op::kLt, 1, v(6), {}};
  EXPECT_FALSE(lt.MightMatch(v(6), v(10), 0, 10));
  Predicate isnull{Predicate::Op::kIsNull, 1, {}, {}};
  EXPECT_FALSE(isnull.MightMatch(v(6), v(10), 0, 10));
  EXPECT_TRUE(isnull.MightMatch(Value(), Value(), -1, -1));
}

}  // namespace
}  // namespace icesync
