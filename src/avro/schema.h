#pragma once
// Avro schemas (Avro 1.11 specification, "Schema Declaration"), parsed from and written
// back to JSON. Every attribute the Avro spec does not interpret is kept, because Iceberg
// stores its field ids in them: "field-id" on record fields, "element-id" on arrays,
// "key-id"/"value-id" on maps (and on the key/value records of array-encoded maps).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace icesync::avro {

enum class AvroType : uint8_t {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
  kRecord, kEnum, kArray, kMap, kUnion, kFixed,
};
const char* AvroTypeName(AvroType t);

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct RecordField {
  std::string name;
  NodePtr type;
  std::optional<nlohmann::json> default_value;  // "default", as written
  nlohmann::json attributes = nlohmann::json::object();  // doc, field-id, aliases, ...
  // Iceberg's "field-id" attribute, when present and an integer.
  std::optional<int> field_id() const;
};

// One schema node. Named types (record, enum, fixed) are shared where referenced by name;
// recursive references are not supported (Iceberg never writes them).
struct Node {
  AvroType type = AvroType::kNull;
  std::string name;       // full name of record/enum/fixed ("namespace.name" if namespaced)
  std::string logical_type;  // "decimal", "date", "time-micros", "timestamp-micros", "uuid", ...
  int precision = 0, scale = 0;  // decimal
  int size = 0;                  // fixed
  std::vector<std::string> symbols;  // enum
  std::vector<RecordField> fields;   // record
  NodePtr items;                     // array
  NodePtr values;                    // map
  std::vector<NodePtr> branches;     // union
  // Attributes other than those above (for records: doc, namespace kept in name; for
  // arrays: element-id; maps: key-id/value-id; timestamps: adjust-to-utc).
  nlohmann::json attributes = nlohmann::json::object();

  // Convenience for optional values: the non-null branch of ["null", T] / [T, "null"].
  const Node* NonNullBranch() const;
  bool is_nullable_union() const;
  std::optional<int> IntAttribute(const char* key) const;
  // Index of the record field with this field-id (or -1).
  int FieldIndexById(int field_id) const;
  int FieldIndexByName(const std::string& name) const;
};

Result<NodePtr> ParseSchema(const nlohmann::json& j);
Result<NodePtr> ParseSchema(const std::string& json_text);
// Named types are written in full at first use and by name afterwards.
nlohmann::json SchemaToJson(const Node& node);
std::string SchemaToString(const Node& node);

// Builders for writing schemas in code.
NodePtr MakePrimitive(AvroType t, nlohmann::json attributes = nlohmann::json::object());
NodePtr MakeLogical(AvroType t, const std::string& logical_type,
                    nlohmann::json attributes = nlohmann::json::object());
NodePtr MakeFixed(const std::string& name, int size, const std::string& logical_type = "",
                  int precision = 0, int scale = 0);
NodePtr MakeOptional(NodePtr t);  // ["null", t]
NodePtr MakeArray(NodePtr items, nlohmann::json attributes = nlohmann::json::object());
NodePtr MakeMap(NodePtr values, nlohmann::json attributes = nlohmann::json::object());
NodePtr MakeRecord(const std::string& name, std::vector<RecordField> fields);
// A record field with Iceberg's field-id (and doc when non-empty); optional fields get
// "default": null.
RecordField MakeField(const std::string& name, NodePtr type, int field_id,
                      const std::string& doc = "");

}  // namespace icesync::avro
