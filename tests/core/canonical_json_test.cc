#include "core/canonical_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace icesync {
namespace {

std::string D(double v) {
  std::string s;
  AppendJsonDouble(s, v);
  return s;
}

TEST(CanonicalJson, DoublesAsEcmaScript) {
  EXPECT_EQ(D(10.1), "10.1");
  EXPECT_EQ(D(-2), "-2");
  EXPECT_EQ(D(1e-7), "1e-7");
  EXPECT_EQ(D(1.5e300), "1.5e+300");
  EXPECT_EQ(D(1e21), "1e+21");
  EXPECT_EQ(D(1e20), "100000000000000000000");
  EXPECT_EQ(D(0.000001), "0.000001");
  EXPECT_EQ(D(static_cast<double>(0.34234f)), "0.34233999252319336");
  EXPECT_EQ(D(-0.0), "-0");
  EXPECT_EQ(D(std::nan("")), "\"NaN\"");
  EXPECT_EQ(D(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}

TEST(CanonicalJson, RowKeysSortedAndTypesFormatted) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {1, "b", DataType::Int64(), true},
      {2, "a", DataType::String(), false},
      {3, "Z", DataType::Decimal(10, 2), false},
      {4, "u", DataType::Uuid(), false},
  });
  RecordBatch batch(schema);
  batch.column(0).Append<int64_t>(std::numeric_limits<int64_t>::min());
  batch.column(1).AppendBytes("Flopsy \xF0\x9F\x90\x87 \"q\"");
  batch.column(2).Append<Int128>(-500);
  batch.column(3).AppendBytes(std::string("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16));
  batch.column(0).Append<int64_t>(1);
  batch.column(1).AppendNull();
  batch.column(2).AppendNull();
  batch.column(3).AppendNull();
  ASSERT_TRUE(batch.Validate().ok());
  EXPECT_EQ(CanonicalRow(batch, 0),
            "{\"Z\":\"-5.00\",\"a\":\"Flopsy \xF0\x9F\x90\x87 \\\"q\\\"\",\"b\":\"-9223372036854775808\","
            "\"u\":\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"}");
  EXPECT_EQ(CanonicalRow(batch, 1), "{\"Z\":null,\"a\":null,\"b\":\"1\",\"u\":null}");
}

}  // namespace
}  // namespace icesync
