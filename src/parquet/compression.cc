#include "parquet/compression.h"

#include <cstring>
#include <memory>

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace icesync::parquet {
namespace {

// Contexts are reused per thread: creating one per page costs more than small pages do.
struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ZstdContexts& Zstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

Status GzipCompress(const uint8_t* data, size_t size, std::string* out, int level) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // windowBits 15 + 16: a gzip wrapper, as Parquet's GZIP codec requires.
  if (deflateInit2(&zs, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Internal("gzip: deflateInit2 failed");
  }
  out->resize(deflateBound(&zs, size) + 32);
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("gzip: deflate failed ({})", rc);
  out->resize(produced);
  return Status::OK();
}

// Inflates gzip or zlib data; several concatenated gzip members are one stream.
Status GzipDecompress(const uint8_t* data, size_t size, uint8_t* out, size_t expected) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Internal("gzip: inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(expected);
  Status st;
  while (true) {
    int rc = inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END) {
      // Skip trailing zero padding; another member follows otherwise.
      while (zs.avail_in > 0 && *zs.next_in == 0) { ++zs.next_in; --zs.avail_in; }
      if (zs.avail_in == 0) break;
      if (zs.avail_out == 0) {
        st = Corrupt("gzip: data continues past the declared uncompressed size {}", expected);
        break;
      }
      if (inflateReset(&zs) != Z_OK) { st = Corrupt("gzip: cannot reset for the next member"); break; }
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
      st = Corrupt("gzip: data decompresses to more than the declared {} bytes", expected);
    } else {
      st = Corrupt("gzip: {} ({})", zs.msg ? zs.msg : "invalid or truncated data", rc);
    }
    break;
  }
  // Not total_out: inflateReset zeroes it between members.
  size_t produced = static_cast<size_t>(zs.next_out - out);
  inflateEnd(&zs);
  RETURN_IF_ERROR(st);
  if (produced != expected) {
    return Corrupt("gzip: decompressed {} bytes, page header declares {}", produced, expected);
  }
  return Status::OK();
}

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Hadoop's Lz4Codec framing: repeated [u32 BE uncompressed][u32 BE compressed][block].
bool TryLz4Hadoop(const uint8_t* data, size_t size, uint8_t* out, size_t expected) {
  size_t in = 0, produced = 0;
  while (in < size) {
    if (size - in < 8) return false;
    uint32_t raw = LoadBigEndian32(data + in);
    uint32_t packed = LoadBigEndian32(data + in + 4);
    in += 8;
    if (packed > size - in || raw > expected - produced) return false;
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(data + in),
                                reinterpret_cast<char*>(out + produced), static_cast<int>(packed),
                                static_cast<int>(raw));
    if (n < 0 || static_cast<uint32_t>(n) != raw) return false;
    in += packed;
    produced += raw;
  }
  return produced == expected;
}

Status Lz4Block(const uint8_t* data, size_t size, uint8_t* out, size_t expected, const char* name) {
  if (size > INT32_MAX || expected > INT32_MAX) return Corrupt("{}: page too large", name);
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(data), reinterpret_cast<char*>(out),
                              static_cast<int>(size), static_cast<int>(expected));
  if (n < 0) return Corrupt("{}: invalid compressed data (or larger than the declared {} bytes)", name, expected);
  if (static_cast<size_t>(n) != expected) {
    return Corrupt("{}: decompressed {} bytes, page header declares {}", name, n, expected);
  }
  return Status::OK();
}

}  // namespace

bool CanCompress(CompressionCodec codec) {
  return codec == CompressionCodec::UNCOMPRESSED || codec == CompressionCodec::SNAPPY ||
         codec == CompressionCodec::ZSTD || codec == CompressionCodec::GZIP;
}

Status Compress(CompressionCodec codec, const uint8_t* data, size_t size, std::string* out, int level) {
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      out->assign(reinterpret_cast<const char*>(data), size);
      return Status::OK();
    case CompressionCodec::SNAPPY: {
      out->resize(snappy::MaxCompressedLength(size));
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(data), size, out->data(), &n);
      out->resize(n);
      return Status::OK();
    }
    case CompressionCodec::ZSTD: {
      out->resize(ZSTD_compressBound(size));
      size_t n = ZSTD_compressCCtx(Zstd().c, out->data(), out->size(), data, size, level == 0 ? 3 : level);
      if (ZSTD_isError(n)) return Internal("zstd: {}", ZSTD_getErrorName(n));
      out->resize(n);
      return Status::OK();
    }
    case CompressionCodec::GZIP:
      return GzipCompress(data, size, out, level);
    default:
      return Unsupported("cannot write {} compression; use zstd, snappy, gzip or uncompressed",
                         CodecName(codec));
  }
}

Status Decompress(CompressionCodec codec, const uint8_t* data, size_t size, uint8_t* out,
                  size_t expected) {
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      if (size != expected) {
        return Corrupt("uncompressed page has {} bytes, header declares {}", size, expected);
      }
      if (size) std::memcpy(out, data, size);
      return Status::OK();
    case CompressionCodec::SNAPPY: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(data), size, &n)) {
        return Corrupt("snappy: invalid compressed data");
      }
      if (n != expected) return Corrupt("snappy: data holds {} bytes, page header declares {}", n, expected);
      if (!snappy::RawUncompress(reinterpret_cast<const char*>(data), size, reinterpret_cast<char*>(out))) {
        return Corrupt("snappy: invalid compressed data");
      }
      return Status::OK();
    }
    case CompressionCodec::ZSTD: {
      size_t n = ZSTD_decompressDCtx(Zstd().d, out, expected, data, size);
      if (ZSTD_isError(n)) {
        return Corrupt("zstd: {} (page header declares {} bytes)", ZSTD_getErrorName(n), expected);
      }
      if (n != expected) return Corrupt("zstd: decompressed {} bytes, page header declares {}", n, expected);
      return Status::OK();
    }
    case CompressionCodec::GZIP:
      return GzipDecompress(data, size, out, expected);
    case CompressionCodec::LZ4_RAW:
      return Lz4Block(data, size, out, expected, "lz4_raw");
    case CompressionCodec::LZ4:
      if (TryLz4Hadoop(data, size, out, expected)) return Status::OK();
      return Lz4Block(data, size, out, expected, "lz4");
    default:
      return Unsupported("{} compression is not supported", CodecName(codec));
  }
}

Status Decompress(CompressionCodec codec, const uint8_t* data, size_t size, size_t expected,
                  std::string* out) {
  out->resize(expected);
  return Decompress(codec, data, size, reinterpret_cast<uint8_t*>(out->data()), expected);
}

}  // namespace icesync::parquet
