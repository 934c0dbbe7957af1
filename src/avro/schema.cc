#include "avro/schema.h"

#include <map>
#include <set>

namespace icesync::avro {
namespace {

using nlohmann::json;

const std::map<std::string, AvroType>& PrimitiveNames() {
  static const std::map<std::string, AvroType> kNames = {
      {"null", AvroType::kNull},     {"boolean", AvroType::kBoolean}, {"int", AvroType::kInt},
      {"long", AvroType::kLong},     {"float", AvroType::kFloat},     {"double", AvroType::kDouble},
      {"bytes", AvroType::kBytes},   {"string", AvroType::kString},
  };
  return kNames;
}

std::optional<int> JsonInt(const json& j) {
  if (j.is_number_integer()) return static_cast<int>(j.get<int64_t>());
  if (j.is_string()) {  // some writers store ids as strings
    try {
      size_t used = 0;
      int v = std::stoi(j.get<std::string>(), &used);
      if (used == j.get<std::string>().size()) return v;
    } catch (...) {
    }
  }
  return std::nullopt;
}

class Parser {
 public:
  Result<NodePtr> Parse(const json& j, const std::string& enclosing_ns, int depth) {
    if (depth > 64) return Corrupt("Avro schema nested deeper than 64 levels");
    if (j.is_string()) return ParseName(j.get<std::string>(), enclosing_ns);
    if (j.is_array()) {
      auto node = std::make_shared<Node>();
      node->type = AvroType::kUnion;
      for (const auto& b : j) {
        ASSIGN_OR_RETURN(NodePtr branch, Parse(b, enclosing_ns, depth + 1));
        if (branch->type == AvroType::kUnion) return Corrupt("Avro union directly inside a union");
        node->branches.push_back(std::move(branch));
      }
      return NodePtr(node);
    }
    if (!j.is_object()) return Corrupt("Avro schema element is not a string, array or object: {}", j.dump());
    auto t = j.find("type");
    if (t == j.end()) return Corrupt("Avro schema object without \"type\": {}", j.dump());
    if (!t->is_string()) {
      // {"type": {...}} or {"type": [...]}: a wrapped schema; keep the outer attributes
      // only for the primitive case below.
      return Parse(*t, enclosing_ns, depth + 1);
    }
    const std::string type = t->get<std::string>();
    auto node = std::make_shared<Node>();
    json attrs = json::object();
    std::set<std::string> interpreted = {"type"};
    auto prim = PrimitiveNames().find(type);
    if (prim != PrimitiveNames().end()) {
      node->type = prim->second;
    } else if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
      ASSIGN_OR_RETURN(std::string full, FullName(j, enclosing_ns));
      node->name = full;
      interpreted.insert({"name", "namespace"});
      const std::string ns = full.rfind('.') == std::string::npos ? "" : full.substr(0, full.rfind('.'));
      if (type == "fixed") {
        node->type = AvroType::kFixed;
        auto s = j.find("size");
        if (s == j.end() || !s->is_number_integer() || s->get<int64_t>() < 0 || s->get<int64_t>() > (1 << 24))
          return Corrupt("Avro fixed {} has no valid \"size\"", full);
        node->size = static_cast<int>(s->get<int64_t>());
        interpreted.insert("size");
      } else if (type == "enum") {
        node->type = AvroType::kEnum;
        auto s = j.find("symbols");
        if (s == j.end() || !s->is_array()) return Corrupt("Avro enum {} has no \"symbols\"", full);
        for (const auto& sym : *s) {
          if (!sym.is_string()) return Corrupt("Avro enum {} has a non-string symbol", full);
          node->symbols.push_back(sym.get<std::string>());
        }
        interpreted.insert("symbols");
      } else {
        node->type = AvroType::kRecord;
        interpreted.insert("fields");
      }
      // Register before parsing fields so that the name is known; recursion is rejected.
      if (named_.count(full)) return Corrupt("Avro schema defines the name {} twice", full);
      named_[full] = nullptr;
      if (node->type == AvroType::kRecord) {
        auto fs = j.find("fields");
        if (fs == j.end() || !fs->is_array()) return Corrupt("Avro record {} has no \"fields\" array", full);
        std::set<std::string> seen;
        for (const auto& f : *fs) {
          if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type"))
            return Corrupt("Avro record {} has a field without name or type", full);
          RecordField field;
          field.name = f["name"].get<std::string>();
          if (!seen.insert(field.name).second) return Corrupt("Avro record {} repeats field {}", full, field.name);
          ASSIGN_OR_RETURN(field.type, Parse(f["type"], ns, depth + 1));
          for (auto it = f.begin(); it != f.end(); ++it) {
            if (it.key() == "name" || it.key() == "type") continue;
            if (it.key() == "default") {
              field.default_value = it.value();
            } else {
              field.attributes[it.key()] = it.value();
            }
          }
          node->fields.push_back(std::move(field));
        }
      }
      named_[full] = node;
    } else if (type == "array") {
      node->type = AvroType::kArray;
      auto it = j.find("items");
      if (it == j.end()) return Corrupt("Avro array without \"items\"");
      ASSIGN_OR_RETURN(node->items, Parse(*it, enclosing_ns, depth + 1));
      interpreted.insert("items");
    } else if (type == "map") {
      node->type = AvroType::kMap;
      auto it = j.find("values");
      if (it == j.end()) return Corrupt("Avro map without \"values\"");
      ASSIGN_OR_RETURN(node->values, Parse(*it, enclosing_ns, depth + 1));
      interpreted.insert("values");
    } else {
      // A name reference written as {"type": "Name"}.
      return ParseName(type, enclosing_ns);
    }
    if (auto lt = j.find("logicalType"); lt != j.end() && lt->is_string()) {
      node->logical_type = lt->get<std::string>();
      interpreted.insert("logicalType");
      if (node->logical_type == "decimal") {
        node->precision = JsonInt(j.value("precision", json())).value_or(0);
        node->scale = JsonInt(j.value("scale", json())).value_or(0);
        interpreted.insert({"precision", "scale"});
      }
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!interpreted.count(it.key())) attrs[it.key()] = it.value();
    }
    node->attributes = std::move(attrs);
    return NodePtr(node);
  }

