#pragma once
// PostgreSQL's binary COPY format, shared by the COPY extractor and the COPY loader: the file
// header, big-endian integers, and how each column type travels (its send/recv form).
//
//   header   "PGCOPY\n\377\r\n\0", int32 flags, int32 extension length, extension bytes
//   tuple    int16 field count, then per field int32 length (-1: NULL) and the bytes
//   trailer  int16 -1
#include <cstdint>
#include <cstring>
#include <string>

#include "core/status.h"
#include "core/types.h"

namespace icesync::db::pgbinary {

inline constexpr char kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
inline constexpr size_t kHeaderBytes = 19;  // signature, flags, extension length (no extension)
// PostgreSQL counts dates and timestamps from 2000-01-01; Iceberg from 1970-01-01.
inline constexpr int32_t kEpochDays = 10957;
inline constexpr int64_t kEpochMicros = int64_t{kEpochDays} * 86'400'000'000LL;
// numeric's sign word (src/backend/utils/adt/numeric.c): 0 positive, 0x4000 negative,
// 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity.
inline constexpr uint16_t kNumericNegative = 0x4000;

inline uint16_t Be16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline uint32_t Be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t Be64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void PutBe16(uint16_t v, std::string* out) {
  v = __builtin_bswap16(v);
  out->append(reinterpret_cast<const char*>(&v), 2);
}
inline void PutBe32(uint32_t v, std::string* out) {
  v = __builtin_bswap32(v);
  out->append(reinterpret_cast<const char*>(&v), 4);
}
inline void PutBe64(uint64_t v, std::string* out) {
  v = __builtin_bswap64(v);
  out->append(reinterpret_cast<const char*>(&v), 8);
}

// How a column travels. kText: a type whose binary form we do not handle, selected as ::text.
enum class Wire : uint8_t { kBool, kInt2, kInt4, kInt8, kFloat4, kFloat8, kNumeric, kDate, kTime, kTimestamp,
                            kString, kBytea, kUuid, kText };

// The wire form of a column by its catalog type name (information_schema data_type, as
// type_mapping.cc's PostgreSQL names).
Wire WireOf(const std::string& type_name);
// The wire form a core type is sent in by the loader (kText when there is none).
Wire WireFor(const DataType& type);
// Bytes a fixed-width wire form has; 0 for variable ones.
int32_t FixedLength(Wire w);

// A binary numeric (ndigits, weight, sign, dscale, base-10000 digits most significant first;
// value = sum digit[i] * 10000^(weight - i)) as the unscaled integer at `scale`. Fails for
// NaN/Infinity, digits beyond the scale and values beyond `precision` (messages say "it ...",
// for the caller to prefix with the column).
Result<Int128> NumericToUnscaled(const char* p, int32_t len, int precision, int scale);
// Appends the field (int32 length, then the binary numeric) of unscaled value `v` at `scale`
// (dscale = scale).
void AppendNumeric(Int128 v, int scale, std::string* out);

}  // namespace icesync::db::pgbinary
