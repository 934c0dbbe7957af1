// Value decoders on hand-made inputs: exact results, and errors (never reads past the
// input) on truncated or inconsistent streams.
#include <gtest/gtest.h>

#include <cstring>

#include "parquet/value_decoders.h"

namespace icesync::parquet {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

constexpr ValueLayout kInt32{false, 4};
constexpr ValueLayout kInt64{false, 8};
constexpr ValueLayout kByteArray{false, 0};

TEST(DeltaBinaryPacked, ConstantDeltasNeedNoMiniblockBytes) {
  // block 128, 4 miniblocks, 5 values, first 1; min delta 1, all bit widths 0.
  const std::string in = Bytes({0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0});
  DecodedValues out(4);
  ASSERT_TRUE(DecodeDeltaBinaryPacked(in, kInt32, 5, &out).ok());
  ASSERT_EQ(out.size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out.Get<int32_t>(i), i + 1);
}

TEST(DeltaBinaryPacked, BitPackedDeltasAndWrapping) {
  // Values 0, 7, 5 (deltas 7, -2; min delta -2, packed deltas 9 and 0 at width 4): the
  // miniblock of 32 values at 4 bits takes 16 bytes, stored whole.
  std::string in = Bytes({0x80, 0x01, 0x04, 0x03, 0x00, 0x03, 4, 0, 0, 0});
  std::string packed(16, '\0');
  packed[0] = static_cast<char>(0x09);  // delta 0: 9, delta 1: 0
  in += packed;
  DecodedValues out(8);
  ASSERT_TRUE(DecodeDeltaBinaryPacked(in, kInt64, 3, &out).ok()) << DecodeDeltaBinaryPacked(in, kInt64, 3, &out).ToString();
  EXPECT_EQ(out.Get<int64_t>(0), 0);
  EXPECT_EQ(out.Get<int64_t>(1), 7);
  EXPECT_EQ(out.Get<int64_t>(2), 5);

  // int64 max then +1 wraps to int64 min (first value zigzag of INT64_MAX; min delta 1).
  std::string wrap = Bytes({0x80, 0x01, 0x04, 0x02});
  wrap += Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});  // zigzag(INT64_MAX)
  wrap += Bytes({0x02, 0, 0, 0, 0});
  DecodedValues w(8);
  ASSERT_TRUE(DecodeDeltaBinaryPacked(wrap, kInt64, 2, &w).ok());
  EXPECT_EQ(w.Get<int64_t>(0), INT64_MAX);
  EXPECT_EQ(w.Get<int64_t>(1), INT64_MIN);
}

TEST(DeltaBinaryPacked, MalformedStreamsAreErrors) {
  DecodedValues out(4);
  // Truncated miniblock data (width 4 needs 16 bytes).
  EXPECT_FALSE(DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x03, 0x00, 0x03, 4, 0, 0, 0, 0x09}), kInt32, 3, &out).ok());
  // Bit width above 64.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x03, 0x00, 0x03, 65, 0, 0, 0}), kInt32, 3, &out).ok());
  // Block size not a multiple of 128.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(Bytes({0x10, 0x04, 0x01, 0x00}), kInt32, 1, &out).ok());
  // More values declared than the page holds.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0}), kInt32, 3, &out).ok());
  // Not defined for byte arrays.
  EXPECT_EQ(DecodeDeltaBinaryPacked("", kByteArray, 0, &out).code(), ErrorCode::kUnsupported);
}

