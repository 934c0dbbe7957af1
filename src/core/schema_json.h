#pragma once
// Iceberg's JSON form of schemas and types (table spec, "Schemas" appendix), used in table
// metadata, in Avro manifest metadata and in the Parquet "iceberg.schema" key-value entry.
#include <nlohmann/json.hpp>

#include "core/schema.h"

namespace icesync {

nlohmann::json SchemaToJson(const Schema& schema);
Result<Schema> SchemaFromJson(const nlohmann::json& j);
nlohmann::json TypeToJson(const DataType& type);
Result<DataType> TypeFromJson(const nlohmann::json& j);

}  // namespace icesync