 private:
  Result<NodePtr> ParseName(const std::string& name, const std::string& ns) {
    auto prim = PrimitiveNames().find(name);
    if (prim != PrimitiveNames().end()) {
      auto node = std::make_shared<Node>();
      node->type = prim->second;
      return NodePtr(node);
    }
    for (const std::string& candidate : {ns.empty() ? name : ns + "." + name, name}) {
      auto it = named_.find(candidate);
      if (it != named_.end()) {
        if (!it->second) return Unsupported("recursive Avro type {} is not supported", candidate);
        return it->second;
      }
    }
    return Corrupt("Avro schema refers to an undefined type \"{}\"", name);
  }

  static Result<std::string> FullName(const json& j, const std::string& enclosing_ns) {
    auto n = j.find("name");
    if (n == j.end() || !n->is_string() || n->get<std::string>().empty())
      return Corrupt("Avro named type without a \"name\": {}", j.dump());
    std::string name = n->get<std::string>();
    if (name.find('.') != std::string::npos) return name;
    std::string ns = enclosing_ns;
    if (auto s = j.find("namespace"); s != j.end() && s->is_string()) ns = s->get<std::string>();
    return ns.empty() ? name : ns + "." + name;
  }

  std::map<std::string, NodePtr> named_;
};

void ToJson(const Node& n, std::set<std::string>& defined, json& out) {
  auto add_common = [&](json& o) {
    if (!n.logical_type.empty()) {
      o["logicalType"] = n.logical_type;
      if (n.logical_type == "decimal") {
        o["precision"] = n.precision;
        o["scale"] = n.scale;
      }
    }
    for (auto it = n.attributes.begin(); it != n.attributes.end(); ++it) o[it.key()] = it.value();
  };
  switch (n.type) {
    case AvroType::kUnion:
      out = json::array();
      for (const auto& b : n.branches) {
        json bj;
        ToJson(*b, defined, bj);
        out.push_back(std::move(bj));
      }
      return;
    case AvroType::kRecord:
    case AvroType::kEnum:
    case AvroType::kFixed: {
      if (defined.count(n.name)) {
        out = n.name;
        return;
      }
      defined.insert(n.name);
      json o = json::object();
      o["type"] = n.type == AvroType::kRecord ? "record" : n.type == AvroType::kEnum ? "enum" : "fixed";
      o["name"] = n.name;
      if (n.type == AvroType::kFixed) o["size"] = n.size;
      if (n.type == AvroType::kEnum) o["symbols"] = n.symbols;
      if (n.type == AvroType::kRecord) {
        json fields = json::array();
        for (const auto& f : n.fields) {
          json fj = json::object();
          fj["name"] = f.name;
          ToJson(*f.type, defined, fj["type"]);
          if (f.default_value) fj["default"] = *f.default_value;
          for (auto it = f.attributes.begin(); it != f.attributes.end(); ++it) fj[it.key()] = it.value();
          fields.push_back(std::move(fj));
        }
        o["fields"] = std::move(fields);
      }
      add_common(o);
      out = std::move(o);
      return;
    }
    case AvroType::kArray: {
      json o = json::object();
      o["type"] = "array";
      ToJson(*n.items, defined, o["items"]);
      add_common(o);
      out = std::move(o);
      return;
    }
    case AvroType::kMap: {
      json o = json::object();
      o["type"] = "map";
      ToJson(*n.values, defined, o["values"]);
      add_common(o);
      out = std::move(o);
      return;
    }
    default:
      if (n.logical_type.empty() && n.attributes.empty()) {
        out = AvroTypeName(n.type);
      } else {
        json o = json::object();
        o["type"] = AvroTypeName(n.type);
        add_common(o);
        out = std::move(o);
      }
      return;
  }
}

}  // namespace

