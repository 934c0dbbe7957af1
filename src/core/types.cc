#include "core/types.h"

#include <charconv>

#include <regex>

namespace icesync {

namespace {
const std::vector<Field>& EmptyFields() {
  static const std::vector<Field> kEmpty;
  return kEmpty;
}
}  // namespace

DataType DataType::Decimal(int precision, int scale) {
  DataType t(TypeId::kDecimal);
  t.precision_ = precision;
  t.scale_ = scale;
  return t;
}

DataType DataType::Uuid() {
  DataType t(TypeId::kUuid);
  t.length_ = 16;
  return t;
}

DataType DataType::Fixed(int length) {
  DataType t(TypeId::kFixed);
  t.length_ = length;
  return t;
}

DataType DataType::Struct(std::vector<Field> fields) {
  DataType t(TypeId::kStruct);
  t.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return t;
}

DataType DataType::List(Field element) {
  DataType t(TypeId::kList);
  t.children_ = std::make_shared<const std::vector<Field>>(std::vector<Field>{std::move(element)});
  return t;
}

DataType DataType::Map(Field key, Field value) {
  DataType t(TypeId::kMap);
  t.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{std::move(key), std::move(value)});
  return t;
}

const std::vector<Field>& DataType::children() const {
  return children_ ? *children_ : EmptyFields();
}

int DataType::fixed_width() const {
  switch (id_) {
    case TypeId::kBoolean: return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kFloat32: return 4;
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kFloat64: return 8;
    case TypeId::kDecimal: return 16;
    case TypeId::kUuid: return 16;
    case TypeId::kFixed: return length_;
    default: return 0;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "long";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({},{})", precision_, scale_);
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    case TypeId::kString: return "string";
    case TypeId::kUuid: return "uuid";
    case TypeId::kFixed: return fmt::format("fixed[{}]", length_);
    case TypeId::kBinary: return "binary";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < children().size(); ++i) {
        if (i) s += ", ";
        s += children()[i].name + ": " + children()[i].type.ToString();
      }
      return s + ">";
    }
    case TypeId::kList: return "list<" + children()[0].type.ToString() + ">";
    case TypeId::kMap:
      return "map<" + children()[0].type.ToString() + ", " + children()[1].type.ToString() + ">";
  }
  return "?";
}

Result<DataType> DataType::FromString(const std::string& s) {
  static const std::pair<const char*, TypeId> kSimple[] = {
      {"boolean", TypeId::kBoolean}, {"int", TypeId::kInt32},         {"long", TypeId::kInt64},
      {"float", TypeId::kFloat32},   {"double", TypeId::kFloat64},    {"date", TypeId::kDate},
      {"time", TypeId::kTime},       {"timestamp", TypeId::kTimestamp},
      {"timestamptz", TypeId::kTimestampTz}, {"string", TypeId::kString},
      {"uuid", TypeId::kUuid},       {"binary", TypeId::kBinary},
  };
  for (const auto& [name, id] : kSimple) {
    if (s == name) {
      return id == TypeId::kUuid ? Uuid() : DataType(id);
    }
  }
  static const std::regex kDecimal(R"(decimal\(\s*(\d+)\s*,\s*(\d+)\s*\))");
  static const std::regex kFixed(R"(fixed\[\s*(\d+)\s*\])");
  // Digits beyond int's range read as -1 (std::stoi threw out_of_range on them, which no
  // caller catches: a corrupt metadata file ended the process; found by table_metadata_fuzz).
  auto small_int = [](const std::ssub_match& digits) {
    int v = -1;
    auto [end, ec] = std::from_chars(&*digits.first, &*digits.first + digits.length(), v);
    return ec == std::errc() ? v : -1;
  };
  std::smatch m;
  if (std::regex_match(s, m, kDecimal)) {
    int p = small_int(m[1]), sc = small_int(m[2]);
    if (p < 1 || p > 38 || sc < 0 || sc > p) {
      return InvalidArgument("invalid decimal type '{}': need 1 <= precision <= 38 and scale <= precision", s);
    }
    return Decimal(p, sc);
  }
  if (std::regex_match(s, m, kFixed)) {
    int length = small_int(m[1]);
    if (length < 1) return InvalidArgument("invalid fixed type '{}': need a length from 1 to {}", s, INT32_MAX);
    return Fixed(length);
  }
  return Unsupported("unknown Iceberg type '{}'", s);
}

bool DataType::operator==(const DataType& o) const {
  if (id_ != o.id_ || precision_ != o.precision_ || scale_ != o.scale_ || length_ != o.length_) return false;
  return children() == o.children();
}

}  // namespace icesync
