#include "parquet/rle.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace icesync::parquet {
namespace {

std::vector<uint32_t> RoundTrip(const std::vector<uint32_t>& values, int bit_width, std::string* encoded) {
  encoded->clear();
  RleEncode(values.data(), values.size(), bit_width, encoded);
  RleDecoder dec(reinterpret_cast<const uint8_t*>(encoded->data()), encoded->size(), bit_width);
  std::vector<uint32_t> out(values.size());
  Status st = dec.Get(out.data(), out.size());
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(Rle, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(0xFFFFFFFFu), 32);
}

TEST(Rle, SpecExample) {
  // Encodings.md: bit-packing 0..7 with bit width 3 gives 10001000 11000110 11111010.
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  BitPack(v.data(), v.size(), 3, &out);
  EXPECT_EQ(out, std::string("\x88\xC6\xFA", 3));
  std::string enc;
  RleEncode(v.data(), v.size(), 3, &enc);
  EXPECT_EQ(enc, std::string("\x03\x88\xC6\xFA", 4));  // one group: header (1 << 1) | 1
}

// BitUnpack reads 8 bytes at a time while they lie inside the input and byte by byte for
// the last values: every width and lengths around the switch must give back what was packed
// (the input is exactly the packed bytes, so a read past them is caught by the sanitizers).
TEST(Rle, BitUnpackEveryWidthAndLength) {
  std::mt19937 rng(7);
  for (int width = 1; width <= 32; ++width) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{8}, size_t{9}, size_t{15}, size_t{64}, size_t{101}}) {
      std::vector<uint32_t> v(n);
      for (uint32_t& x : v) x = width == 32 ? rng() : rng() & ((1u << width) - 1);
      std::string packed;
      BitPack(v.data(), n, width, &packed);
      std::vector<uint8_t> exact(packed.begin(), packed.end());
      std::vector<uint32_t> out(n);
      BitUnpack(exact.data(), n, width, out.data());
      ASSERT_EQ(out, v) << "width " << width << ", " << n << " values";
    }
  }
}

TEST(Rle, RunsBecomeRleRuns) {
  std::vector<uint32_t> v(1000, 1);
  std::string enc;
  EXPECT_EQ(RoundTrip(v, 1, &enc), v);
  EXPECT_EQ(enc, std::string("\xD0\x0F\x01", 3));  // varint(1000 << 1), value 1
}

TEST(Rle, RandomRoundTripsAllWidths) {
  std::mt19937 rng(7);
  for (int bw = 0; bw <= 32; ++bw) {
    for (size_t n : {0u, 1u, 7u, 8u, 9u, 100u, 1003u}) {
      std::vector<uint32_t> v(n);
      uint64_t limit = bw == 32 ? 0x100000000ull : (1ull << bw);
      for (size_t i = 0; i < n; ++i) {
        // Mix runs and noise so both run kinds and the padding rule are exercised.
        if (i > 0 && rng() % 3 == 0) v[i] = v[i - 1];
        else v[i] = static_cast<uint32_t>(rng() % limit);
      }
      std::string enc;
      EXPECT_EQ(RoundTrip(v, bw, &enc), v) << "bw=" << bw << " n=" << n;
    }
  }
}

TEST(Rle, DecodesInPieces) {
  std::vector<uint32_t> v;
  for (int i = 0; i < 500; ++i) v.push_back(i % 37 < 20 ? 5 : i % 11);
  std::string enc;
  RleEncode(v.data(), v.size(), 4, &enc);
  RleDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 4);
  std::vector<uint32_t> out(v.size());
  size_t pos = 0;
  for (size_t step = 1; pos < v.size(); step = step % 13 + 1) {
    size_t k = std::min(step, v.size() - pos);
    ASSERT_TRUE(dec.Get(out.data() + pos, k).ok());
    pos += k;
  }
  EXPECT_EQ(out, v);
}

TEST(Rle, ErrorsInsteadOfOverreading) {
  std::vector<uint32_t> out(100);
  // Bit width above 32.
  std::string enc = "\x02\x01";
  RleDecoder wide(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 33);
  EXPECT_FALSE(wide.Get(out.data(), 1).ok());
  // Asking for more values than encoded.
  std::vector<uint32_t> v(10, 3);
  enc.clear();
  RleEncode(v.data(), v.size(), 2, &enc);
  RleDecoder short_dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 2);
  EXPECT_FALSE(short_dec.Get(out.data(), 11).ok());
  // Run value wider than the bit width.
  enc = std::string("\x04\x07", 2);
  RleDecoder bad_value(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 2);
  EXPECT_FALSE(bad_value.Get(out.data(), 2).ok());
  // A bit-packed run claiming many groups with few bytes: only the present values decode.
  enc = std::string("\x7F\xFF", 2);  // 63 groups, 1 byte of data at width 8
  RleDecoder truncated(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 8);
  ASSERT_TRUE(truncated.Get(out.data(), 1).ok());
  EXPECT_EQ(out[0], 255u);
  EXPECT_FALSE(truncated.Get(out.data(), 1).ok());
  // Truncated varint header.
  enc = std::string(1, '\x80');
  RleDecoder trunc_header(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), 1);
  EXPECT_FALSE(trunc_header.Get(out.data(), 1).ok());
}

TEST(Rle, RandomGarbageNeverCrashes) {
  std::mt19937 rng(3);
  std::vector<uint32_t> out(64);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string junk(rng() % 20, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    int bw = rng() % 34;
    RleDecoder dec(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(), bw);
    (void)dec.Get(out.data(), out.size());
  }
}

}  // namespace
}  // namespace icesync::parquet
