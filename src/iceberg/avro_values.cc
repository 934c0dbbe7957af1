#include "iceberg/avro_values.h"

#include "core/decimal.h"

namespace icesync::iceberg {

using avro::AvroType;
using avro::Datum;

Result<avro::NodePtr> AvroSchemaForType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return avro::MakePrimitive(AvroType::kBoolean);
    case TypeId::kInt32: return avro::MakePrimitive(AvroType::kInt);
    case TypeId::kInt64: return avro::MakePrimitive(AvroType::kLong);
    case TypeId::kFloat32: return avro::MakePrimitive(AvroType::kFloat);
    case TypeId::kFloat64: return avro::MakePrimitive(AvroType::kDouble);
    case TypeId::kDate: return avro::MakeLogical(AvroType::kInt, "date");
    case TypeId::kTime: return avro::MakeLogical(AvroType::kLong, "time-micros");
    case TypeId::kTimestamp:
      return avro::MakeLogical(AvroType::kLong, "timestamp-micros", {{"adjust-to-utc", false}});
    case TypeId::kTimestampTz:
      return avro::MakeLogical(AvroType::kLong, "timestamp-micros", {{"adjust-to-utc", true}});
    case TypeId::kString: return avro::MakePrimitive(AvroType::kString);
    case TypeId::kBinary: return avro::MakePrimitive(AvroType::kBytes);
    case TypeId::kUuid: return avro::MakeFixed("uuid_fixed", 16, "uuid");
    case TypeId::kFixed: return avro::MakeFixed(fmt::format("fixed_{}", type.length()), type.length());
    case TypeId::kDecimal:
      return avro::MakeFixed(fmt::format("decimal_{}_{}", type.precision(), type.scale()),
                             DecimalByteWidth(type.precision()), "decimal", type.precision(), type.scale());
    default: return Unsupported("type {} cannot be a partition value", type.ToString());
  }
}

Result<DataType> IcebergTypeForAvro(const avro::Node& n) {
  if (n.type == AvroType::kUnion) {
    const avro::Node* inner = n.NonNullBranch();
    if (!inner) return Unsupported("Avro union with {} branches is not an Iceberg type", n.branches.size());
    return IcebergTypeForAvro(*inner);
  }
  const std::string& lt = n.logical_type;
  switch (n.type) {
    case AvroType::kBoolean: return DataType::Boolean();
    case AvroType::kInt: return lt == "date" ? DataType::Date() : DataType::Int32();
    case AvroType::kLong:
      if (lt == "time-micros") return DataType::Time();
      if (lt == "timestamp-micros") {
        auto it = n.attributes.find("adjust-to-utc");
        bool utc = it != n.attributes.end() &&
                   ((it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get<std::string>() == "true"));
        return utc ? DataType::TimestampTz() : DataType::Timestamp();
      }
      return DataType::Int64();
    case AvroType::kFloat: return DataType::Float32();
    case AvroType::kDouble: return DataType::Float64();
    case AvroType::kString: return lt == "uuid" ? DataType::Uuid() : DataType::String();
    case AvroType::kBytes:
      if (lt == "decimal") return DataType::Decimal(n.precision, n.scale);
      return DataType::Binary();
    case AvroType::kFixed:
      if (lt == "uuid" && n.size == 16) return DataType::Uuid();
      if (lt == "decimal") return DataType::Decimal(n.precision, n.scale);
      return DataType::Fixed(n.size);
    default: return Unsupported("Avro type {} is not an Iceberg primitive", avro::AvroTypeName(n.type));
  }
}

Result<Datum> ValueToDatum(const Value& v) {
  if (v.is_null()) return Datum::Null();
  const DataType& t = v.type();
  switch (t.id()) {
    case TypeId::kBoolean: return Datum::Bool(v.get<bool>());
    case TypeId::kInt32:
    case TypeId::kDate: return Datum::Int(v.get<int32_t>());
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Datum::Long(v.get<int64_t>());
    case TypeId::kFloat32: return Datum::Float(v.get<float>());
    case TypeId::kFloat64: return Datum::Double(v.get<double>());
    case TypeId::kString: return Datum::String(v.get<std::string>());
    case TypeId::kBinary: return Datum::Bytes(v.get<std::string>());
    case TypeId::kUuid:
    case TypeId::kFixed: {
      const std::string& b = v.get<std::string>();
      if (b.size() != static_cast<size_t>(t.length()))
        return InvalidArgument("{} value has {} bytes", t.ToString(), b.size());
      return Datum::Fixed(b);
    }
    case TypeId::kDecimal: {
      int width = DecimalByteWidth(t.precision());
      std::string b(static_cast<size_t>(width), '\0');
      DecimalToBigEndian(v.get<Int128>(), width, reinterpret_cast<uint8_t*>(b.data()));
      return Datum::Fixed(std::move(b));
    }
    default: return Unsupported("type {} cannot be stored as a partition value", t.ToString());
  }
}

Result<Value> DatumToValue(const Datum& d, const DataType& t) {
  using K = Datum::Kind;
  if (d.is_null()) return Value::Null(t);
  auto mismatch = [&]() {
    return Corrupt("partition value of Avro kind {} cannot be read as {}", static_cast<int>(d.kind()), t.ToString());
  };
  switch (t.id()) {
    case TypeId::kBoolean:
      if (d.kind() != K::kBool) return mismatch();
      return Value(t, d.bool_value());
    case TypeId::kInt32:
    case TypeId::kDate:
      if (d.kind() != K::kInt) return mismatch();
      return Value(t, d.int_value());
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (d.kind() == K::kInt) return Value(t, static_cast<int64_t>(d.int_value()));
      if (d.kind() != K::kLong) return mismatch();
      return Value(t, d.long_value());
    case TypeId::kFloat32:
      if (d.kind() != K::kFloat) return mismatch();
      return Value(t, d.float_value());
    case TypeId::kFloat64:
      if (d.kind() == K::kFloat) return Value(t, static_cast<double>(d.float_value()));
      if (d.kind() != K::kDouble) return mismatch();
      return Value(t, d.double_value());
    case TypeId::kString:
    case TypeId::kBinary:
      if (d.kind() != K::kString && d.kind() != K::kBytes && d.kind() != K::kFixed) return mismatch();
      return Value(t, d.bytes());
    case TypeId::kUuid:
    case TypeId::kFixed:
      if (d.kind() != K::kBytes && d.kind() != K::kFixed) return mismatch();
      if (d.bytes().size() != static_cast<size_t>(t.length()))
        return Corrupt("{} partition value has {} bytes", t.ToString(), d.bytes().size());
      return Value(t, d.bytes());
    case TypeId::kDecimal: {
      if (d.kind() != K::kBytes && d.kind() != K::kFixed) return mismatch();
      const std::string& b = d.bytes();
      if (b.empty() || b.size() > 16) return Corrupt("decimal partition value has {} bytes", b.size());
      return Value(t, DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(b.data()), static_cast<int>(b.size())));
    }
    default: return Unsupported("type {} cannot be a partition value", t.ToString());
  }
}

}  // namespace icesync::iceberg
