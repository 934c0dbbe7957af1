#include <gtest/gtest.h>

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>

#include "avro/container_reader.h"
#include "avro/container_writer.h"
#include "avro/encoding.h"
#include "avro/resolve.h"
#include "avro/schema.h"
#include "core/durable_file.h"
#include "testing/test_util.h"

namespace icesync::avro {
namespace {

using nlohmann::json;

TEST(AvroSchema, KeepsIcebergAttributesThroughRoundTrip) {
  const std::string text = R"({"type":"record","name":"r","namespace":"ns","fields":[
    {"name":"a","type":"int","field-id":1,"doc":"d"},
    {"name":"b","type":["null",{"type":"array","items":"long","element-id":7}],"default":null,"field-id":2},
    {"name":"c","type":{"type":"map","values":"string","key-id":8,"value-id":9},"field-id":3},
    {"name":"d","type":{"type":"fixed","name":"decimal_9_2","size":4,"logicalType":"decimal","precision":9,"scale":2},"field-id":4},
    {"name":"e","type":"ns.decimal_9_2","field-id":5},
    {"name":"f","type":{"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true},"field-id":6},
    {"name":"g","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]})";
  auto parsed = ParseSchema(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Node& n = **parsed;
  EXPECT_EQ(n.name, "ns.r");
  ASSERT_EQ(n.fields.size(), 7u);
  EXPECT_EQ(n.fields[0].field_id(), 1);
  EXPECT_EQ(n.fields[1].type->NonNullBranch()->IntAttribute("element-id"), 7);
  EXPECT_EQ(n.fields[2].type->IntAttribute("key-id"), 8);
  EXPECT_EQ(n.fields[2].type->IntAttribute("value-id"), 9);
  EXPECT_EQ(n.fields[3].type->precision, 9);
  EXPECT_EQ(n.fields[4].type.get(), n.fields[3].type.get());  // named reference shares the node
  EXPECT_EQ(n.fields[5].type->attributes["adjust-to-utc"], true);
  EXPECT_EQ(n.FieldIndexById(6), 5);

  // Serialize and parse again: same attributes, the named type defined once.
  json out = SchemaToJson(n);
  EXPECT_EQ(out["fields"][4]["type"], "ns.decimal_9_2");
  EXPECT_EQ(out["fields"][1]["type"][1]["element-id"], 7);
  EXPECT_EQ(out["fields"][0]["doc"], "d");
  auto again = ParseSchema(out);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(SchemaToJson(**again), out);
}

TEST(AvroSchema, RejectsMalformedSchemas) {
  for (const char* bad : {"", "{", R"({"type":"record","name":"r"})", R"("nosuchtype")",
                          R"({"type":"fixed","name":"f","size":-1})", R"({"type":"array"})",
                          R"({"type":"record","name":"r","fields":[{"name":"a","type":"r"}]})"}) {
    EXPECT_FALSE(ParseSchema(std::string(bad)).ok()) << bad;
  }
}

TEST(AvroEncoding, ZigZagVarints) {
  struct Case { int64_t v; std::string bytes; };
  for (const Case& c : {Case{0, std::string(1, '\0')}, Case{-1, "\x01"}, Case{1, "\x02"}, Case{-64, "\x7f"},
                        Case{64, "\x80\x01"}, Case{INT64_MAX, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
                        Case{INT64_MIN, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"}}) {
    std::string out;
    EncodeLong(c.v, &out);
    EXPECT_EQ(out, c.bytes) << c.v;
    Decoder in(out);
    auto back = in.ReadLong();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c.v);
  }
  Decoder overlong("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f");
  EXPECT_FALSE(overlong.ReadLong().ok());
  Decoder truncated("\x80");
  EXPECT_FALSE(truncated.ReadLong().ok());
}

NodePtr TestSchema() {
  return *ParseSchema(std::string(R"({"type":"record","name":"t","fields":[
    {"name":"id","type":"int","field-id":1},
    {"name":"name","type":["null","string"],"default":null,"field-id":2},
    {"name":"tags","type":{"type":"array","items":"string","element-id":3},"field-id":4},
    {"name":"score","type":"float","field-id":5},
    {"name":"attrs","type":{"type":"map","values":"long"},"field-id":6},
    {"name":"raw","type":{"type":"fixed","name":"f4","size":4},"field-id":7}]})"));
}

Datum TestRecord(int i) {
  return Datum::Record({Datum::Int(i), i % 3 == 0 ? Datum::Null() : Datum::String(fmt::format("n{}", i)),
                        Datum::Array({Datum::String("a"), Datum::String(std::string(static_cast<size_t>(i % 5), 'x'))}),
                        Datum::Float(static_cast<float>(i) / 4), Datum::Map({{"k", Datum::Long(int64_t{i} << 33)}}),
                        Datum::Fixed("\x01\x02\x03" + std::string(1, static_cast<char>(i)))});
}

void ExpectTestRecord(const Datum& d, int i) {
  ASSERT_EQ(d.kind(), Datum::Kind::kRecord);
  EXPECT_EQ(d.field(0).int_value(), i);
  if (i % 3 == 0) {
    EXPECT_TRUE(d.field(1).is_null());
  } else {
    EXPECT_EQ(d.field(1).bytes(), fmt::format("n{}", i));
  }
  EXPECT_EQ(d.field(2).items().size(), 2u);
  EXPECT_EQ(d.field(2).items()[1].bytes().size(), static_cast<size_t>(i % 5));
  EXPECT_EQ(d.field(3).float_value(), static_cast<float>(i) / 4);
  EXPECT_EQ(d.field(4).map_entries()[0].second.long_value(), int64_t{i} << 33);
  EXPECT_EQ(d.field(5).bytes()[3], static_cast<char>(i));
}

TEST(AvroContainer, RoundTripNullAndDeflateAcrossBlocks) {
  testing::TempDir dir;
  for (Codec codec : {Codec::kNull, Codec::kDeflate}) {
    ContainerWriter w(TestSchema(), {{"schema-id", "3"}, {"content", "data"}}, codec, /*records_per_block=*/7);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(w.Append(TestRecord(i)).ok());
    auto bytes = w.Finish();
    ASSERT_TRUE(bytes.ok());
    const std::string path = dir.file(std::string("t-") + CodecName(codec) + ".avro");
    ASSERT_TRUE(WriteNewFile(path, *bytes).ok());
    auto file = ReadContainerFile(path);
    ASSERT_TRUE(file.ok()) << file.status().message();
    EXPECT_EQ(file->metadata["schema-id"], "3");
    EXPECT_EQ(file->metadata["avro.codec"], CodecName(codec));
    EXPECT_EQ(SchemaToJson(*file->writer_schema), SchemaToJson(*TestSchema()));
    ASSERT_EQ(file->records.size(), 100u);
    for (int i = 0; i < 100; ++i) ExpectTestRecord(file->records[i], i);
  }
}

TEST(AvroContainer, RejectsValuesThatDoNotFitTheSchema) {
  ContainerWriter w(TestSchema(), {});
  EXPECT_FALSE(w.Append(Datum::Record({Datum::String("not an int")})).ok());
  Datum wrong_fixed = TestRecord(1);
  wrong_fixed.mutable_items()[5] = Datum::Fixed("toolong");
  EXPECT_FALSE(w.Append(wrong_fixed).ok());
}

// Every truncation and many single-byte corruptions of a valid file must give an error or
// a successful read, never a crash (run under ASan to check memory safety too).
TEST(AvroContainer, CorruptAndTruncatedFilesGiveErrorsNamingTheFile) {
  ContainerWriter w(TestSchema(), {{"k", "v"}}, Codec::kDeflate, 10);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(w.Append(TestRecord(i)).ok());
  std::string good = *w.Finish();
  for (size_t len = 0; len < good.size(); ++len) {
    auto r = ParseContainer(std::string_view(good).substr(0, len));
    EXPECT_FALSE(r.ok() && r->records.size() == 30) << len;
  }
  for (size_t pos = 0; pos < good.size(); pos += 3) {
    std::string bad = good;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x5a);
    (void)ParseContainer(bad);
  }
  testing::TempDir dir;
  const std::string path = dir.file("trunc.avro");
  testing::WriteFile(path, good.substr(0, good.size() / 2));
  auto r = ReadContainerFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();

  // A huge declared block or string length must not allocate: it exceeds the data left.
  EXPECT_FALSE(ParseContainer("Obj\x01\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01").ok());
}

// Iceberg int fields written as long (hand-made manifests' equality_ids): each value that
// fits is read; one that does not is an error naming the field, never a truncation.
TEST(AvroResolve, LongWrittenForAnIntFieldReadsWhenItFits) {
  auto writer = *ParseSchema(std::string(R"({"type":"record","name":"w","fields":[
    {"name":"equality_ids","type":{"type":"array","items":"long","element-id":136},"field-id":135}]})"));
  auto reader = *ParseSchema(std::string(R"({"type":"record","name":"r","fields":[
    {"name":"equality_ids","type":{"type":"array","items":"int","element-id":136},"field-id":135}]})"));
  auto resolver = Resolver::Make(*writer, *reader);
  ASSERT_TRUE(resolver.ok()) << resolver.status().message();
  auto out = resolver->Apply(Datum::Record({Datum::Array({Datum::Long(2), Datum::Long(2147483647)})}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->field(0).items().size(), 2u);
  EXPECT_EQ(out->field(0).items()[0].int_value(), 2);
  EXPECT_EQ(out->field(0).items()[1].int_value(), 2147483647);
  auto too_big = resolver->Apply(Datum::Record({Datum::Array({Datum::Long(int64_t{1} << 31)})}));
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().message().find("equality_ids"), std::string::npos) << too_big.status().message();
  EXPECT_NE(too_big.status().message().find("2147483648"), std::string::npos) << too_big.status().message();
}

TEST(AvroResolve, MatchesByFieldIdWithDefaultsAndPromotion) {
  // The writer uses other names (like Java's added_data_files_count) and an older shape.
  auto writer = *ParseSchema(std::string(R"({"type":"record","name":"w","fields":[
    {"name":"renamed_count","type":"int","field-id":504},
    {"name":"path","type":"string","field-id":500},
    {"name":"ratio","type":"float","field-id":9},
    {"name":"extra","type":"string","field-id":77}]})"));
  auto reader = *ParseSchema(std::string(R"({"type":"record","name":"r","fields":[
    {"name":"path","type":"string","field-id":500},
    {"name":"added_files_count","type":["null","long"],"field-id":504},
    {"name":"ratio","type":"double","field-id":9},
    {"name":"content","type":"int","default":0,"field-id":517},
    {"name":"opt","type":["null","string"],"field-id":600}]})"));
  auto resolver = Resolver::Make(*writer, *reader);
  ASSERT_TRUE(resolver.ok()) << resolver.status().message();
  Datum in = Datum::Record({Datum::Int(42), Datum::String("p"), Datum::Float(0.5f), Datum::String("x")});
  auto out = resolver->Apply(in);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->field(0).bytes(), "p");
  EXPECT_EQ(out->field(1).long_value(), 42);
  EXPECT_EQ(out->field(2).double_value(), 0.5);
  EXPECT_EQ(out->field(3).int_value(), 0);
  EXPECT_TRUE(out->field(4).is_null());

