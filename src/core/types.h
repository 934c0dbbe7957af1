#pragma once
// Logical types shared by every module. They are Iceberg's primitive types (which cover
// what SQL Server data needs) plus the nested struct/list/map types met when reading other
// engines' tables. A type says how values are stored in a ColumnVector (see batch.h):
//
//   type                       storage per value
//   boolean                    uint8_t (0/1)
//   int, date                  int32_t (date: days since 1970-01-01)
//   long, time, timestamp[tz]  int64_t (time: µs since midnight; timestamps: µs since epoch, tz = UTC)
//   float, double              float, double
//   decimal(p,s)               Int128 unscaled value (p <= 38)
//   uuid, fixed[n]             n bytes (uuid: 16, big-endian as written)
//   string, binary             bytes + int64 offsets (strings are UTF-8)
//   struct                     one child vector per field
//   list                       offsets + one child vector (element)
//   map                        offsets + two child vectors (key, value)
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace icesync {

using Int128 = __int128;

enum class TypeId : uint8_t {
  kBoolean,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kString,
  kUuid,
  kFixed,
  kBinary,
  kStruct,
  kList,
  kMap,
};

struct Field;

// A value type: small, copyable. Nested types share their children.
class DataType {
 public:
  DataType() = default;
  static DataType Boolean() { return DataType(TypeId::kBoolean); }
  static DataType Int32() { return DataType(TypeId::kInt32); }
  static DataType Int64() { return DataType(TypeId::kInt64); }
  static DataType Float32() { return DataType(TypeId::kFloat32); }
  static DataType Float64() { return DataType(TypeId::kFloat64); }
  static DataType Decimal(int precision, int scale);
  static DataType Date() { return DataType(TypeId::kDate); }
  static DataType Time() { return DataType(TypeId::kTime); }
  static DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  static DataType TimestampTz() { return DataType(TypeId::kTimestampTz); }
  static DataType String() { return DataType(TypeId::kString); }
  static DataType Uuid();
  static DataType Fixed(int length);
  static DataType Binary() { return DataType(TypeId::kBinary); }
  static DataType Struct(std::vector<Field> fields);
  static DataType List(Field element);
  static DataType Map(Field key, Field value);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // Byte length of fixed[n] (16 for uuid).
  int length() const { return length_; }
  // Struct fields; list: [element]; map: [key, value].
  const std::vector<Field>& children() const;

  bool is_nested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kMap; }
  bool is_variable_length() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  // Bytes per value in a ColumnVector's data buffer, 0 for variable-length and nested.
  int fixed_width() const;

  // Iceberg's type string for primitives: "int", "decimal(38,2)", "fixed[16]", "timestamptz".
  std::string ToString() const;
  // Parses Iceberg's primitive type strings.
  static Result<DataType> FromString(const std::string& s);

  bool operator==(const DataType& o) const;

 private:
  explicit DataType(TypeId id) : id_(id) {}
  TypeId id_ = TypeId::kBoolean;
  int precision_ = 0;
  int scale_ = 0;
  int length_ = 0;
  std::shared_ptr<const std::vector<Field>> children_;
};

// A named column with its Iceberg field id. Field ids are what files and metadata use to
// match columns; names may change (renames) and differ between files (sanitised names).
struct Field {
  int id = 0;
  std::string name;
  DataType type;
  bool required = false;
  std::string doc;
  // Iceberg v3 "initial-default" as JSON text (empty: none): the value rows written before
  // the field existed read as. Kept as text so that core does not depend on a JSON type.
  std::string initial_default;

  bool operator==(const Field& o) const {
    return id == o.id && name == o.name && type == o.type && required == o.required;
  }
};

}  // namespace icesync
