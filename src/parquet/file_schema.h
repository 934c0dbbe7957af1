#pragma once
// The Parquet schema of a file (the flattened SchemaElement tree of the footer) converted
// into an icesync Schema, plus what record assembly needs: per leaf column its max
// definition/repetition levels and physical → logical conversion, and a tree of assembly
// nodes mirroring the Schema's fields.
//
// Nesting follows the parquet-format LogicalTypes.md rules, backward-compatibility rules
// included: a LIST group's repeated child is the element when it is a primitive, a group
// with more than one field, or a group named `array` or `<list>_tuple`; otherwise its single
// child is. MAP and legacy MAP_KEY_VALUE groups hold a repeated key_value group with `key`
// and an optional `value` (absent: every value reads as null, typed string). A REPEATED
// field without LIST/MAP annotation is a required list of required elements.
//
// Field ids: a field keeps the Parquet field_id when it has one (and it is not already
// taken); every other field, including list elements and map keys/values that Parquet
// cannot label, gets max(field ids in the file) + 1, + 2, ... in depth-first pre-order of
// the converted schema. Files without any field_id (most non-Iceberg writers) therefore
// number their fields 1, 2, 3, ... in schema order.
//
// Types core cannot hold exactly are stored in the nearest lossless core storage and
// flagged with a ValueFormat that the canonical formatter (canonical_rows.h) consults:
//   INT96                      fixed[12], the raw bytes                   kInt96
//   TIMESTAMP(NANOS)           long, nanoseconds since epoch              kTimestampNanos[Utc]
//   TIME(NANOS)                long, nanoseconds of day                   kTimeNanos
//   INT(32, unsigned)          long (zero-extended)                       kUnsigned32
//   INT(64, unsigned)          long, same bits                            kUnsigned64
//   FLOAT16                    float (every half value is exact in float)  -
//   unannotated/unknown bytes  binary or fixed[n]                          -
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/schema.h"
#include "parquet/metadata.h"
#include "parquet/value_decoders.h"

namespace icesync::parquet {

enum class ValueFormat : uint8_t {
  kDefault,
  kInt96,
  kTimestampNanos,
  kTimestampNanosUtc,
  kTimeNanos,
  kUnsigned32,
  kUnsigned64,
};

// How a leaf's physical values become core values.
enum class LeafConversion : uint8_t {
  kCopy,               // same storage (bytes, fixed, int32, int64, float, double, bool)
  kUint32ToInt64,      // INT(32,false) → long
  kInt32ToDecimal,
  kInt64ToDecimal,
  kBytesToDecimal,     // big-endian two's complement, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY
  kTimeMillisToMicros, // int32 ms → int64 µs
  kMillisToMicros,     // int64 ms → int64 µs
  kFloat16ToFloat,
};

struct LeafColumn {
  int column_index = 0;  // position among the row group's column chunks
  std::vector<std::string> path;
  std::string dotted_path;
  Type physical = Type::BOOLEAN;
  ValueLayout layout;
  int max_def = 0;
  int max_rep = 0;
  int field_id = 0;
  DataType type;  // the core type values are converted to
  LeafConversion conversion = LeafConversion::kCopy;
  ValueFormat format = ValueFormat::kDefault;
  const SchemaElement* element = nullptr;  // into FileSchema's copy of the elements
};

// One node of the assembly tree; its values go into a ColumnVector of `field.type`.
struct AssemblyNode {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap };
  Kind kind = kLeaf;
  Field field;
  // The value is null when the definition level is below def (never, for required nodes:
  // def then equals the parent's level, which assembly has already seen).
  int def = 0;
  // list/map: no elements when the level is below empty_def; repetition level `rep` means
  // "another element of this same list".
  int empty_def = 0;
  int rep = 0;
  bool map_has_value = true;
  int leaf = -1;                     // kLeaf: index into leaves
  int leaf_begin = 0, leaf_end = 0;  // the leaves under this node, contiguous
  std::vector<AssemblyNode> children;  // struct fields; list: [element]; map: [key, value?]
};

class FileSchema {
 public:
  // `file` names the file in error messages.
  static Result<std::shared_ptr<const FileSchema>> Make(const std::vector<SchemaElement>& elements,
                                                        const std::string& file);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  const std::vector<AssemblyNode>& top_level() const { return nodes_; }
  const std::vector<LeafColumn>& leaves() const { return leaves_; }
  const std::vector<SchemaElement>& elements() const { return elements_; }
  // Field id → how its values print (absent: kDefault).
  const std::map<int, ValueFormat>& formats() const { return formats_; }
  ValueFormat FormatOf(int field_id) const {
    auto it = formats_.find(field_id);
    return it == formats_.end() ? ValueFormat::kDefault : it->second;
  }

 private:
  friend class SchemaConverter;
  std::vector<SchemaElement> elements_;
  std::shared_ptr<const Schema> schema_;
  std::vector<AssemblyNode> nodes_;
  std::vector<LeafColumn> leaves_;
  std::map<int, ValueFormat> formats_;
};

}  // namespace icesync::parquet