TEST(DeltaByteArray, FrontCodingRebuildsValues) {
  // "abc", "abd", "x": prefixes 0,2,0; suffixes "abc","d","x" (lengths 3,1,1).
  const std::string prefixes = Bytes({0x80, 0x01, 0x04, 0x03, 0x00, 0x03, 0x02, 0, 0, 0});
  // Deltas +2, -2: min delta -2, packed 4, 0 at width 3 → 12 bytes.
  std::string p = prefixes;
  p[6] = 3;
  p += Bytes({0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // lengths 3,1,1: first 3 (zigzag 6), deltas -2, 0: min delta -2 (zigzag 3), packed 0, 2 at width 2 → 8 bytes.
  std::string l = Bytes({0x80, 0x01, 0x04, 0x03, 0x06, 0x03, 2, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0});
  const std::string in = p + l + "abcdx";
  DecodedValues out(0);
  Status st = DecodeDeltaByteArray(in, kByteArray, 3, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out.Bytes(0), "abc");
  EXPECT_EQ(out.Bytes(1), "abd");
  EXPECT_EQ(out.Bytes(2), "x");
  // Suffix bytes missing.
  DecodedValues short_out(0);
  EXPECT_FALSE(DecodeDeltaByteArray(p + l + "abc", kByteArray, 3, &short_out).ok());
}

TEST(ByteStreamSplit, InterleavesBytes) {
  const float values[] = {1.5f, -2.25f, 1e30f};
  std::string plain(reinterpret_cast<const char*>(values), sizeof values);
  std::string split(plain.size(), '\0');
  for (int i = 0; i < 3; ++i) {
    for (int b = 0; b < 4; ++b) split[b * 3 + i] = plain[i * 4 + b];
  }
  DecodedValues out(4);
  ASSERT_TRUE(DecodeByteStreamSplit(split, ValueLayout{false, 4}, 3, &out).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out.Get<float>(i), values[i]);
  DecodedValues bad(4);
  EXPECT_FALSE(DecodeByteStreamSplit(split.substr(1), ValueLayout{false, 4}, 3, &bad).ok());
  EXPECT_FALSE(DecodeByteStreamSplit(split, ValueLayout{false, 4}, 4, &bad).ok());
}

TEST(Plain, BooleansByteArraysAndTruncation) {
  DecodedValues bools(1);
  ASSERT_TRUE(DecodePlain(Bytes({0b00000101, 0b1}), ValueLayout{true, 1}, 9, &bools).ok());
  EXPECT_EQ(*bools.Fixed(0), 1);
  EXPECT_EQ(*bools.Fixed(1), 0);
  EXPECT_EQ(*bools.Fixed(2), 1);
  EXPECT_EQ(*bools.Fixed(8), 1);
  EXPECT_FALSE(DecodePlain(Bytes({0}), ValueLayout{true, 1}, 9, &bools).ok());

  DecodedValues strings(0);
  ASSERT_TRUE(DecodePlain(Bytes({2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0}), kByteArray, 2, &strings).ok());
  EXPECT_EQ(strings.Bytes(0), "hi");
  EXPECT_EQ(strings.Bytes(1), "");
  // A length running past the page.
  EXPECT_FALSE(DecodePlain(Bytes({0xff, 0xff, 0xff, 0x7f, 'h'}), kByteArray, 1, &strings).ok());
  DecodedValues ints(4);
  EXPECT_FALSE(DecodePlain(Bytes({1, 0, 0, 0, 2, 0}), kInt32, 2, &ints).ok());
}

// Dictionary gathering copies each value with a copy sized by its length class (0, 1-3,
// 4-7, 8-15, 16-31, 32-64, longer): every length from 0 to 70, in every order, comes out exact.
TEST(DecodedValues, GatheredByteArraysOfEveryLength) {
  DecodedValues dict(0);
  for (int len = 0; len <= 70; ++len) {
    std::string v;
    for (int i = 0; i < len; ++i) v.push_back(static_cast<char>('a' + (len * 7 + i) % 26));
    dict.AppendBytes(v);
  }
  std::vector<uint32_t> indices;
  for (uint32_t i = 0; i <= 70; ++i) indices.push_back(i);
  for (uint32_t i = 0; i <= 70; ++i) indices.push_back(70 - i);
  for (uint32_t i = 0; i < 300; ++i) indices.push_back((i * 37) % 71);
  DecodedValues out(0);
  out.AppendBytes("x");  // gathered values follow what the buffer holds
  out.AppendGathered(dict, indices.data(), static_cast<int64_t>(indices.size()));
  ASSERT_EQ(out.size(), static_cast<int64_t>(indices.size()) + 1);
  EXPECT_EQ(out.Bytes(0), "x");
  for (size_t k = 0; k < indices.size(); ++k) ASSERT_EQ(out.Bytes(static_cast<int64_t>(k) + 1), dict.Bytes(indices[k])) << k;
}

}  // namespace
}  // namespace icesync::parquet
