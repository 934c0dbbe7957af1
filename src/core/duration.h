#pragma once
// Durations on the command line: "90s", "5m", "2h", "7d", "1h30m", "250ms", "0".
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace icesync {

// Microseconds; InvalidArgument naming the text and the accepted forms.
Result<int64_t> ParseDurationMicros(std::string_view text);

}  // namespace icesync
