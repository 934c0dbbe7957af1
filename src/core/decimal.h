#pragma once
// Decimal helpers: unscaled Int128 values with a (precision, scale) from the type.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.h"

namespace icesync {

// "-12.345" for (-12345, 3); scale 0 prints no point; at least one digit before the point.
std::string DecimalToString(Int128 unscaled, int scale);
// Parses "[-+]digits[.digits]" (also "1e3"-free plain forms only) into the unscaled value at
// `scale`. Fails if digits beyond `scale` are non-zero or the result exceeds `precision`.
Result<Int128> ParseDecimal(std::string_view text, int precision, int scale);
// 10^p - 1: the largest unscaled value of precision p.
Int128 MaxUnscaled(int precision);
// Smallest two's complement byte width holding any value of `precision` digits (Iceberg's
// rule for fixed-length decimal storage): 1..16.
int DecimalByteWidth(int precision);
// Big-endian two's complement, sign-extended into `width` bytes (1..16).
void DecimalToBigEndian(Int128 v, int width, uint8_t* out);
Int128 DecimalFromBigEndian(const uint8_t* p, int width);
// Minimal big-endian two's complement bytes (Iceberg single-value serialization).
std::string DecimalToMinimalBytes(Int128 v);
std::string Int128ToString(Int128 v);

}  // namespace icesync
