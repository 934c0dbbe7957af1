#include "parquet/writer_schema.h"

#include "core/decimal.h"

namespace icesync::parquet {

Result<SchemaElement> LeafSchemaElement(const Field& field) {
  SchemaElement e;
  e.name = field.name;
  e.field_id = field.id;
  e.repetition_type = field.required ? FieldRepetitionType::REQUIRED : FieldRepetitionType::OPTIONAL;
  const DataType& t = field.type;
  switch (t.id()) {
    case TypeId::kBoolean: e.type = Type::BOOLEAN; break;
    case TypeId::kInt32: e.type = Type::INT32; break;
    case TypeId::kInt64: e.type = Type::INT64; break;
    case TypeId::kFloat32: e.type = Type::FLOAT; break;
    case TypeId::kFloat64: e.type = Type::DOUBLE; break;
    case TypeId::kDecimal:
      if (t.precision() <= 9) {
        e.type = Type::INT32;
      } else if (t.precision() <= 18) {
        e.type = Type::INT64;
      } else {
        e.type = Type::FIXED_LEN_BYTE_ARRAY;
        e.type_length = DecimalByteWidth(t.precision());
      }
      e.converted_type = ConvertedType::DECIMAL;
      e.precision = t.precision();
      e.scale = t.scale();
      e.logical_type = LogicalType::Decimal(t.precision(), t.scale());
      break;
    case TypeId::kDate:
      e.type = Type::INT32;
      e.converted_type = ConvertedType::DATE;
      e.logical_type = LogicalType::Of(LogicalType::DATE);
      break;
    case TypeId::kTime:
      e.type = Type::INT64;
      e.logical_type = LogicalType::Time(false, TimeUnit::MICROS);
      break;
    case TypeId::kTimestamp:
      e.type = Type::INT64;
      e.logical_type = LogicalType::Timestamp(false, TimeUnit::MICROS);
      break;
    case TypeId::kTimestampTz:
      e.type = Type::INT64;
      e.converted_type = ConvertedType::TIMESTAMP_MICROS;
      e.logical_type = LogicalType::Timestamp(true, TimeUnit::MICROS);
      break;
    case TypeId::kString:
      e.type = Type::BYTE_ARRAY;
      e.converted_type = ConvertedType::UTF8;
      e.logical_type = LogicalType::Of(LogicalType::STRING);
      break;
    case TypeId::kUuid:
      e.type = Type::FIXED_LEN_BYTE_ARRAY;
      e.type_length = 16;
      e.logical_type = LogicalType::Of(LogicalType::UUID);
      break;
    case TypeId::kFixed:
      e.type = Type::FIXED_LEN_BYTE_ARRAY;
      e.type_length = t.length();
      break;
    case TypeId::kBinary:
      e.type = Type::BYTE_ARRAY;
      break;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      return Unsupported("column '{}' (field id {}) has nested type {}; the Parquet writer writes primitive columns only",
                         field.name, field.id, t.id() == TypeId::kStruct ? "struct" : t.id() == TypeId::kList ? "list" : "map");
  }
  return e;
}

}  // namespace icesync::parquet
