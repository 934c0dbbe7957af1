#include "parquet/compression.h"

#include <random>

#include <gtest/gtest.h>
#include <lz4.h>

namespace icesync::parquet {
namespace {

std::string SampleData(size_t n) {
  std::mt19937 rng(1);
  std::string s;
  while (s.size() < n) s += "row " + std::to_string(rng() % 1000) + ", ";
  s.resize(n);
  return s;
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(Compression, RoundTripsWritableCodecs) {
  for (auto codec : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY, CompressionCodec::ZSTD,
                     CompressionCodec::GZIP}) {
    for (size_t n : {0u, 1u, 1000u, 1u << 20}) {
      std::string data = SampleData(n), packed, back;
      ASSERT_TRUE(Compress(codec, U8(data), data.size(), &packed).ok()) << CodecName(codec);
      if (n >= 100000 && codec != CompressionCodec::UNCOMPRESSED) {
        EXPECT_LT(packed.size(), n / 2);
      }
      Status st = Decompress(codec, U8(packed), packed.size(), data.size(), &back);
      ASSERT_TRUE(st.ok()) << CodecName(codec) << ": " << st.ToString();
      EXPECT_EQ(back, data);
      // Declaring the wrong size is an error, never an overflow.
      if (n > 0) {
        EXPECT_FALSE(Decompress(codec, U8(packed), packed.size(), data.size() - 1, &back).ok()) << CodecName(codec);
        EXPECT_FALSE(Decompress(codec, U8(packed), packed.size(), data.size() + 1, &back).ok()) << CodecName(codec);
      }
    }
  }
}

TEST(Compression, GzipConcatenatedMembers) {
  std::string a = SampleData(5000), b = "second member", pa, pb, back;
  ASSERT_TRUE(Compress(CompressionCodec::GZIP, U8(a), a.size(), &pa).ok());
  ASSERT_TRUE(Compress(CompressionCodec::GZIP, U8(b), b.size(), &pb).ok());
  std::string both = pa + pb;
  Status st = Decompress(CompressionCodec::GZIP, U8(both), both.size(), a.size() + b.size(), &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, a + b);
}

std::string Lz4Block(const std::string& data) {
  std::string out(LZ4_compressBound(static_cast<int>(data.size())), '\0');
  int n = LZ4_compress_default(data.data(), out.data(), static_cast<int>(data.size()), static_cast<int>(out.size()));
  out.resize(n);
  return out;
}

std::string BigEndian32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (24 - 8 * i));
  return s;
}

TEST(Compression, Lz4RawHadoopAndBareBlock) {
  std::string data = SampleData(70000), back;
  std::string raw = Lz4Block(data);
  ASSERT_TRUE(Decompress(CompressionCodec::LZ4_RAW, U8(raw), raw.size(), data.size(), &back).ok());
  EXPECT_EQ(back, data);
  // LZ4 (deprecated codec) as a bare block: the fallback path.
  ASSERT_TRUE(Decompress(CompressionCodec::LZ4, U8(raw), raw.size(), data.size(), &back).ok());
  EXPECT_EQ(back, data);
  // Hadoop framing with two blocks.
  std::string first = data.substr(0, 30000), second = data.substr(30000);
  std::string f1 = Lz4Block(first), f2 = Lz4Block(second);
  std::string hadoop = BigEndian32(first.size()) + BigEndian32(f1.size()) + f1 + BigEndian32(second.size()) +
                       BigEndian32(f2.size()) + f2;
  ASSERT_TRUE(Decompress(CompressionCodec::LZ4, U8(hadoop), hadoop.size(), data.size(), &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_FALSE(Decompress(CompressionCodec::LZ4_RAW, U8(raw), raw.size(), data.size() - 10, &back).ok());
}

TEST(Compression, GarbageIsAnError) {
  std::string junk = "this is not compressed data at all", back;
  for (auto codec : {CompressionCodec::SNAPPY, CompressionCodec::ZSTD, CompressionCodec::GZIP,
                     CompressionCodec::LZ4_RAW, CompressionCodec::LZ4}) {
    Status st = Decompress(codec, U8(junk), junk.size(), 1000, &back);
    EXPECT_FALSE(st.ok()) << CodecName(codec);
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt) << CodecName(codec) << st.ToString();
  }
  EXPECT_EQ(Decompress(CompressionCodec::BROTLI, U8(junk), junk.size(), 10, &back).code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(CanCompress(CompressionCodec::LZ4_RAW));
}

}  // namespace
}  // namespace icesync::parquet
