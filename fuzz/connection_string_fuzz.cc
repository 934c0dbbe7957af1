// libFuzzer target: resolves the input as what a user passes to --source/--target (a URL or
// an ODBC connection string). Attributes that parse must format and parse back to the same
// attributes, and the redacted form never holds the password. Any crash, sanitizer report or
// timeout is a bug; InvalidArgument statuses are the expected outcome.
//
//   build/fuzz/fuzz/connection_string_fuzz -max_total_time=60 corpus/
#include <cstddef>
#include <cstdint>
#include <cctype>
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
  if (!resolved.ok()) return 0;
  // The redacted form parses to the same attributes as the ODBC form, each password
  // attribute's value replaced by "***" (so no password can pass through under another key).
  auto redacted = ParseOdbcAttributes(resolved->redacted);
  auto odbc = ParseOdbcAttributes(resolved->odbc);
  if (!redacted.ok() || !odbc.ok() || redacted->size() != odbc->size()) __builtin_trap();
  for (size_t i = 0; i < odbc->size(); ++i) {
    std::string key = (*odbc)[i].first;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool password = key == "pwd" || key == "password";
    if ((*redacted)[i].first != (*odbc)[i].first) __builtin_trap();
    if ((*redacted)[i].second != (password ? "***" : (*odbc)[i].second)) __builtin_trap();
  }
  return 0;
}
