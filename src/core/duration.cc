#include "core/duration.h"

#include <string>

namespace icesync {

Result<int64_t> ParseDurationMicros(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("'{}' is not a duration; use a number with a unit: 250ms, 90s, 5m, 2h, 7d (or 1h30m)",
                           std::string(text));
  };
  if (text == "0") return int64_t{0};
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > (INT64_MAX / 10)) return bad();
      n = n * 10 + (text[i++] - '0');
    }
    if (i == start) return bad();
    size_t unit_start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t micros_per;
    if (unit == "ms") {
      micros_per = 1000;
    } else if (unit == "s") {
      micros_per = 1'000'000;
    } else if (unit == "m") {
      micros_per = 60'000'000;
    } else if (unit == "h") {
      micros_per = 3'600'000'000;
    } else if (unit == "d") {
      micros_per = 86'400'000'000;
    } else {
      return bad();
    }
    if (n > INT64_MAX / micros_per) return bad();
    total += n * micros_per;
  }
  return total;
}

}  // namespace icesync
