#include "core/schema_json.h"

namespace icesync {

using nlohmann::json;

namespace {
json FieldsToJson(const std::vector<Field>& fields) {
  json arr = json::array();
  for (const Field& f : fields) {
    json jf = {{"id", f.id}, {"name", f.name}, {"required", f.required}, {"type", TypeToJson(f.type)}};
    if (!f.doc.empty()) jf["doc"] = f.doc;
    if (!f.initial_default.empty()) jf["initial-default"] = json::parse(f.initial_default, nullptr, false);
    arr.push_back(std::move(jf));
  }
  return arr;
}

Result<std::vector<Field>> FieldsFromJson(const json& arr) {
  if (!arr.is_array()) return Corrupt("schema JSON: 'fields' is not an array");
  std::vector<Field> fields;
  for (const json& jf : arr) {
    if (!jf.is_object() || !jf.contains("id") || !jf.contains("name") || !jf.contains("type")) {
      return Corrupt("schema JSON: field without id, name or type: {}", jf.dump());
    }
    Field f;
    f.id = JsonInt<int>(jf["id"]);
    f.name = jf["name"].get<std::string>();
    f.required = jf.value("required", false);
    if (jf.contains("doc") && jf["doc"].is_string()) f.doc = jf["doc"].get<std::string>();
    if (jf.contains("initial-default")) f.initial_default = jf["initial-default"].dump();
    ASSIGN_OR_RETURN(f.type, TypeFromJson(jf["type"]));
    fields.push_back(std::move(f));
  }
  return fields;
}
}  // namespace

json TypeToJson(const DataType& t) {
  switch (t.id()) {
    case TypeId::kStruct:
      return {{"type", "struct"}, {"fields", FieldsToJson(t.children())}};
    case TypeId::kList: {
      const Field& e = t.children()[0];
      return {{"type", "list"}, {"element-id", e.id}, {"element", TypeToJson(e.type)}, {"element-required", e.required}};
    }
    case TypeId::kMap: {
      const Field& k = t.children()[0];
      const Field& v = t.children()[1];
      return {{"type", "map"}, {"key-id", k.id}, {"key", TypeToJson(k.type)},
              {"value-id", v.id}, {"value", TypeToJson(v.type)}, {"value-required", v.required}};
    }
    default:
      return t.ToString();
  }
}

Result<DataType> TypeFromJson(const json& j) {
  if (j.is_string()) return DataType::FromString(j.get<std::string>());
  if (!j.is_object() || !j.contains("type")) return Corrupt("schema JSON: bad type {}", j.dump());
  const std::string kind = j["type"].get<std::string>();
  try {
    if (kind == "struct") {
      ASSIGN_OR_RETURN(auto fields, FieldsFromJson(j["fields"]));
      return DataType::Struct(std::move(fields));
    }
    if (kind == "list") {
      ASSIGN_OR_RETURN(DataType et, TypeFromJson(j["element"]));
      return DataType::List(Field{JsonInt<int>(j["element-id"]), "element", et, j.value("element-required", false)});
    }
    if (kind == "map") {
      ASSIGN_OR_RETURN(DataType kt, TypeFromJson(j["key"]));
      ASSIGN_OR_RETURN(DataType vt, TypeFromJson(j["value"]));
      return DataType::Map(Field{JsonInt<int>(j["key-id"]), "key", kt, true},
                           Field{JsonInt<int>(j["value-id"]), "value", vt, j.value("value-required", false)});
    }
  } catch (const json::exception& e) {
    return Corrupt("schema JSON: bad {} type {}: {}", kind, j.dump(), e.what());
  }
  return Unsupported("schema JSON: unknown type {}", j.dump());
}

json SchemaToJson(const Schema& schema) {
  json j = {{"type", "struct"}, {"schema-id", schema.schema_id()}, {"fields", FieldsToJson(schema.fields())}};
  if (!schema.identifier_field_ids().empty()) j["identifier-field-ids"] = schema.identifier_field_ids();
  return j;
}

Result<Schema> SchemaFromJson(const json& j) {
  try {
    if (!j.is_object() || !j.contains("fields")) return Corrupt("schema JSON: no 'fields'");
    ASSIGN_OR_RETURN(auto fields, FieldsFromJson(j["fields"]));
    std::vector<int> ids;
    if (j.contains("identifier-field-ids")) {
      const json& list = j["identifier-field-ids"];
      if (!list.is_array()) return Corrupt("schema JSON: identifier-field-ids is {}, not an array", list.dump());
      for (const json& id : list) ids.push_back(JsonInt<int>(id));
    }
    return Schema(std::move(fields), JsonInt<int>(j, "schema-id", 0), std::move(ids));
  } catch (const json::exception& e) {
    return Corrupt("schema JSON: {}", e.what());
  }
}

}  // namespace icesync
