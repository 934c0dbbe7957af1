#include "core/decimal.h"

namespace icesync {

std::string Int128ToString(Int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  // Work in unsigned to handle the most negative value.
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  char buf[48];
  int n = 0;
  while (u > 0) {
    buf[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  std::string s;
  if (neg) s.push_back('-');
  while (n > 0) s.push_back(buf[--n]);
  return s;
}

std::string DecimalToString(Int128 unscaled, int scale) {
  std::string digits = Int128ToString(unscaled);
  bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return neg ? "-" + digits : digits;
}

Int128 MaxUnscaled(int precision) {
  Int128 v = 1;
  for (int i = 0; i < precision; ++i) v *= 10;
  return v - 1;
}

Result<Int128> ParseDecimal(std::string_view text, int precision, int scale) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  Int128 v = 0;
  int frac_digits = -1;  // -1: no point seen
  bool any_digit = false;
  // Hoisted: a 128-bit division per digit was most of the parse (the extractor parses every
  // decimal it reads).
  static const Int128 limit = MaxUnscaled(38);
  static const Int128 limit_div10 = limit / 10;
  for (char c : s) {
    if (c == '.') {
      if (frac_digits >= 0) return InvalidArgument("invalid decimal '{}'", text);
      frac_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return InvalidArgument("invalid decimal '{}'", text);
    any_digit = true;
    if (frac_digits >= 0) {
      if (frac_digits >= scale) {
        if (c != '0') return InvalidArgument("decimal '{}' has more than {} fraction digits", text, scale);
        continue;
      }
      ++frac_digits;
    }
    if (v > limit_div10) return InvalidArgument("decimal '{}' exceeds 38 digits", text);
    v = v * 10 + (c - '0');
  }
  if (!any_digit) return InvalidArgument("invalid decimal '{}'", text);
  for (int i = std::max(frac_digits, 0); i < scale; ++i) {
    if (v > limit_div10) return InvalidArgument("decimal '{}' exceeds 38 digits", text);
    v *= 10;
  }
  if (v > MaxUnscaled(precision)) {
    return InvalidArgument("decimal '{}' does not fit decimal({},{})", text, precision, scale);
  }
  return neg ? -v : v;
}

int DecimalByteWidth(int precision) {
  for (int w = 1; w <= 16; ++w) {
    // Max positive value in w bytes is 2^(8w-1) - 1.
    Int128 max = (w == 16) ? ~(static_cast<Int128>(1) << 127) : ((static_cast<Int128>(1) << (8 * w - 1)) - 1);
    if (MaxUnscaled(precision) <= max) return w;
  }
  return 16;
}

void DecimalToBigEndian(Int128 v, int width, uint8_t* out) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;  // arithmetic shift keeps the sign
  }
}

Int128 DecimalFromBigEndian(const uint8_t* p, int width) {
  if (width <= 0) return 0;
  Int128 v = (p[0] & 0x80) ? -1 : 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | p[i];
  return v;
}

std::string DecimalToMinimalBytes(Int128 v) {
  int width = 16;
  // Drop leading bytes that are pure sign extension.
  while (width > 1) {
    Int128 lo = -(static_cast<Int128>(1) << (8 * (width - 1) - 1));
    Int128 hi = (static_cast<Int128>(1) << (8 * (width - 1) - 1)) - 1;
    if (v < lo || v > hi) break;
    --width;
  }
  std::string out(width, '\0');
  DecimalToBigEndian(v, width, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

}  // namespace icesync
