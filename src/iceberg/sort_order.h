#pragma once
// Sort orders (table spec, "Sorting"). icesync writes the unsorted order (id 0, no fields);
// others' orders are read and written back unchanged.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iceberg/transforms.h"

namespace icesync::iceberg {

struct SortField {
  Transform transform;
  int source_id = 0;
  std::string direction = "asc";         // "asc" | "desc"
  std::string null_order = "nulls-first";  // "nulls-first" | "nulls-last"
  bool operator==(const SortField& o) const = default;
};

struct SortOrder {
  int order_id = 0;
  std::vector<SortField> fields;
  static SortOrder Unsorted() { return SortOrder(); }
  bool operator==(const SortOrder& o) const = default;
};

nlohmann::json SortOrderToJson(const SortOrder& order);
Result<SortOrder> SortOrderFromJson(const nlohmann::json& j);

}  // namespace icesync::iceberg
