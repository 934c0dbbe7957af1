#pragma once
// A generic Avro value: one tree node per value, shaped by a schema (schema.h). Records and
// arrays hold their children in a vector (records in schema field order); unions are not a
// node of their own: the value is the chosen branch's value and branch() records which
// branch it was read from (or, when writing, -1 lets the encoder pick the first branch that
// fits). Bytes, strings, fixed values share one byte-string storage.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace icesync::avro {

class Datum {
 public:
  enum class Kind : uint8_t {
    kNull, kBool, kInt, kLong, kFloat, kDouble, kBytes, kString, kFixed, kEnum, kArray, kMap, kRecord,
  };
  using MapEntries = std::vector<std::pair<std::string, Datum>>;

  Datum() = default;  // null
  static Datum Null() { return Datum(); }
  static Datum Bool(bool v) { return Datum(Kind::kBool, v); }
  static Datum Int(int32_t v) { return Datum(Kind::kInt, v); }
  static Datum Long(int64_t v) { return Datum(Kind::kLong, v); }
  static Datum Float(float v) { return Datum(Kind::kFloat, v); }
  static Datum Double(double v) { return Datum(Kind::kDouble, v); }
  static Datum Bytes(std::string v) { return Datum(Kind::kBytes, std::move(v)); }
  static Datum String(std::string v) { return Datum(Kind::kString, std::move(v)); }
  static Datum Fixed(std::string v) { return Datum(Kind::kFixed, std::move(v)); }
  static Datum Enum(int32_t index) { return Datum(Kind::kEnum, index); }
  static Datum Array(std::vector<Datum> items) { return Datum(Kind::kArray, std::move(items)); }
  static Datum Record(std::vector<Datum> fields) { return Datum(Kind::kRecord, std::move(fields)); }
  static Datum Map(MapEntries entries) { return Datum(Kind::kMap, std::move(entries)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool bool_value() const { return std::get<bool>(v_); }
  int32_t int_value() const { return std::get<int32_t>(v_); }  // int and enum index
  int64_t long_value() const { return std::get<int64_t>(v_); }
  float float_value() const { return std::get<float>(v_); }
  double double_value() const { return std::get<double>(v_); }
  const std::string& bytes() const { return std::get<std::string>(v_); }  // bytes, string, fixed
  std::string& mutable_bytes() { return std::get<std::string>(v_); }
  // Array items or record fields.
  const std::vector<Datum>& items() const { return std::get<std::vector<Datum>>(v_); }
  std::vector<Datum>& mutable_items() { return std::get<std::vector<Datum>>(v_); }
  const MapEntries& map_entries() const { return std::get<MapEntries>(v_); }
  MapEntries& mutable_map_entries() { return std::get<MapEntries>(v_); }
  // Record field i (no bounds check beyond the vector's).
  const Datum& field(size_t i) const { return items()[i]; }

  int branch() const { return branch_; }
  Datum& set_branch(int b) {
    branch_ = b;
    return *this;
  }

 private:
  using Storage = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
                               std::vector<Datum>, MapEntries>;
  template <typename T>
  Datum(Kind k, T&& v) : kind_(k), v_(std::forward<T>(v)) {}

  Kind kind_ = Kind::kNull;
  int32_t branch_ = -1;
  Storage v_;
};

}  // namespace icesync::avro
