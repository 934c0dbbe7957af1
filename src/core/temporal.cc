#include "core/temporal.h"

#include <cstdio>

namespace icesync {

namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

void AppendYear(std::string& out, int64_t year) {
  char buf[32];
  if (year < 0) {
    std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(-year));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(year));
  }
  out += buf;
}

void AppendDatePart(std::string& out, int64_t days) {
  CivilDate d = CivilFromDays(days);
  AppendYear(out, d.year);
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%02d-%02d", d.month, d.day);
  out += buf;
}

void AppendClock(std::string& out, int64_t seconds_of_day, int64_t fraction, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%0*lld", static_cast<long long>(seconds_of_day / 3600),
                static_cast<long long>(seconds_of_day / 60 % 60), static_cast<long long>(seconds_of_day % 60), digits,
                static_cast<long long>(fraction));
  out += buf;
}
}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days, valid for any int64 year range we use.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{y + (m <= 2), m, d};
}

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDatePart(out, days);
  return out;
}

std::string FormatTimeMicros(int64_t micros) {
  std::string out;
  AppendClock(out, FloorDiv(micros, 1000000), FloorMod(micros, 1000000), 6);
  return out;
}

std::string FormatTimeNanos(int64_t nanos) {
  std::string out;
  AppendClock(out, FloorDiv(nanos, 1000000000), FloorMod(nanos, 1000000000), 9);
  return out;
}

namespace {
// `ticks` of 1/ticks_per_second since the epoch, with `digits` fractional digits.
std::string FormatTimestampTicks(int64_t ticks, int64_t ticks_per_second, int digits, bool utc) {
  std::string out;
  const int64_t secs = FloorDiv(ticks, ticks_per_second);
  AppendDatePart(out, FloorDiv(secs, 86400));
  out += 'T';
  AppendClock(out, FloorMod(secs, 86400), FloorMod(ticks, ticks_per_second), digits);
  if (utc) out += "+00:00";
  return out;
}
}  // namespace

std::string FormatTimestampMicros(int64_t micros, bool utc) { return FormatTimestampTicks(micros, 1000000, 6, utc); }

std::string FormatTimestampNanos(int64_t nanos, bool utc) { return FormatTimestampTicks(nanos, 1000000000, 9, utc); }

namespace {
// Reads exactly n digits at pos.
bool ReadDigits(std::string_view s, size_t& pos, int n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool ParseDatePart(std::string_view s, size_t& pos, int64_t& days) {
  int64_t y, m, d;
  bool neg = pos < s.size() && s[pos] == '-';
  if (neg) ++pos;
  size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  if (pos - start < 4) return false;
  size_t p2 = start;
  if (!ReadDigits(s, p2, static_cast<int>(pos - start), y)) return false;
  if (neg) y = -y;
  if (pos >= s.size() || s[pos++] != '-' || !ReadDigits(s, pos, 2, m)) return false;
  if (pos >= s.size() || s[pos++] != '-' || !ReadDigits(s, pos, 2, d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  days = DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d));
  if (CivilFromDays(days).day != d) return false;  // e.g. Feb 30
  return true;
}

bool ParseClock(std::string_view s, size_t& pos, int64_t& micros) {
  int64_t h, mi, sec;
  if (!ReadDigits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !ReadDigits(s, pos, 2, mi)) return false;
  sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, sec)) return false;
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (s[pos] - '0');
      } else if (s[pos] != '0') {
        return false;  // sub-microsecond precision would be lost
      }
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return false;
    for (int i = digits; i < 6; ++i) frac *= 10;
  }
  micros = ((h * 60 + mi) * 60 + sec) * 1000000 + frac;
  return true;
}
}  // namespace

Result<int32_t> ParseDate(std::string_view s) {
  size_t pos = 0;
  int64_t days;
  if (!ParseDatePart(s, pos, days) || pos != s.size()) return InvalidArgument("invalid date '{}' (expected YYYY-MM-DD)", s);
  return static_cast<int32_t>(days);
}

Result<int64_t> ParseTimeMicros(std::string_view s) {
  size_t pos = 0;
  int64_t micros;
  if (!ParseClock(s, pos, micros) || pos != s.size()) return InvalidArgument("invalid time '{}' (expected HH:MM:SS[.ffffff])", s);
  return micros;
}

Result<int64_t> ParseTimestampMicros(std::string_view s) {
  size_t pos = 0;
  int64_t days, micros = 0;
  auto bad = [&] { return InvalidArgument("invalid timestamp '{}' (expected YYYY-MM-DD[THH:MM:SS[.ffffff]][Z|+HH:MM])", s); };
  if (!ParseDatePart(s, pos, days)) return bad();
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    if (!ParseClock(s, pos, micros)) return bad();
  }
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos++] == '-' ? -1 : 1;
      int64_t oh, om = 0;
      if (!ReadDigits(s, pos, 2, oh)) return bad();
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !ReadDigits(s, pos, 2, om)) return bad();
      offset_minutes = sign * (oh * 60 + om);
    }
  }
  if (pos != s.size()) return bad();
  return days * 86400000000LL + micros - offset_minutes * 60000000LL;
}

}  // namespace icesync
