#pragma once
// Calendar arithmetic (proleptic Gregorian, any year) and ISO-8601 text for dates, times
// and timestamps, in the canonical forms that `parquet cat` and `scan` print.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icesync {

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

CivilDate CivilFromDays(int64_t days_since_epoch);
int64_t DaysFromCivil(int64_t year, int month, int day);

// "YYYY-MM-DD": four digits at least; years beyond 9999 print all digits, negative with '-'.
std::string FormatDate(int64_t days);
// "HH:MM:SS.ffffff" (µs) / 9 fraction digits for nanoseconds.
std::string FormatTimeMicros(int64_t micros_of_day);
std::string FormatTimeNanos(int64_t nanos_of_day);
// "YYYY-MM-DDTHH:MM:SS.ffffff", plus "+00:00" when utc.
std::string FormatTimestampMicros(int64_t micros, bool utc);
std::string FormatTimestampNanos(int64_t nanos, bool utc);

// Parses "YYYY-MM-DD".
Result<int32_t> ParseDate(std::string_view s);
// Parses "HH:MM:SS[.f{1,9}]" to µs (digits beyond µs must be zero unless truncate is set).
Result<int64_t> ParseTimeMicros(std::string_view s);
// Parses "YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|±HH:MM]" to µs since epoch, UTC-normalised when
// an offset is present.
Result<int64_t> ParseTimestampMicros(std::string_view s);

}  // namespace icesync
