#pragma once
// Decoders for the value section of data pages (parquet-format Encodings.md), each
// appending exactly `n` values to a DecodedValues and failing with Corrupt when the input is
// too short or malformed. They never read outside `in` and allocate at most what `n` and
// the input length justify.
//
// `layout` says how a physical type is held: BOOLEAN (one byte 0/1 per value), a fixed
// width in bytes (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FIXED_LEN_BYTE_ARRAY n), or
// variable (BYTE_ARRAY).
#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "parquet/decoded_values.h"

namespace icesync::parquet {

struct ValueLayout {
  bool boolean = false;
  int width = 0;  // bytes per value; 0 = BYTE_ARRAY
};

// PLAIN. Booleans are bit-packed LSB first; byte arrays are 4-byte LE length + bytes.
Status DecodePlain(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out);

// BYTE_STREAM_SPLIT: `width` streams of in.size()/width bytes each; value i takes byte i of
// every stream. Valid for any fixed width.
Status DecodeByteStreamSplit(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out);

// DELTA_BINARY_PACKED for INT32 (width 4) and INT64 (width 8). Arithmetic wraps modulo 2^64
// (and the INT32 result is the low 32 bits), as the spec requires for overflowing deltas.
Status DecodeDeltaBinaryPacked(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out);

// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (incremental / front coding) for BYTE_ARRAY
// and FIXED_LEN_BYTE_ARRAY.
Status DecodeDeltaLengthByteArray(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out);
Status DecodeDeltaByteArray(std::string_view in, ValueLayout layout, int64_t n, DecodedValues* out);

// The low-level DELTA_BINARY_PACKED stream: decodes every value the stream's header
// declares (at most `max_values`, else Corrupt) into `out` and reports how many input bytes
// the stream used, so that the byte-array encodings can continue after it.
Status DecodeDeltaStream(std::string_view in, int64_t max_values, std::vector<int64_t>* out, size_t* consumed);

}  // namespace icesync::parquet
