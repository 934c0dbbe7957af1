#pragma once
// The first rows of a table's current snapshot in canonical JSON (as `icesync scan` prints them).
#include <string>
#include <vector>

#include "iceberg/catalog.h"

namespace icesync::sync {

Result<std::vector<std::string>> PreviewRows(const iceberg::Table& table, int64_t limit);

}  // namespace icesync::sync
