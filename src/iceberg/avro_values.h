#pragma once
// How Iceberg types and values are stored in Avro (table spec, Appendix A "Avro"), for the
// partition tuples of manifests: date as int/date, time as long/time-micros, timestamps as
// long/timestamp-micros with adjust-to-utc, uuid as fixed[16]/uuid, decimal(P,S) as the
// smallest fixed holding P digits with logicalType decimal, binary as bytes.
#include "avro/datum.h"
#include "avro/schema.h"
#include "core/types.h"
#include "core/value.h"

namespace icesync::iceberg {

// The Avro schema of a primitive Iceberg type (Unsupported for nested types).
Result<avro::NodePtr> AvroSchemaForType(const DataType& type);
// The Iceberg type an Avro primitive (with its logical type) stands for; the union wrapper
// of optional values is looked through.
Result<DataType> IcebergTypeForAvro(const avro::Node& node);

// Encodes a non-null value for AvroSchemaForType(value.type()); null values encode as null.
Result<avro::Datum> ValueToDatum(const Value& value);
// Decodes `datum` (as any Avro encoding Iceberg writers use for `type`: int or long for
// longs, fixed or bytes for decimals and uuids, ...) into a Value of `type`.
Result<Value> DatumToValue(const avro::Datum& datum, const DataType& type);

}  // namespace icesync::iceberg
