#pragma once
// How the writer stores each Iceberg primitive type in Parquet (Iceberg spec, "Parquet"
// appendix): the physical type, the logical type annotation, and the legacy converted type
// where an exact equivalent exists (converted TIMESTAMP_MICROS / TIME_MICROS imply
// isAdjustedToUTC=true, so local timestamps and times carry only the logical type).
//
//   boolean BOOLEAN | int INT32 | long INT64 | float FLOAT | double DOUBLE
//   decimal(p,s) INT32 (p<=9), INT64 (p<=18), else FIXED_LEN_BYTE_ARRAY(DecimalByteWidth(p))
//   date INT32 DATE | time INT64 TIME(MICROS,false) | timestamp INT64 TIMESTAMP(MICROS,false)
//   timestamptz INT64 TIMESTAMP(MICROS,true) | string BYTE_ARRAY STRING
//   uuid FIXED_LEN_BYTE_ARRAY(16) UUID | fixed[n] FIXED_LEN_BYTE_ARRAY(n) | binary BYTE_ARRAY
#include "core/types.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

// The leaf SchemaElement of a top-level field, with its field_id and repetition. Nested
// types are not written yet (Unsupported, naming the column).
Result<SchemaElement> LeafSchemaElement(const Field& field);

}  // namespace icesync::parquet
