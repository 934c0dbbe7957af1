#pragma once
// Page compression codecs. Compress supports what the writer offers (UNCOMPRESSED, SNAPPY,
// ZSTD, GZIP); Decompress also reads LZ4_RAW and the deprecated LZ4 (Hadoop framing, with a
// fallback to a bare LZ4 block as some writers produced). Decompression is bounded by the
// page's declared uncompressed size: output that would exceed it, or fall short of it, is an
// error (Corrupt), so a corrupt page cannot make us allocate or write beyond that size.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

// Level 0 means the codec's default (zstd 3, gzip 6). Replaces *out.
Status Compress(CompressionCodec codec, const uint8_t* data, size_t size, std::string* out,
                int level = 0);

// Decompresses exactly `uncompressed_size` bytes into `out` (which must have room for them).
Status Decompress(CompressionCodec codec, const uint8_t* data, size_t size, uint8_t* out,
                  size_t uncompressed_size);

// Convenience form: resizes *out to `uncompressed_size`.
Status Decompress(CompressionCodec codec, const uint8_t* data, size_t size, size_t uncompressed_size,
                  std::string* out);

// Whether Compress supports the codec (the writer checks options with it).
bool CanCompress(CompressionCodec codec);

}  // namespace icesync::parquet
