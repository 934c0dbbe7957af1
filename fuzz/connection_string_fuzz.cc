// libFuzzer target: resolves the input as what a user passes to --source/--target (a URL or
// an ODBC connection string). Attributes that parse must format and parse back to the same
// attributes, and the redacted form never holds the password. Any crash, sanitizer report or
// timeout is a bug; InvalidArgument statuses are the expected outcome.
//
//   build/fuzz/fuzz/connection_string_fuzz -max_total_time=60 corpus/
#include <cstddef>
#include <cstdint>
#include <string>

#include "db/connection_string.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace icesync::db;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto attrs = ParseOdbcAttributes(text);
  if (attrs.ok()) {
    auto again = ParseOdbcAttributes(FormatOdbcAttributes(*attrs));
    if (!again.ok() || *again != *attrs) __builtin_trap();
  }
  auto resolved = ResolveConnectionString(text);
  if (resolved.ok() && resolved->password.size() >= 4 && resolved->password.find('*') == std::string::npos &&
      resolved->redacted.find(resolved->password) != std::string::npos &&
      resolved->odbc.find(resolved->password) == resolved->odbc.rfind(resolved->password)) {
    // The password occurs once in the ODBC string, so seeing it in the redacted one is a leak.
    __builtin_trap();
  }
  return 0;
}
