#include "iceberg/sort_order.h"

#include "core/schema_json.h"

namespace icesync::iceberg {

using nlohmann::json;

json SortOrderToJson(const SortOrder& order) {
  json fields = json::array();
  for (const SortField& f : order.fields) {
    fields.push_back({{"transform", f.transform.ToString()}, {"source-id", f.source_id},
                      {"direction", f.direction}, {"null-order", f.null_order}});
  }
  return {{"order-id", order.order_id}, {"fields", fields}};
}

Result<SortOrder> SortOrderFromJson(const json& j) {
  try {
    SortOrder order;
    order.order_id = JsonInt<int>(j.at("order-id"));
    for (const json& f : j.at("fields")) {
      SortField sf;
      ASSIGN_OR_RETURN(sf.transform, Transform::Parse(f.at("transform").get<std::string>()));
      sf.source_id = f.contains("source-id") ? JsonInt<int>(f["source-id"]) : JsonInt<int>(f.at("source-ids").at(0));
      sf.direction = f.value("direction", "asc");
      sf.null_order = f.value("null-order", "nulls-first");
      order.fields.push_back(std::move(sf));
    }
    return order;
  } catch (const json::exception& e) {
    return Corrupt("bad sort order {}: {}", j.dump(), e.what());
  }
}

}  // namespace icesync::iceberg
