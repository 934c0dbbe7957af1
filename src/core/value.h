#pragma once
// A single typed value (a literal): partition values, column bounds, predicate operands,
// watermarks. Storage follows types.h: the variant holds bool / int32 (int, date) / int64
// (long, time, timestamps) / float / double / Int128 (decimal) / std::string (bytes of string,
// binary, fixed, uuid).
#include <compare>
#include <optional>
#include <string>
#include <variant>

#include "core/types.h"

namespace icesync {

class Value {
 public:
  using Storage = std::variant<std::monostate, bool, int32_t, int64_t, float, double, Int128, std::string>;

  Value() = default;  // null of no type
  Value(DataType type, Storage v) : type_(std::move(type)), v_(std::move(v)) {}
  static Value Null(DataType type) { return Value(std::move(type), std::monostate{}); }

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  const Storage& storage() const { return v_; }
  template <typename T>
  const T& get() const { return std::get<T>(v_); }

  // Iceberg's single-value binary serialization (table spec, Appendix D): little-endian
  // ints/floats, UTF-8 strings, raw binary/fixed, uuid as 16 big-endian bytes, decimals as
  // minimal big-endian two's complement of the unscaled value.
  std::string ToIcebergBytes() const;
  static Result<Value> FromIcebergBytes(const DataType& type, std::string_view bytes);

  // Total order within one type: nulls first; floats by IEEE total order with NaN last;
  // strings/binary by unsigned bytes (= UTF-8 code point order). Comparing different types
  // is a bug (checked in debug builds).
  int Compare(const Value& o) const;
  bool operator==(const Value& o) const { return Compare(o) == 0; }

  // Human-readable, canonical-JSON-like text, for messages and `describe`.
  std::string ToString() const;

 private:
  DataType type_;
  Storage v_;
};

// Iceberg writers truncate string bounds to 16 characters (code points) and binary bounds to
// 16 bytes. The lower bound is a plain prefix; the upper bound increments its last code point
// (or byte) so it stays >= every value; nullopt when no such bound exists (all max values).
std::string TruncateLowerBound(const DataType& type, std::string_view bytes, size_t length = 16);
std::optional<std::string> TruncateUpperBound(const DataType& type, std::string_view bytes, size_t length = 16);

}  // namespace icesync
