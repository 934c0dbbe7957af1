#include "parquet/thrift_compact.h"

#include <random>

#include <gtest/gtest.h>

#include "parquet/metadata.h"

namespace icesync::parquet {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(ThriftCompact, EncodesKnownBytes) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldI32(1, 3);          // delta 1, type 5: 0x15, zigzag(3) = 6
  w.FieldBinary(2, "ab");    // 0x18, len 2
  w.FieldI64(20, -1);        // delta 18 > 15: 0x06, zigzag(20) = 40, zigzag(-1) = 1
  w.FieldBool(21, true);     // 0x11
  w.FieldListHeader(22, TType::kI32, 2);  // 0x19, 0x25
  w.I32(1);
  w.I32(-2);
  w.StructEnd();
  EXPECT_EQ(out, Bytes({0x15, 0x06, 0x18, 0x02, 'a', 'b', 0x06, 0x28, 0x01, 0x11, 0x19, 0x25, 0x02,
                        0x03, 0x00}));
}

FileMetaData SampleMetadata() {
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement a;
  a.name = "a";
  a.type = Type::FIXED_LEN_BYTE_ARRAY;
  a.type_length = 16;
  a.repetition_type = FieldRepetitionType::OPTIONAL;
  a.converted_type = ConvertedType::DECIMAL;
  a.precision = 38;
  a.scale = 2;
  a.field_id = 7;
  a.logical_type = LogicalType::Decimal(38, 2);
  SchemaElement b;
  b.name = "ts";
  b.type = Type::INT64;
  b.repetition_type = FieldRepetitionType::REQUIRED;
  b.field_id = 123456;
  b.logical_type = LogicalType::Timestamp(true, TimeUnit::MICROS);
  md.schema = {root, a, b};
  md.num_rows = 1'000'000'000'000LL;
  RowGroup rg;
  ColumnChunk cc;
  cc.file_offset = 4;
  ColumnMetaData cmd;
  cmd.type = Type::INT64;
  cmd.encodings = {Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY};
  cmd.path_in_schema = {"ts"};
  cmd.codec = CompressionCodec::ZSTD;
  cmd.num_values = 10;
  cmd.total_uncompressed_size = 100;
  cmd.total_compressed_size = 50;
  cmd.data_page_offset = 40;
  cmd.dictionary_page_offset = 4;
  Statistics st;
  st.min_value = std::string("\x01\x00\x00\x00\x00\x00\x00\x80", 8);
  st.max_value = "zz";
  st.null_count = 0;
  st.is_max_value_exact = false;
  cmd.statistics = st;
  cmd.encoding_stats = {{PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, 3}};
  cc.meta_data = cmd;
  rg.columns = {cc};
  rg.num_rows = 10;
  rg.total_byte_size = 100;
  rg.ordinal = 0;
  md.row_groups = {rg};
  md.key_value_metadata = {{"iceberg.schema", std::string("{}")}, {"k", std::nullopt}};
  md.created_by = "icesync version test";
  md.column_orders = {ColumnOrder{}, ColumnOrder{}};
  return md;
}

TEST(ThriftCompact, FileMetaDataRoundTrip) {
  FileMetaData md = SampleMetadata();
  std::string bytes = SerializeFileMetaData(md);
  FileMetaData back;
  ASSERT_TRUE(ParseFileMetaData(bytes, &back).ok());
  EXPECT_EQ(back.version, 2);
  ASSERT_EQ(back.schema.size(), 3u);
  EXPECT_EQ(back.schema[0].num_children, 2);
  EXPECT_FALSE(back.schema[0].type.has_value());
  EXPECT_EQ(back.schema[1].type, Type::FIXED_LEN_BYTE_ARRAY);
  EXPECT_EQ(back.schema[1].type_length, 16);
  EXPECT_EQ(back.schema[1].field_id, 7);
  EXPECT_EQ(back.schema[1].logical_type->ToString(), "DECIMAL(38,2)");
  EXPECT_EQ(back.schema[2].field_id, 123456);
  EXPECT_EQ(back.schema[2].logical_type->ToString(), "TIMESTAMP(MICROS,true)");
  EXPECT_EQ(back.num_rows, 1'000'000'000'000LL);
  ASSERT_EQ(back.row_groups.size(), 1u);
  const ColumnMetaData& cmd = *back.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(cmd.encodings.size(), 3u);
  EXPECT_EQ(cmd.encodings[2], Encoding::RLE_DICTIONARY);
  EXPECT_EQ(cmd.codec, CompressionCodec::ZSTD);
  EXPECT_EQ(cmd.dictionary_page_offset, 4);
  EXPECT_EQ(cmd.statistics->min_value->size(), 8u);
  EXPECT_EQ(cmd.statistics->max_value, "zz");
  EXPECT_EQ(cmd.statistics->is_max_value_exact, false);
  EXPECT_FALSE(cmd.statistics->max.has_value());
  ASSERT_EQ(cmd.encoding_stats.size(), 1u);
  EXPECT_EQ(cmd.encoding_stats[0].count, 3);
  EXPECT_EQ(back.row_groups[0].ordinal, 0);
  ASSERT_EQ(back.key_value_metadata.size(), 2u);
  EXPECT_EQ(back.key_value_metadata[0].value, "{}");
  EXPECT_FALSE(back.key_value_metadata[1].value.has_value());
  EXPECT_EQ(back.created_by, "icesync version test");
  ASSERT_EQ(back.column_orders.size(), 2u);
  EXPECT_EQ(back.column_orders[0].kind, ColumnOrder::kTypeDefinedOrder);
  // Serializing what we parsed gives the same bytes.
  EXPECT_EQ(SerializeFileMetaData(back), bytes);
}