  // A required reader field the writer lacks, without default, is an error naming it.
  auto strict = *ParseSchema(std::string(R"({"type":"record","name":"r","fields":[
    {"name":"needed","type":"long","field-id":515}]})"));
  auto fail = Resolver::Make(*writer, *strict);
  ASSERT_FALSE(fail.ok());
  EXPECT_NE(fail.status().message().find("needed"), std::string::npos);

  // Without ids on the writer, names match.
  auto noids = *ParseSchema(std::string(R"({"type":"record","name":"w","fields":[
    {"name":"ratio","type":"int"},{"name":"path","type":"string"}]})"));
  auto by_name = Resolver::Make(*noids, *reader);
  ASSERT_TRUE(by_name.ok()) << by_name.status().message();
  auto named = by_name->Apply(Datum::Record({Datum::Int(3), Datum::String("q")}));
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->field(0).bytes(), "q");
  EXPECT_TRUE(named->field(1).is_null());
  EXPECT_EQ(named->field(2).double_value(), 3.0);
}

}  // namespace
}  // namespace icesync::avro

namespace icesync::avro {
namespace {

// Builds a container file by hand with a codec our writer does not produce, the way Java
// and Python writers frame it: for snappy, the raw snappy block plus the big-endian CRC32
// of the uncompressed bytes.
std::string HandMadeContainer(const std::string& codec, const std::vector<Datum>& records) {
  std::string out("Obj\x01", 4);
  EncodeLong(2, &out);
  EncodeBytes("avro.schema", &out);
  EncodeBytes(SchemaToString(*TestSchema()), &out);
  EncodeBytes("avro.codec", &out);
  EncodeBytes(codec, &out);
  EncodeLong(0, &out);
  const std::string sync(16, '\x5c');
  out += sync;
  std::string block;
  for (const Datum& d : records) EXPECT_TRUE(EncodeDatum(d, *TestSchema(), &block).ok());
  std::string payload;
  if (codec == "zstandard") {
    payload.resize(ZSTD_compressBound(block.size()));
    payload.resize(ZSTD_compress(payload.data(), payload.size(), block.data(), block.size(), 3));
  } else {
    snappy::Compress(block.data(), block.size(), &payload);
    uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(block.data()), static_cast<uInt>(block.size())));
    for (int shift : {24, 16, 8, 0}) payload.push_back(static_cast<char>((crc >> shift) & 0xff));
  }
  EncodeLong(static_cast<int64_t>(records.size()), &out);
  EncodeLong(static_cast<int64_t>(payload.size()), &out);
  out += payload;
  out += sync;
  return out;
}

TEST(AvroContainer, ReadsZstandardAndSnappyBlocks) {
  std::vector<Datum> records;
  for (int i = 0; i < 50; ++i) records.push_back(TestRecord(i));
  for (const char* codec : {"zstandard", "snappy"}) {
    std::string bytes = HandMadeContainer(codec, records);
    auto file = ParseContainer(bytes);
    ASSERT_TRUE(file.ok()) << codec << ": " << file.status().message();
    ASSERT_EQ(file->records.size(), 50u);
    for (int i = 0; i < 50; ++i) ExpectTestRecord(file->records[i], i);
    // A flipped byte in the compressed payload (or snappy's CRC) is detected.
    std::string bad = bytes;
    bad[bad.size() - 17] = static_cast<char>(bad[bad.size() - 17] ^ 0x01);
    EXPECT_FALSE(ParseContainer(bad).ok()) << codec;
  }
  std::string unknown = HandMadeContainer("snappy", records);
  size_t pos = unknown.find("snappy");
  unknown.replace(pos, 6, "brotli");
  auto r = ParseContainer(unknown);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace icesync::avro
