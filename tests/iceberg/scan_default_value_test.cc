// initial-default values in Iceberg's JSON single-value form (the forms PyIceberg writes).
#include <gtest/gtest.h>

#include "core/canonical_json.h"
#include "iceberg/column_fill.h"
#include "iceberg/single_value_json.h"

namespace icesync::iceberg {
namespace {

// The canonical JSON text a default reads as, via a one-row column.
std::string Canonical(const DataType& type, const std::string& json_text) {
  Field f{7, "c", type};
  f.initial_default = json_text;
  Result<Value> v = InitialDefaultValue(f);
  if (!v.ok()) return "error: " + v.status().message();
  Result<ColumnVector> col = ConstantColumn(type, *v, 1);
  if (!col.ok()) return "error: " + col.status().message();
  std::string out;
  AppendCanonicalValue(out, *col, 0);
  return out;
}

TEST(SingleValueJsonTest, ParsesEveryPrimitiveDefaultExactly) {
  EXPECT_EQ(Canonical(DataType::Boolean(), "true"), "true");
  EXPECT_EQ(Canonical(DataType::Int32(), "342342"), "342342");
  EXPECT_EQ(Canonical(DataType::Int64(), "-9223372036854775808"), "\"-9223372036854775808\"");
  EXPECT_EQ(Canonical(DataType::Float32(), "0.34234"), "0.34233999252319336");
  EXPECT_EQ(Canonical(DataType::Float64(), "0.342343242342342"), "0.342343242342342");
  EXPECT_EQ(Canonical(DataType::Decimal(16, 2), "\"12345.00\""), "\"12345.00\"");
  EXPECT_EQ(Canonical(DataType::Date(), "\"2003-10-20\""), "\"2003-10-20\"");
  EXPECT_EQ(Canonical(DataType::Time(), "\"00:00:00.012345\""), "\"00:00:00.012345\"");
  EXPECT_EQ(Canonical(DataType::Timestamp(), "\"1970-01-01T00:00:00.012345\""), "\"1970-01-01T00:00:00.012345\"");
  EXPECT_EQ(Canonical(DataType::TimestampTz(), "\"1970-01-01T00:00:00.012345+00:00\""),
            "\"1970-01-01T00:00:00.012345+00:00\"");
  EXPECT_EQ(Canonical(DataType::String(), "\"HELLO\""), "\"HELLO\"");
  EXPECT_EQ(Canonical(DataType::Uuid(), "\"F79C3E09-677C-4BBD-A479-3F349CB785E7\""),
            "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"");
  EXPECT_EQ(Canonical(DataType::Fixed(5), "\"010203ff03\""), "\"010203ff03\"");
  EXPECT_EQ(Canonical(DataType::Binary(), "\"0102\""), "\"0102\"");
  EXPECT_EQ(Canonical(DataType::Int32(), ""), "null");
}

TEST(SingleValueJsonTest, RejectsValuesOfTheWrongShape) {
  EXPECT_EQ(Canonical(DataType::Int32(), "\"1\"").rfind("error: ", 0), 0u);
  EXPECT_EQ(Canonical(DataType::Int32(), "4294967296").rfind("error: ", 0), 0u);
  EXPECT_EQ(Canonical(DataType::Int64(), "9223372036854775808").rfind("error: ", 0), 0u);
  EXPECT_EQ(Canonical(DataType::Fixed(5), "\"0102\"").rfind("error: ", 0), 0u);
  EXPECT_EQ(Canonical(DataType::Binary(), "\"0g\"").rfind("error: ", 0), 0u);
  EXPECT_NE(Canonical(DataType::Int32(), "{").find("initial-default"), std::string::npos);
}

}  // namespace
}  // namespace icesync::iceberg
