#include "iceberg/single_value_json.h"

#include "core/decimal.h"
#include "core/temporal.h"

namespace icesync::iceberg {

namespace {

Result<std::string> HexToBytes(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex value '{}' has an odd number of digits", hex);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("'{}' is not a hex value", hex);
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Result<std::string> UuidToBytes(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  if (hex.size() != 32 || text.size() != 36) return InvalidArgument("'{}' is not a uuid", text);
  return HexToBytes(hex);
}

}  // namespace

Result<Value> ValueFromSingleValueJson(const DataType& type, const nlohmann::json& j) {
  if (j.is_null()) return Value::Null(type);
  auto wrong = [&]() { return InvalidArgument("JSON value {} is not a valid {}", j.dump(), type.ToString()); };
  switch (type.id()) {
    case TypeId::kBoolean:
      if (!j.is_boolean()) return wrong();
      return Value(type, j.get<bool>());
    case TypeId::kInt32:
      if (!j.is_number_integer()) return wrong();
      if (j.is_number_unsigned() ? j.get<uint64_t>() > INT32_MAX
                                 : (j.get<int64_t>() < INT32_MIN || j.get<int64_t>() > INT32_MAX)) {
        return wrong();
      }
      return Value(type, static_cast<int32_t>(j.get<int64_t>()));
    case TypeId::kInt64:
      if (!j.is_number_integer() || (j.is_number_unsigned() && j.get<uint64_t>() > INT64_MAX)) return wrong();
      return Value(type, j.get<int64_t>());
    case TypeId::kFloat32:
      if (!j.is_number()) return wrong();
      return Value(type, static_cast<float>(j.get<double>()));
    case TypeId::kFloat64:
      if (!j.is_number()) return wrong();
      return Value(type, j.get<double>());
    default:
      break;
  }
  if (!j.is_string()) return wrong();
  const std::string s = j.get<std::string>();
  switch (type.id()) {
    case TypeId::kDecimal: {
      ASSIGN_OR_RETURN(Int128 unscaled, ParseDecimal(s, type.precision(), type.scale()));
      return Value(type, unscaled);
    }
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(int32_t days, ParseDate(s));
      return Value(type, days);
    }
    case TypeId::kTime: {
      ASSIGN_OR_RETURN(int64_t micros, ParseTimeMicros(s));
      return Value(type, micros);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      ASSIGN_OR_RETURN(int64_t micros, ParseTimestampMicros(s));
      return Value(type, micros);
    }
    case TypeId::kString:
      return Value(type, s);
    case TypeId::kUuid: {
      ASSIGN_OR_RETURN(std::string bytes, UuidToBytes(s));
      return Value(type, bytes);
    }
    case TypeId::kFixed:
    case TypeId::kBinary: {
      ASSIGN_OR_RETURN(std::string bytes, HexToBytes(s));
      if (type.id() == TypeId::kFixed && static_cast<int>(bytes.size()) != type.length()) return wrong();
      return Value(type, bytes);
    }
    default:
      return Unsupported("JSON single values of type {} are not supported", type.ToString());
  }
}

Result<Value> InitialDefaultValue(const Field& field) {
  if (field.initial_default.empty()) return Value::Null(field.type);
  nlohmann::json j = nlohmann::json::parse(field.initial_default, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Corrupt("field '{}' (id {}) has an unparsable initial-default: {}", field.name, field.id,
                   field.initial_default);
  }
  Result<Value> v = ValueFromSingleValueJson(field.type, j);
  if (!v.ok()) {
    return v.status().WithContext(fmt::format("initial-default of field '{}' (id {})", field.name, field.id));
  }
  return v;
}

}  // namespace icesync::iceberg
