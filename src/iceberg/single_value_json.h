#pragma once
// Iceberg's JSON single-value serialization (table spec, Appendix D "JSON single-value
// serialization"), used by a field's `initial-default`: numbers for int/long/float/double,
// strings for decimal ("14.20"), date, time, timestamps, string and uuid, lowercase or
// uppercase hex strings for fixed and binary.
#include <nlohmann/json.hpp>

#include "core/types.h"
#include "core/value.h"

namespace icesync::iceberg {

// Primitive types only; JSON null gives a null Value. Longs are parsed exactly (never
// through a double), floats are rounded once from the JSON decimal to float32.
Result<Value> ValueFromSingleValueJson(const DataType& type, const nlohmann::json& j);

// The value rows written before `field` existed read as: its initial-default, or null.
Result<Value> InitialDefaultValue(const Field& field);

}  // namespace icesync::iceberg
