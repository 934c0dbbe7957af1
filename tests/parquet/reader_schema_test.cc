// Parquet schema trees → icesync Schema: LIST/MAP shapes incl. the legacy rules, repeated
// fields without annotation, field id assignment, types, and max levels per leaf.
#include <gtest/gtest.h>

#include "parquet/file_schema.h"

namespace icesync::parquet {
namespace {

using R = FieldRepetitionType;

SchemaElement Group(std::string name, int children, std::optional<R> rep = R::REQUIRED,
                    std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition_type = rep;
  e.converted_type = converted;
  return e;
}

SchemaElement Leaf(std::string name, Type type, R rep, std::optional<int> field_id = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = rep;
  e.field_id = field_id;
  return e;
}

Result<std::shared_ptr<const FileSchema>> Make(std::vector<SchemaElement> elements) {
  return FileSchema::Make(elements, "test.parquet");
}

TEST(ParquetSchema, ThreeLevelAndLegacyLists) {
  auto fs = Make({
      Group("schema", 3, std::nullopt),
      Group("a", 1, R::OPTIONAL, ConvertedType::LIST),       // 3-level: a.list.element
      Group("list", 1, R::REPEATED),
      Leaf("element", Type::INT32, R::OPTIONAL),
      Group("b", 1, R::REQUIRED, ConvertedType::LIST),       // legacy 2-level: repeated primitive
      Leaf("b_item", Type::INT64, R::REPEATED),
      Group("c", 1, R::OPTIONAL, ConvertedType::LIST),       // repeated group named "array": the element
      Group("array", 1, R::REPEATED),
      Leaf("x", Type::INT32, R::REQUIRED),
  });
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  const Schema& s = *(*fs)->schema();
  ASSERT_EQ(s.num_fields(), 3u);
  EXPECT_EQ(s.field(0).type.id(), TypeId::kList);
  EXPECT_EQ(s.field(0).type.children()[0].type.id(), TypeId::kInt32);
  EXPECT_FALSE(s.field(0).type.children()[0].required);
  EXPECT_EQ(s.field(1).type.children()[0].type.id(), TypeId::kInt64);
  EXPECT_TRUE(s.field(1).type.children()[0].required);
  EXPECT_EQ(s.field(2).type.children()[0].type.id(), TypeId::kStruct);
  const auto& leaves = (*fs)->leaves();
  ASSERT_EQ(leaves.size(), 3u);
  EXPECT_EQ(leaves[0].max_def, 3);
  EXPECT_EQ(leaves[0].max_rep, 1);
  EXPECT_EQ(leaves[1].max_def, 1);
  EXPECT_EQ(leaves[1].max_rep, 1);
  EXPECT_EQ(leaves[2].max_def, 2);
  EXPECT_EQ(leaves[2].dotted_path, "c.array.x");
}

TEST(ParquetSchema, UnannotatedRepeatedFieldsAndMaps) {
  auto fs = Make({
      Group("schema", 3, std::nullopt),
      Leaf("tags", Type::BYTE_ARRAY, R::REPEATED),
      Group("m", 1, R::OPTIONAL, ConvertedType::MAP),
      Group("key_value", 1, R::REPEATED),  // no value field
      Leaf("key", Type::INT32, R::REQUIRED),
      Group("g", 1, R::OPTIONAL),
      Leaf("v", Type::INT32, R::OPTIONAL),
  });
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  const Schema& s = *(*fs)->schema();
  EXPECT_EQ(s.field(0).type.id(), TypeId::kList);
  EXPECT_TRUE(s.field(0).required);  // a repeated field is never null
  EXPECT_EQ(s.field(1).type.id(), TypeId::kMap);
  EXPECT_EQ(s.field(1).type.children()[1].type.id(), TypeId::kString);  // placeholder for the absent value
  EXPECT_EQ(s.field(2).type.id(), TypeId::kStruct);
  EXPECT_EQ((*fs)->leaves()[2].max_def, 2);
  EXPECT_TRUE(s.Validate().ok()) << s.Validate().ToString();
}

TEST(ParquetSchema, FieldIdsAreKeptOrAssignedAfterTheLargest) {
  auto fs = Make({
      Group("schema", 3, std::nullopt),
      Leaf("a", Type::INT32, R::REQUIRED, 7),
      Leaf("b", Type::INT32, R::OPTIONAL),
      Leaf("c", Type::INT32, R::OPTIONAL, 7),  // duplicate: gets a fresh id
  });
  ASSERT_TRUE(fs.ok());
  const Schema& s = *(*fs)->schema();
  EXPECT_EQ(s.field(0).id, 7);
  EXPECT_EQ(s.field(1).id, 8);
  EXPECT_EQ(s.field(2).id, 9);
  EXPECT_TRUE(s.Validate().ok());
}

TEST(ParquetSchema, LogicalTypesMapToCoreTypes) {
  SchemaElement ts = Leaf("ts", Type::INT64, R::OPTIONAL);
  ts.logical_type = LogicalType::Timestamp(true, TimeUnit::NANOS);
  SchemaElement dec = Leaf("dec", Type::FIXED_LEN_BYTE_ARRAY, R::OPTIONAL);
  dec.type_length = 11;
  dec.logical_type = LogicalType::Decimal(25, 2);
  SchemaElement u64 = Leaf("u", Type::INT64, R::OPTIONAL);
  u64.converted_type = ConvertedType::UINT_64;
  SchemaElement legacy_ts = Leaf("lts", Type::INT64, R::OPTIONAL);
  legacy_ts.converted_type = ConvertedType::TIMESTAMP_MILLIS;
  auto fs = Make({Group("schema", 5, std::nullopt), ts, dec, u64, legacy_ts,
                  Leaf("i96", Type::INT96, R::OPTIONAL)});
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  const FileSchema& f = **fs;
  EXPECT_EQ(f.schema()->field(0).type.id(), TypeId::kInt64);
  EXPECT_EQ(f.FormatOf(f.schema()->field(0).id), ValueFormat::kTimestampNanosUtc);
  EXPECT_EQ(f.schema()->field(1).type, DataType::Decimal(25, 2));
  EXPECT_EQ(f.FormatOf(f.schema()->field(2).id), ValueFormat::kUnsigned64);
  EXPECT_EQ(f.schema()->field(3).type.id(), TypeId::kTimestampTz);  // legacy: UTC-adjusted
  EXPECT_EQ(f.leaves()[3].conversion, LeafConversion::kMillisToMicros);
  EXPECT_EQ(f.FormatOf(f.schema()->field(4).id), ValueFormat::kInt96);
}

TEST(ParquetSchema, MalformedTreesAreErrors) {
  // More children declared than elements follow.
  auto a = Make({Group("schema", 3, std::nullopt), Leaf("a", Type::INT32, R::REQUIRED)});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("test.parquet"), std::string::npos);
  // Element with neither type nor children.
  SchemaElement odd;
  odd.name = "odd";
  EXPECT_FALSE(Make({Group("schema", 1, std::nullopt), odd}).ok());
  // Out-of-range physical type.
  EXPECT_FALSE(Make({Group("schema", 1, std::nullopt), Leaf("t", static_cast<Type>(-7), R::REQUIRED)}).ok());
  // LIST whose child is not repeated.
  EXPECT_FALSE(Make({Group("schema", 1, std::nullopt), Group("l", 1, R::OPTIONAL, ConvertedType::LIST),
                     Leaf("e", Type::INT32, R::OPTIONAL)}).ok());
  // Decimal precision beyond 38.
  SchemaElement wide = Leaf("w", Type::FIXED_LEN_BYTE_ARRAY, R::OPTIONAL);
  wide.type_length = 20;
  wide.logical_type = LogicalType::Decimal(45, 0);
  EXPECT_EQ(Make({Group("schema", 1, std::nullopt), wide}).status().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace icesync::parquet