const char* AvroTypeName(AvroType t) {
  switch (t) {
    case AvroType::kNull: return "null";
    case AvroType::kBoolean: return "boolean";
    case AvroType::kInt: return "int";
    case AvroType::kLong: return "long";
    case AvroType::kFloat: return "float";
    case AvroType::kDouble: return "double";
    case AvroType::kBytes: return "bytes";
    case AvroType::kString: return "string";
    case AvroType::kRecord: return "record";
    case AvroType::kEnum: return "enum";
    case AvroType::kArray: return "array";
    case AvroType::kMap: return "map";
    case AvroType::kUnion: return "union";
    case AvroType::kFixed: return "fixed";
  }
  return "?";
}

std::optional<int> RecordField::field_id() const {
  auto it = attributes.find("field-id");
  return it == attributes.end() ? std::nullopt : JsonInt(*it);
}

const Node* Node::NonNullBranch() const {
  if (!is_nullable_union()) return nullptr;
  return branches[0]->type == AvroType::kNull ? branches[1].get() : branches[0].get();
}

bool Node::is_nullable_union() const {
  return type == AvroType::kUnion && branches.size() == 2 &&
         ((branches[0]->type == AvroType::kNull) != (branches[1]->type == AvroType::kNull));
}

std::optional<int> Node::IntAttribute(const char* key) const {
  auto it = attributes.find(key);
  return it == attributes.end() ? std::nullopt : JsonInt(*it);
}

int Node::FieldIndexById(int field_id) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].field_id() == field_id) return static_cast<int>(i);
  return -1;
}

int Node::FieldIndexByName(const std::string& n) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return static_cast<int>(i);
  return -1;
}

Result<NodePtr> ParseSchema(const nlohmann::json& j) { return Parser().Parse(j, "", 0); }

Result<NodePtr> ParseSchema(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt("Avro schema is not valid JSON");
  return ParseSchema(j);
}

nlohmann::json SchemaToJson(const Node& node) {
  std::set<std::string> defined;
  json out;
  ToJson(node, defined, out);
  return out;
}

std::string SchemaToString(const Node& node) { return SchemaToJson(node).dump(); }

NodePtr MakePrimitive(AvroType t, nlohmann::json attributes) {
  auto n = std::make_shared<Node>();
  n->type = t;
  n->attributes = std::move(attributes);
  return n;
}

NodePtr MakeLogical(AvroType t, const std::string& logical_type, nlohmann::json attributes) {
  auto n = std::make_shared<Node>();
  n->type = t;
  n->logical_type = logical_type;
  n->attributes = std::move(attributes);
  return n;
}

NodePtr MakeFixed(const std::string& name, int size, const std::string& logical_type, int precision,
                  int scale) {
  auto n = std::make_shared<Node>();
  n->type = AvroType::kFixed;
  n->name = name;
  n->size = size;
  n->logical_type = logical_type;
  n->precision = precision;
  n->scale = scale;
  return n;
}

NodePtr MakeOptional(NodePtr t) {
  auto n = std::make_shared<Node>();
  n->type = AvroType::kUnion;
  n->branches = {MakePrimitive(AvroType::kNull), std::move(t)};
  return n;
}

NodePtr MakeArray(NodePtr items, nlohmann::json attributes) {
  auto n = std::make_shared<Node>();
  n->type = AvroType::kArray;
  n->items = std::move(items);
  n->attributes = std::move(attributes);
  return n;
}

NodePtr MakeMap(NodePtr values, nlohmann::json attributes) {
  auto n = std::make_shared<Node>();
  n->type = AvroType::kMap;
  n->values = std::move(values);
  n->attributes = std::move(attributes);
  return n;
}

NodePtr MakeRecord(const std::string& name, std::vector<RecordField> fields) {
  auto n = std::make_shared<Node>();
  n->type = AvroType::kRecord;
  n->name = name;
  n->fields = std::move(fields);
  return n;
}

RecordField MakeField(const std::string& name, NodePtr type, int field_id, const std::string& doc) {
  RecordField f;
  f.name = name;
  if (type->type == AvroType::kUnion && !type->branches.empty() && type->branches[0]->type == AvroType::kNull)
    f.default_value = nullptr;
  f.type = std::move(type);
  if (!doc.empty()) f.attributes["doc"] = doc;
  f.attributes["field-id"] = field_id;
  return f;
}

}  // namespace icesync::avro
