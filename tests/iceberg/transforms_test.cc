// Partition transforms against the Iceberg spec's examples (Appendix B hashes, truncate table).
#include <gtest/gtest.h>

#include "core/temporal.h"
#include "iceberg/partition_spec.h"
#include "iceberg/transforms.h"

namespace icesync::iceberg {
namespace {

int32_t Hash(const Value& v) {
  auto h = BucketHash(v);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? *h : 0;
}

std::string UuidBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); ++i) {
    if (hex[i] == '-') continue;
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    ++i;
  }
  return out;
}

TEST(Transforms, SpecHashExamples) {
  EXPECT_EQ(Hash(Value(DataType::Int32(), int32_t{34})), 2017239379);
  EXPECT_EQ(Hash(Value(DataType::Int64(), int64_t{34})), 2017239379);
  EXPECT_EQ(Hash(Value(DataType::Decimal(9, 2), Int128{1420})), -500754589);
  EXPECT_EQ(Hash(Value(DataType::Date(), *ParseDate("2017-11-16"))), -653330422);
  EXPECT_EQ(Hash(Value(DataType::Time(), *ParseTimeMicros("22:31:08"))), -662762989);
  EXPECT_EQ(Hash(Value(DataType::Timestamp(), *ParseTimestampMicros("2017-11-16T22:31:08"))), -2047944441);
  EXPECT_EQ(Hash(Value(DataType::TimestampTz(), *ParseTimestampMicros("2017-11-16T14:31:08-08:00"))), -2047944441);
  EXPECT_EQ(Hash(Value(DataType::String(), std::string("iceberg"))), 1210000089);
  EXPECT_EQ(Hash(Value(DataType::Uuid(), UuidBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7"))), 1488055340);
  EXPECT_EQ(Hash(Value(DataType::Fixed(4), std::string("\x00\x01\x02\x03", 4))), -188683207);
  EXPECT_EQ(Hash(Value(DataType::Binary(), std::string("\x00\x01\x02\x03", 4))), -188683207);
  EXPECT_FALSE(BucketHash(Value(DataType::Float64(), 1.0)).ok());
}

TEST(Transforms, Bucket) {
  // (2017239379 & INT_MAX) % 16 == 3
  auto v = Transform::Bucket(16).Apply(Value(DataType::Int32(), int32_t{34}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->get<int32_t>(), 2017239379 % 16);
  // Negative hash: masked, not abs: (-188683207 & INT_MAX) % 10
  v = Transform::Bucket(10).Apply(Value(DataType::Binary(), std::string("\x00\x01\x02\x03", 4)));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->get<int32_t>(), (-188683207 & 0x7fffffff) % 10);
  EXPECT_TRUE(Transform::Bucket(4).Apply(Value::Null(DataType::Int32()))->is_null());
}

TEST(Transforms, TruncateSpecExamples) {
  auto t10 = Transform::Truncate(10);
  EXPECT_EQ(t10.Apply(Value(DataType::Int32(), int32_t{1}))->get<int32_t>(), 0);
  EXPECT_EQ(t10.Apply(Value(DataType::Int32(), int32_t{-1}))->get<int32_t>(), -10);
  EXPECT_EQ(t10.Apply(Value(DataType::Int64(), int64_t{1}))->get<int64_t>(), 0);
  EXPECT_EQ(t10.Apply(Value(DataType::Int64(), int64_t{-1}))->get<int64_t>(), -10);
  EXPECT_TRUE(Transform::Truncate(50).Apply(Value(DataType::Decimal(9, 2), Int128{1065}))->get<Int128>() == 1050);
  EXPECT_EQ(Transform::Truncate(3).Apply(Value(DataType::String(), std::string("iceberg")))->get<std::string>(), "ice");
  // Code points, not bytes.
  EXPECT_EQ(Transform::Truncate(2).Apply(Value(DataType::String(), std::string("\xC3\xA9t\xC3\xA9")))->get<std::string>(),
            "\xC3\xA9t");
  EXPECT_EQ(Transform::Truncate(2).Apply(Value(DataType::Binary(), std::string("abc")))->get<std::string>(), "ab");
  EXPECT_FALSE(Transform::Truncate(2).ResultType(DataType::Date()).ok());
}

TEST(Transforms, TemporalAndHumanStrings) {
  Value ts(DataType::Timestamp(), *ParseTimestampMicros("2017-11-16T22:31:08"));
  Value before_epoch(DataType::Timestamp(), *ParseTimestampMicros("1969-12-31T23:59:59"));
  Value date(DataType::Date(), *ParseDate("2017-11-16"));
  EXPECT_EQ(Transform::Year().Apply(ts)->get<int32_t>(), 47);
  EXPECT_EQ(Transform::Month().Apply(ts)->get<int32_t>(), 47 * 12 + 10);
  EXPECT_EQ(Transform::Day().Apply(date)->get<int32_t>(), *ParseDate("2017-11-16"));
  EXPECT_EQ(Transform::Day().Apply(before_epoch)->get<int32_t>(), -1);
  EXPECT_EQ(Transform::Hour().Apply(before_epoch)->get<int32_t>(), -1);
  EXPECT_EQ(Transform::Year().HumanString(*Transform::Year().Apply(ts)), "2017");
  EXPECT_EQ(Transform::Month().HumanString(*Transform::Month().Apply(ts)), "2017-11");
  EXPECT_EQ(Transform::Day().HumanString(*Transform::Day().Apply(ts)), "2017-11-16");
  EXPECT_EQ(Transform::Hour().HumanString(*Transform::Hour().Apply(ts)), "2017-11-16-22");
  EXPECT_EQ(Transform::Hour().HumanString(*Transform::Hour().Apply(before_epoch)), "1969-12-31-23");
  EXPECT_EQ(*Transform::Day().ResultType(DataType::TimestampTz()), DataType::Date());
  EXPECT_FALSE(Transform::Hour().ResultType(DataType::Date()).ok());
  EXPECT_TRUE(Transform::Void().Apply(ts)->is_null());
}

TEST(Transforms, ParseAndPrint) {
  for (const char* s : {"identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"}) {
    auto t = Transform::Parse(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_EQ(t->ToString(), s);
  }
  auto unknown = Transform::Parse("zorder");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->kind(), Transform::Kind::kUnknown);
  EXPECT_EQ(unknown->ToString(), "zorder");
  EXPECT_FALSE(Transform::Parse("bucket[x]").ok());
  EXPECT_FALSE(Transform::Parse("bucket[0]").ok());
}

Schema OrdersSchema() {
  return Schema({Field{1, "OrderID", DataType::Int64(), true}, Field{2, "OrderDate", DataType::Timestamp(), false},
                 Field{3, "CustomerID", DataType::Int32(), false}, Field{4, "name", DataType::String(), false},
                 Field{5, "x", DataType::Decimal(10, 2), false}});
}

TEST(PartitionSpecExpr, ParsesEveryTransform) {
  auto spec = ParsePartitionSpec("day(OrderDate), bucket(16, CustomerID), truncate(4, name), identity(x), orderid",
                                 OrdersSchema());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->fields().size(), 5u);
  EXPECT_EQ(spec->fields()[0], (PartitionField{2, 1000, "OrderDate_day", Transform::Day()}));
  EXPECT_EQ(spec->fields()[1], (PartitionField{3, 1001, "CustomerID_bucket", Transform::Bucket(16)}));
  EXPECT_EQ(spec->fields()[2], (PartitionField{4, 1002, "name_trunc", Transform::Truncate(4)}));
  EXPECT_EQ(spec->fields()[3], (PartitionField{5, 1003, "x", Transform::Identity()}));
  EXPECT_EQ(spec->fields()[4], (PartitionField{1, 1004, "OrderID", Transform::Identity()}));
  EXPECT_EQ(spec->last_field_id(), 1004);

  auto type = spec->PartitionType(OrdersSchema());
  ASSERT_TRUE(type.ok());
  EXPECT_EQ((*type)[0].type, DataType::Date());
  EXPECT_EQ((*type)[1].type, DataType::Int32());
  EXPECT_EQ((*type)[2].type, DataType::String());

  auto tuple = spec->PartitionTuple({Value(DataType::Timestamp(), *ParseTimestampMicros("2024-02-29T10:00:00")),
                                     Value(DataType::Int32(), int32_t{34}), Value(DataType::String(), std::string("ab c/d")),
                                     Value::Null(DataType::Decimal(10, 2)), Value(DataType::Int64(), int64_t{7})});
  ASSERT_TRUE(tuple.ok()) << tuple.status().ToString();
  EXPECT_EQ(spec->PartitionPath(*tuple), fmt::format("OrderDate_day=2024-02-29/CustomerID_bucket={}/name_trunc=ab+c/x=null/OrderID=7",
                                                     2017239379 % 16));
  EXPECT_TRUE(ParsePartitionSpec("", OrdersSchema())->is_unpartitioned());
}

// A partition directory is one path segment, which filesystems cap at 255 bytes: a long
// identity value (escaped at up to three bytes a byte) keeps a prefix, cut before an escape,
// and ends in its length and a hash, distinct for values that share the prefix.
TEST(PartitionSpecExpr, LongValuesMakeShortDistinctDirectoryNames) {
  auto spec = ParsePartitionSpec("name, OrderID", OrdersSchema());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto path = [&](const std::string& name) {
    return spec->PartitionPath({Value(DataType::String(), name), Value(DataType::Int64(), int64_t{7})});
  };
  std::string long_value;
  for (int i = 0; i < 300; ++i) long_value += "\xc3\xa9";  // 600 bytes, 1,800 escaped
  const std::string a = path(long_value + "a"), b = path(long_value + "b");
  EXPECT_NE(a, b);
  for (const std::string& p : {a, b}) {
    const std::string segment = p.substr(0, p.find('/'));
    EXPECT_LE(segment.size(), 200u) << segment;
    EXPECT_EQ(segment.rfind("name=%C3%A9%C3%A9", 0), 0u) << segment;
    const std::string prefix = segment.substr(0, segment.find('-'));
    for (size_t i = prefix.find('%'); i != std::string::npos; i = prefix.find('%', i + 1)) {
      EXPECT_LE(i + 3, prefix.size()) << "an escape cut in two: " << segment;
    }
    EXPECT_EQ(p.substr(p.find('/')), "/OrderID=7") << "short segments stay as they are";
  }
  EXPECT_NE(a.find("-1806-"), std::string::npos) << "the length of name=<escaped value>: " << a;
  EXPECT_EQ(path("short"), "name=short/OrderID=7");
  EXPECT_EQ(path(long_value + "a"), a) << "the same value, the same directory";
}

TEST(PartitionSpecExpr, ErrorsNameTheTerm) {
  auto bad_col = ParsePartitionSpec("day(OrderDate), bucket(16, Nope)", OrdersSchema());
  ASSERT_FALSE(bad_col.ok());
  EXPECT_NE(bad_col.status().message().find("bucket(16, Nope)"), std::string::npos) << bad_col.status().message();
  EXPECT_NE(bad_col.status().message().find("no column 'Nope'"), std::string::npos);
  auto bad_fn = ParsePartitionSpec("week(OrderDate)", OrdersSchema());
  ASSERT_FALSE(bad_fn.ok());
  EXPECT_NE(bad_fn.status().message().find("unknown transform 'week'"), std::string::npos);
  auto bad_type = ParsePartitionSpec("day(name)", OrdersSchema());
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("day(name)"), std::string::npos);
  EXPECT_FALSE(ParsePartitionSpec("bucket(CustomerID)", OrdersSchema()).ok());
  EXPECT_FALSE(ParsePartitionSpec("bucket(0, CustomerID)", OrdersSchema()).ok());
  EXPECT_FALSE(ParsePartitionSpec("day(OrderDate", OrdersSchema()).ok());
  EXPECT_FALSE(ParsePartitionSpec("x, x", OrdersSchema()).ok());
}

TEST(PartitionSpecJson, RoundTripAndV1) {
  auto spec = ParsePartitionSpec("bucket(4, CustomerID), day(OrderDate)", OrdersSchema(), 3);
  ASSERT_TRUE(spec.ok());
  auto back = PartitionSpecFromJson(PartitionSpecToJson(*spec));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *spec);
  auto v1 = PartitionSpecFromJson(nlohmann::json::parse(R"([{"name":"d","transform":"day","source-id":2}])"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->fields()[0].field_id, 1000);
}

}  // namespace
}  // namespace icesync::iceberg
