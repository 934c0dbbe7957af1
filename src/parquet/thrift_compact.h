#pragma once
// Thrift compact protocol (the encoding of every Parquet footer and page header).
//
// CompactWriter appends to a std::string. CompactReader decodes a byte range defensively:
// every read is bounds-checked, struct/container nesting is limited, a container may not
// claim more elements than bytes remain (each element takes at least one byte), and any
// malformed input yields a Corrupt status instead of a crash, a hang or a huge allocation.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icesync::parquet {

// Compact protocol type codes (the low nibble of a field header).
enum class TType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // Structs: Begin pushes a field-id context; End writes the stop byte and pops it.
  void StructBegin();
  void StructEnd();

  // Fields of the current struct. Ids must increase for the short (delta) form to apply;
  // any order is still encoded correctly.
  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldDouble(int16_t id, double v);
  void FieldBinary(int16_t id, std::string_view v);
  // Writes the header of a struct field; follow with StructBegin ... StructEnd.
  void FieldStructHeader(int16_t id) { FieldHeader(id, TType::kStruct); }
  // Writes a list field header; follow with `size` elements (I32/I64/Binary/Bool or structs).
  void FieldListHeader(int16_t id, TType element, uint32_t size);

  // Container elements (no field header).
  void ListHeader(TType element, uint32_t size);
  void Bool(bool v) { out_->push_back(static_cast<char>(v ? 1 : 2)); }
  void I8(int8_t v) { out_->push_back(static_cast<char>(v)); }
  void I32(int32_t v) { Varint(ZigZag(v)); }
  void I64(int64_t v) { Varint(ZigZag(v)); }
  void Binary(std::string_view v);
  void Double(double v);

 private:
  void FieldHeader(int16_t id, TType type);
  void Varint(uint64_t v);
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }

  std::string* out_;
  std::vector<int16_t> last_field_ids_;
  int16_t last_field_id_ = 0;
};

class CompactReader {
 public:
  // Deeper nesting than this is rejected (Parquet metadata needs about 8 levels).
  static constexpr int kMaxDepth = 64;

  CompactReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}
  explicit CompactReader(std::string_view s)
      : CompactReader(reinterpret_cast<const uint8_t*>(s.data()), s.size()) {}

  // Bytes consumed so far.
  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  Status StructBegin();
  Status StructEnd();
  // Reads the next field header of the current struct; *type == kStop at its end. A bool
  // field carries its value in the type (kBoolTrue/kBoolFalse): read it with ReadBool(type).
  Status ReadFieldHeader(TType* type, int16_t* id);

  Status ReadBool(TType field_type, bool* v);  // field_type: from the field/list header
  Status ReadI8(int8_t* v);
  Status ReadI16(int16_t* v);
  Status ReadI32(int32_t* v);
  Status ReadI64(int64_t* v);
  Status ReadDouble(double* v);
  Status ReadBinary(std::string* v);
  // List or set header. *size is at most remaining() bytes.
  Status ReadListHeader(TType* element, uint32_t* size);
  // Element type of a bool list is reported as kBoolTrue; its elements are one byte each.
  Status ReadMapHeader(TType* key, TType* value, uint32_t* size);

  // Reads one bool element of a list (one byte: 1 true, else false).
  Status ReadBoolElement(bool* v);

  // Skips a field value of any type (nested structs and containers included).
  Status Skip(TType type);
  // Skips one container element (differs from Skip only for bools).
  Status SkipElement(TType type);

 private:
  Status ReadVarint(uint64_t* v);
  Status Enter();
  void Leave() { --depth_; }

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  int depth_ = 0;
  std::vector<int16_t> last_field_ids_;
  int16_t last_field_id_ = 0;
};

}  // namespace icesync::parquet
