#include "sync/byte_size.h"

#include <cctype>
#include <string>

namespace icesync::sync {

Result<int64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  auto bad = [&] {
    return InvalidArgument("'{}' is not a size; use bytes or a number with K, M or G (e.g. 128MB)", text);
  };
  if (i == 0 || i > 15) return bad();
  int64_t n = std::stoll(std::string(text.substr(0, i)));
  std::string unit;
  for (char c : text.substr(i)) {
    if (c != ' ') unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    shift = 30;
  } else {
    return bad();
  }
  if (n == 0) return InvalidArgument("size '{}' must be positive", text);
  return n << shift;
}

}  // namespace icesync::sync
