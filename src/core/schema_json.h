#pragma once
// Iceberg's JSON form of schemas and types (table spec, "Schemas" appendix), used in table
// metadata, in Avro manifest metadata and in the Parquet "iceberg.schema" key-value entry.
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/schema.h"

namespace icesync {

// `j` as an integer of type T, for the ids, versions and timestamps of Iceberg's JSON. Unlike
// j.get<T>(), which converts any number (1.5 to 1; a float beyond T's range is undefined
// behaviour, found by fuzz/table_metadata_fuzz.cc), it accepts only integers within T's
// range. Throws the nlohmann::json exceptions get<T>() throws for other wrong types, so the
// parsers' catch blocks report it as corrupt metadata.
template <typename T>
T JsonInt(const nlohmann::json& j) {
  if (!j.is_number_integer()) {
    throw nlohmann::json::type_error::create(302, "type must be an integer, but is " + std::string(j.type_name()) +
                                                      (j.is_number() ? " " + j.dump() : ""),
                                             &j);
  }
  const bool fits = j.is_number_unsigned()
                        ? j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max())
                        : j.get<int64_t>() >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                              j.get<int64_t>() <= static_cast<int64_t>(std::numeric_limits<T>::max());
  if (!fits) throw nlohmann::json::out_of_range::create(406, "integer " + j.dump() + " is out of range", &j);
  return j.is_number_unsigned() ? static_cast<T>(j.get<uint64_t>()) : static_cast<T>(j.get<int64_t>());
}

// JsonInt of j[key], or `fallback` when the key is absent or null (j.value(key, fallback)
// converts like get<T>()).
template <typename T>
T JsonInt(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : JsonInt<T>(*it);
}

nlohmann::json SchemaToJson(const Schema& schema);
Result<Schema> SchemaFromJson(const nlohmann::json& j);
nlohmann::json TypeToJson(const DataType& type);
Result<DataType> TypeFromJson(const nlohmann::json& j);

}  // namespace icesync
