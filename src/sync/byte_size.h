#pragma once
// Human byte sizes on the command line: "134217728", "128MB", "128MiB", "512k", "1G".
// Units are binary (K = 1024), as file-size settings conventionally are.
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace icesync::sync {

Result<int64_t> ParseByteSize(std::string_view text);

}  // namespace icesync::sync