TEST(ThriftCompact, PageHeaderRoundTrip) {
  PageHeader h;
  h.type = PageType::DATA_PAGE_V2;
  h.uncompressed_page_size = 1 << 20;
  h.compressed_page_size = 12345;
  h.crc = -7;
  DataPageHeaderV2 v2;
  v2.num_values = 10;
  v2.num_nulls = 2;
  v2.num_rows = 10;
  v2.encoding = Encoding::DELTA_BINARY_PACKED;
  v2.definition_levels_byte_length = 3;
  v2.is_compressed = false;
  h.data_page_header_v2 = v2;
  std::string bytes;
  AppendPageHeader(h, &bytes);
  bytes += "payload";
  PageHeader back;
  size_t consumed = 0;
  ASSERT_TRUE(ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &back, &consumed).ok());
  EXPECT_EQ(consumed, bytes.size() - 7);
  EXPECT_EQ(back.type, PageType::DATA_PAGE_V2);
  EXPECT_EQ(back.crc, -7);
  ASSERT_TRUE(back.data_page_header_v2.has_value());
  EXPECT_EQ(back.data_page_header_v2->is_compressed, false);
  EXPECT_EQ(back.data_page_header_v2->encoding, Encoding::DELTA_BINARY_PACKED);
  EXPECT_EQ(back.data_page_header_v2->definition_levels_byte_length, 3);

  // is_compressed defaults to true when absent.
  PageHeader d;
  d.type = PageType::DICTIONARY_PAGE;
  d.dictionary_page_header = DictionaryPageHeader{5, Encoding::PLAIN_DICTIONARY, true};
  bytes.clear();
  AppendPageHeader(d, &bytes);
  ASSERT_TRUE(ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &back, nullptr).ok());
  EXPECT_EQ(back.dictionary_page_header->num_values, 5);
  EXPECT_EQ(back.dictionary_page_header->is_sorted, true);
}

TEST(ThriftCompact, SkipsUnknownFieldsOfEveryType) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldI32(1, 42);  // KeyValue has no i32 field 1: a mistyped field is skipped
  w.FieldBinary(1, "key");
  w.FieldBool(3, true);
  w.FieldI8(4, 1);
  w.FieldI16(5, -300);
  w.FieldI64(6, 1LL << 40);
  w.FieldDouble(7, 2.5);
  w.FieldListHeader(8, TType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.StructBegin();
    w.FieldListHeader(1, TType::kBoolTrue, 3);
    w.Bool(true); w.Bool(false); w.Bool(true);
    w.StructEnd();
  }
  w.FieldStructHeader(9);
  w.StructBegin();
  w.FieldBinary(1, "nested");
  w.StructEnd();
  // A map<binary, i32> field (11) with 2 entries.
  out.push_back(static_cast<char>((1 << 4) | 11));  // delta from 9 is 1? field 10
  out.push_back(2);
  out.push_back(static_cast<char>((8 << 4) | 5));
  out += Bytes({1, 'x', 2, 1, 'y', 4});
  w.FieldBinary(200, "far field");
  w.StructEnd();

  KeyValue kv;
  CompactReader r(out);
  Status st = kv.Parse(r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(kv.key, "key");
  EXPECT_FALSE(kv.value.has_value());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompact, UnknownLogicalTypeIsPreserved) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldStructHeader(17);  // GEOMETRY, which we do not model
  w.StructBegin();
  w.FieldBinary(1, "OGC:CRS84");
  w.StructEnd();
  w.StructEnd();
  LogicalType t;
  CompactReader r(out);
  ASSERT_TRUE(t.Parse(r).ok());
  EXPECT_EQ(t.kind, LogicalType::kUnrecognized);
  EXPECT_EQ(t.unrecognized_id, 17);
  EXPECT_EQ(t.ToString(), "unknown");
}

TEST(ThriftCompact, TruncatedInputFailsCleanly) {
  std::string bytes = SerializeFileMetaData(SampleMetadata());
  for (size_t n = 0; n < bytes.size(); ++n) {
    FileMetaData md;
    Status st = ParseFileMetaData(std::string_view(bytes.data(), n), &md);
    EXPECT_FALSE(st.ok()) << "prefix " << n;
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  }
}

TEST(ThriftCompact, RejectsHugeContainersAndDeepNesting) {
  // List field 2 (schema) claiming 2^31 structs in a 10-byte buffer.
  std::string huge = Bytes({0x29, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0});
  FileMetaData md;
  Status st = ParseFileMetaData(huge, &md);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("elements"), std::string::npos) << st.message();

  // Binary field claiming more bytes than remain.
  std::string bin = Bytes({0x68, 0x7F, 'a'});
  st = ParseFileMetaData(bin, &md);
  EXPECT_FALSE(st.ok());

  // 10000 nested structs in an unknown field: rejected by the depth limit, not the stack.
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep.push_back(0x1C);  // field +1, struct
  st = ParseFileMetaData(deep, &md);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nesting"), std::string::npos) << st.message();
}

TEST(ThriftCompact, RandomCorruptionNeverCrashes) {
  std::string good = SerializeFileMetaData(SampleMetadata());
  std::mt19937 rng(42);
  int parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string bad = good;
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) bad[rng() % bad.size()] = static_cast<char>(rng());
    FileMetaData md;
    if (ParseFileMetaData(bad, &md).ok()) ++parsed;
  }
  // Some mutations hit string contents and still parse; most must not crash either way.
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace icesync::parquet
