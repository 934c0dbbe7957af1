#include "parquet/file_schema.h"

#include <set>

namespace icesync::parquet {

namespace {

constexpr int kMaxNesting = 64;

struct Tree {
  int index = 0;
  std::vector<Tree> children;
};

bool IsGroup(const SchemaElement& e) { return e.num_children.has_value() && !e.type.has_value(); }

bool IsRepeated(const SchemaElement& e) {
  return e.repetition_type == FieldRepetitionType::REPEATED;
}
bool IsOptional(const SchemaElement& e) {
  return e.repetition_type == FieldRepetitionType::OPTIONAL;
}

bool HasLogical(const SchemaElement& e, LogicalType::Kind k) {
  return e.logical_type.has_value() && e.logical_type->kind == k;
}
bool HasConverted(const SchemaElement& e, ConvertedType c) { return e.converted_type == c; }

int PhysicalWidth(Type t, int32_t type_length) {
  switch (t) {
    case Type::BOOLEAN: return 1;
    case Type::INT32: case Type::FLOAT: return 4;
    case Type::INT64: case Type::DOUBLE: return 8;
    case Type::INT96: return 12;
    case Type::BYTE_ARRAY: return 0;
    case Type::FIXED_LEN_BYTE_ARRAY: return type_length;
  }
  return -1;
}

}  // namespace

class SchemaConverter {
 public:
  SchemaConverter(FileSchema* out, const std::string& file) : out_(out), file_(file) {}

  Status Run() {
    const auto& el = out_->elements_;
    if (el.empty()) return Corrupt("{}: the footer has an empty schema", file_);
    if (!el[0].num_children.has_value()) return Corrupt("{}: the schema root is not a group", file_);
    size_t next = 0;
    Tree root;
    RETURN_IF_ERROR(BuildTree(next, 0, &root));
    if (next != el.size()) {
      return Corrupt("{}: the schema has {} elements but its tree uses {}", file_, el.size(), next);
    }
    for (const SchemaElement& e : el) {
      if (e.field_id.has_value()) max_id_ = std::max(max_id_, *e.field_id);
    }
    std::vector<Field> fields;
    for (const Tree& child : root.children) {
      AssemblyNode node;
      RETURN_IF_ERROR(Convert(child, 0, 0, false, &node));
      fields.push_back(node.field);
      out_->nodes_.push_back(std::move(node));
    }
    out_->schema_ = std::make_shared<const Schema>(std::move(fields));
    return Status::OK();
  }

 private:
  Status BuildTree(size_t& next, int depth, Tree* t) {
    const auto& el = out_->elements_;
    if (depth > kMaxNesting) return Corrupt("{}: schema nested deeper than {} levels", file_, kMaxNesting);
    if (next >= el.size()) return Corrupt("{}: schema tree declares more elements than the footer holds", file_);
    t->index = static_cast<int>(next++);
    const SchemaElement& e = el[t->index];
    if (!e.type.has_value() && !e.num_children.has_value()) {
      return Corrupt("{}: schema element '{}' has neither a type nor children", file_, e.name);
    }
    if (e.type.has_value()) {
      if (static_cast<int32_t>(*e.type) < 0 || static_cast<int32_t>(*e.type) > 7) {
        return Corrupt("{}: invalid file metadata: unknown physical type {} for column '{}'", file_,
                       static_cast<int32_t>(*e.type), e.name);
      }
      if (e.num_children.value_or(0) > 0) {
        return Corrupt("{}: primitive schema element '{}' declares children", file_, e.name);
      }
      return Status::OK();
    }
    const int32_t n = *e.num_children;
    if (n < 0 || static_cast<size_t>(n) > el.size() - next) {
      return Corrupt("{}: schema group '{}' declares {} children, only {} elements follow", file_, e.name, n,
                     el.size() - next);
    }
    t->children.resize(n);
    for (int32_t i = 0; i < n; ++i) RETURN_IF_ERROR(BuildTree(next, depth + 1, &t->children[i]));
    return Status::OK();
  }

  int TakeId(const SchemaElement* e) {
    if (e && e->field_id.has_value() && used_ids_.insert(*e->field_id).second) return *e->field_id;
    int id = ++max_id_;
    used_ids_.insert(id);
    return id;
  }

  // Converts element `t` whose parent is present at definition level parent_def and
  // repetition level parent_rep. as_element: t is a list element standing for its own
  // repeated node, so its repetition is already counted (it is required here).
  Status Convert(const Tree& t, int parent_def, int parent_rep, bool as_element, AssemblyNode* node) {
    const SchemaElement& e = out_->elements_[t.index];
    if (++depth_ > kMaxNesting) return Corrupt("{}: schema nested too deeply", file_);
    struct DepthGuard { int& d; ~DepthGuard() { --d; } } guard{depth_};
    // The element of an unannotated repeated field is the same schema element: one path entry.
    const bool same_element = !path_index_.empty() && path_index_.back() == t.index;
    if (!same_element) {
      path_.push_back(e.name);
      path_index_.push_back(t.index);
    }
    struct PathGuard {
      SchemaConverter* c;
      bool active;
      ~PathGuard() {
        if (active) { c->path_.pop_back(); c->path_index_.pop_back(); }
      }
    } path_guard{this, !same_element};

    if (IsRepeated(e) && !as_element) {
      // Unannotated repeated field: a required list whose element is the field itself.
      node->kind = AssemblyNode::kList;
      node->field.id = TakeId(&e);
      node->field.name = e.name;
      node->field.required = true;
      node->def = parent_def;
      node->empty_def = parent_def + 1;
      node->rep = parent_rep + 1;
      AssemblyNode element;
      RETURN_IF_ERROR(Convert(t, parent_def + 1, parent_rep + 1, true, &element));
      element.field.name = "element";
      node->field.type = DataType::List(element.field);
      FinishRange(node, element);
      node->children.push_back(std::move(element));
      return Status::OK();
    }

    const bool optional = !as_element && IsOptional(e);
    const int def = parent_def + (optional ? 1 : 0);
    node->def = def;
    node->field.name = e.name;
    node->field.required = !optional;
    // List elements that are the repeated node itself already got their id from the list.
    // (An unannotated repeated field's list already took its field_id: the element gets a new one.)
    node->field.id = TakeId(&e);
    if (!IsGroup(e)) return ConvertLeaf(e, def, parent_rep, node);

    const bool is_list = HasLogical(e, LogicalType::LIST) || HasConverted(e, ConvertedType::LIST);
    const bool is_map = HasLogical(e, LogicalType::MAP) || HasConverted(e, ConvertedType::MAP) ||
                        HasConverted(e, ConvertedType::MAP_KEY_VALUE);
    if ((is_list || is_map) && t.children.size() == 1 && IsRepeated(out_->elements_[t.children[0].index])) {
      const Tree& rt = t.children[0];
      const SchemaElement& r = out_->elements_[rt.index];
      node->empty_def = def + 1;
      node->rep = parent_rep + 1;
      if (is_list) return ConvertList(e, rt, r, node);
      return ConvertMap(rt, r, node);
    }
    if (is_list || is_map) {
      // Legacy writers sometimes put MAP_KEY_VALUE on the repeated group itself; any other
      // shape is malformed.
      if (!HasConverted(e, ConvertedType::MAP_KEY_VALUE)) {
        return Corrupt("{}: {} group '{}' must have exactly one repeated child", file_, is_list ? "LIST" : "MAP",
                       e.name);
      }
    }
    node->kind = AssemblyNode::kStruct;
    std::vector<Field> fields;
    node->leaf_begin = static_cast<int>(out_->leaves_.size());
    for (const Tree& c : t.children) {
      AssemblyNode child;
      RETURN_IF_ERROR(Convert(c, def, parent_rep, false, &child));
      fields.push_back(child.field);
      node->children.push_back(std::move(child));
    }
    node->leaf_end = static_cast<int>(out_->leaves_.size());
    if (node->leaf_begin == node->leaf_end) {
      return Unsupported("{}: group '{}' has no columns", file_, e.name);
    }
    node->field.type = DataType::Struct(std::move(fields));
    return Status::OK();
  }

  Status ConvertList(const SchemaElement& list, const Tree& rt, const SchemaElement& r, AssemblyNode* node) {
    node->kind = AssemblyNode::kList;
    const bool repeated_is_element = !IsGroup(r) || rt.children.size() != 1 || r.name == "array" ||
                                     r.name == list.name + "_tuple";
    AssemblyNode element;
    if (repeated_is_element) {
      RETURN_IF_ERROR(Convert(rt, node->empty_def, node->rep, true, &element));
    } else {
      RETURN_IF_ERROR(Convert(rt.children[0], node->empty_def, node->rep, false, &element));
    }
    node->field.type = DataType::List(element.field);
    FinishRange(node, element);
    node->children.push_back(std::move(element));
    return Status::OK();
  }

  Status ConvertMap(const Tree& kvt, const SchemaElement& kv, AssemblyNode* node) {
    node->kind = AssemblyNode::kMap;
    if (!IsGroup(kv) || kvt.children.empty() || kvt.children.size() > 2) {
      return Corrupt("{}: map '{}' must hold a repeated group of a key and an optional value", file_,
                     node->field.name);
    }
    AssemblyNode key;
    RETURN_IF_ERROR(Convert(kvt.children[0], node->empty_def, node->rep, false, &key));
    if (key.kind != AssemblyNode::kLeaf && key.kind != AssemblyNode::kStruct) {
      return Unsupported("{}: map '{}' has a repeated key", file_, node->field.name);
    }
    key.field.name = "key";
    node->leaf_begin = key.leaf_begin;
    node->leaf_end = key.leaf_end;
    Field value_field;
    if (kvt.children.size() == 2) {
      AssemblyNode value;
      RETURN_IF_ERROR(Convert(kvt.children[1], node->empty_def, node->rep, false, &value));
      value.field.name = "value";
      value_field = value.field;
      node->leaf_end = value.leaf_end;
      node->children.push_back(std::move(key));
      node->children.push_back(std::move(value));
    } else {
      // No value column: values read as null (typed string, a placeholder).
      node->map_has_value = false;
      value_field = Field{TakeId(nullptr), "value", DataType::String(), false};
      node->children.push_back(std::move(key));
    }
    node->field.type = DataType::Map(node->children[0].field, value_field);
    return Status::OK();
  }

  static void FinishRange(AssemblyNode* node, const AssemblyNode& element) {
    node->leaf_begin = element.leaf_begin;
    node->leaf_end = element.leaf_end;
  }

  Status ConvertLeaf(const SchemaElement& e, int def, int rep, AssemblyNode* node) {
    LeafColumn leaf;
    leaf.column_index = static_cast<int>(out_->leaves_.size());
    leaf.physical = *e.type;
    leaf.max_def = def;
    leaf.max_rep = rep;
    leaf.field_id = node->field.id;
    leaf.element = &e;
    leaf.path = path_;
    for (const std::string& part : path_) {
      if (!leaf.dotted_path.empty()) leaf.dotted_path += '.';
      leaf.dotted_path += part;
    }
    const int width = PhysicalWidth(leaf.physical, e.type_length.value_or(-1));
    if (leaf.physical == Type::FIXED_LEN_BYTE_ARRAY && (width <= 0 || width > (1 << 24))) {
      return Corrupt("{}: FIXED_LEN_BYTE_ARRAY column '{}' has invalid length {}", file_, e.name, width);
    }
    leaf.layout = ValueLayout{leaf.physical == Type::BOOLEAN, width};
    RETURN_IF_ERROR(DeduceType(e, &leaf));
    node->kind = AssemblyNode::kLeaf;
    node->field.type = leaf.type;
    node->leaf = leaf.column_index;
    node->leaf_begin = leaf.column_index;
    node->leaf_end = leaf.column_index + 1;
    if (leaf.format != ValueFormat::kDefault) out_->formats_[leaf.field_id] = leaf.format;
    out_->leaves_.push_back(std::move(leaf));
    return Status::OK();
  }

  Status Mismatch(const SchemaElement& e, const std::string& what) {
    return Unsupported("{}: column '{}' is annotated {} but stored as {}", file_, e.name, what, TypeName(*e.type));
  }

  Status SetDecimal(const SchemaElement& e, int precision, int scale, LeafColumn* leaf) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return Unsupported("{}: column '{}' has DECIMAL({},{}), icesync reads precision 1..38 with 0 <= scale <= precision",
                         file_, e.name, precision, scale);
    }
    leaf->type = DataType::Decimal(precision, scale);
    switch (leaf->physical) {
      case Type::INT32: leaf->conversion = LeafConversion::kInt32ToDecimal; return Status::OK();
      case Type::INT64: leaf->conversion = LeafConversion::kInt64ToDecimal; return Status::OK();
      case Type::BYTE_ARRAY: leaf->conversion = LeafConversion::kBytesToDecimal; return Status::OK();
      case Type::FIXED_LEN_BYTE_ARRAY:
        if (leaf->layout.width > 16) return Unsupported("{}: DECIMAL column '{}' is wider than 16 bytes", file_, e.name);
        leaf->conversion = LeafConversion::kBytesToDecimal;
        return Status::OK();
      default: return Mismatch(e, "DECIMAL");
    }
  }

  Status SetTime(const SchemaElement& e, TimeUnit unit, bool timestamp, bool utc, LeafColumn* leaf) {
    const Type want = (!timestamp && unit == TimeUnit::MILLIS) ? Type::INT32 : Type::INT64;
    if (leaf->physical != want) return Mismatch(e, timestamp ? "TIMESTAMP" : "TIME");
    if (unit == TimeUnit::NANOS) {
      leaf->type = DataType::Int64();
      leaf->format = !timestamp ? ValueFormat::kTimeNanos
                                : (utc ? ValueFormat::kTimestampNanosUtc : ValueFormat::kTimestampNanos);
      return Status::OK();
    }
    leaf->type = !timestamp ? DataType::Time() : (utc ? DataType::TimestampTz() : DataType::Timestamp());
    if (unit == TimeUnit::MILLIS) {
      leaf->conversion = timestamp ? LeafConversion::kMillisToMicros : LeafConversion::kTimeMillisToMicros;
    }
    return Status::OK();
  }

  Status SetInteger(const SchemaElement& e, int bits, bool is_signed, LeafColumn* leaf) {
    const Type want = bits == 64 ? Type::INT64 : Type::INT32;
    if (leaf->physical != want || (bits != 8 && bits != 16 && bits != 32 && bits != 64)) {
      return Mismatch(e, fmt::format("INT({},{})", bits, is_signed));
    }
    if (bits == 64) {
      leaf->type = DataType::Int64();
      if (!is_signed) leaf->format = ValueFormat::kUnsigned64;
    } else if (bits == 32 && !is_signed) {
      leaf->type = DataType::Int64();
      leaf->conversion = LeafConversion::kUint32ToInt64;
      leaf->format = ValueFormat::kUnsigned32;
    } else {
      leaf->type = DataType::Int32();
    }
    return Status::OK();
  }

  Status SetString(const SchemaElement& e, LeafColumn* leaf) {
    if (leaf->physical != Type::BYTE_ARRAY && leaf->physical != Type::FIXED_LEN_BYTE_ARRAY) {
      return Mismatch(e, "STRING");
    }
    leaf->type = DataType::String();
    return Status::OK();
  }

  void SetPhysicalDefault(LeafColumn* leaf) {
    switch (leaf->physical) {
      case Type::BOOLEAN: leaf->type = DataType::Boolean(); break;
      case Type::INT32: leaf->type = DataType::Int32(); break;
      case Type::INT64: leaf->type = DataType::Int64(); break;
      case Type::INT96:
        leaf->type = DataType::Fixed(12);
        leaf->format = ValueFormat::kInt96;
        break;
      case Type::FLOAT: leaf->type = DataType::Float32(); break;
      case Type::DOUBLE: leaf->type = DataType::Float64(); break;
      case Type::BYTE_ARRAY: leaf->type = DataType::Binary(); break;
      case Type::FIXED_LEN_BYTE_ARRAY: leaf->type = DataType::Fixed(leaf->layout.width); break;
    }
  }

  Status DeduceType(const SchemaElement& e, LeafColumn* leaf) {
    SetPhysicalDefault(leaf);
    if (e.logical_type.has_value() && e.logical_type->kind != LogicalType::kNone) {
      const LogicalType& lt = *e.logical_type;
      switch (lt.kind) {
        case LogicalType::STRING:
        case LogicalType::ENUM:
        case LogicalType::JSON: return SetString(e, leaf);
        case LogicalType::DECIMAL: return SetDecimal(e, lt.precision, lt.scale, leaf);
        case LogicalType::DATE:
          if (leaf->physical != Type::INT32) return Mismatch(e, "DATE");
          leaf->type = DataType::Date();
          return Status::OK();
        case LogicalType::TIME: return SetTime(e, lt.unit, false, lt.is_adjusted_to_utc, leaf);
        case LogicalType::TIMESTAMP: return SetTime(e, lt.unit, true, lt.is_adjusted_to_utc, leaf);
        case LogicalType::INTEGER: return SetInteger(e, lt.bit_width, lt.is_signed, leaf);
        case LogicalType::UUID:
          if (leaf->physical != Type::FIXED_LEN_BYTE_ARRAY || leaf->layout.width != 16) return Mismatch(e, "UUID");
          leaf->type = DataType::Uuid();
          return Status::OK();
        case LogicalType::FLOAT16:
          if (leaf->physical != Type::FIXED_LEN_BYTE_ARRAY || leaf->layout.width != 2) return Mismatch(e, "FLOAT16");
          leaf->type = DataType::Float32();
          leaf->conversion = LeafConversion::kFloat16ToFloat;
          return Status::OK();
        default:  // UNKNOWN (null), BSON, MAP/LIST on a leaf, members this reader does not know
          return Status::OK();
      }
    }
    if (!e.converted_type.has_value()) return Status::OK();
    switch (*e.converted_type) {
      case ConvertedType::UTF8:
      case ConvertedType::ENUM:
      case ConvertedType::JSON: return SetString(e, leaf);
      case ConvertedType::DECIMAL: return SetDecimal(e, e.precision.value_or(0), e.scale.value_or(0), leaf);
      case ConvertedType::DATE:
        if (leaf->physical != Type::INT32) return Mismatch(e, "DATE");
        leaf->type = DataType::Date();
        return Status::OK();
      // Legacy time types are UTC-adjusted (LogicalTypes.md, backward compatibility).
      case ConvertedType::TIME_MILLIS: return SetTime(e, TimeUnit::MILLIS, false, true, leaf);
      case ConvertedType::TIME_MICROS: return SetTime(e, TimeUnit::MICROS, false, true, leaf);
      case ConvertedType::TIMESTAMP_MILLIS: return SetTime(e, TimeUnit::MILLIS, true, true, leaf);
      case ConvertedType::TIMESTAMP_MICROS: return SetTime(e, TimeUnit::MICROS, true, true, leaf);
      case ConvertedType::UINT_8: return SetInteger(e, 8, false, leaf);
      case ConvertedType::UINT_16: return SetInteger(e, 16, false, leaf);
      case ConvertedType::UINT_32: return SetInteger(e, 32, false, leaf);
      case ConvertedType::UINT_64: return SetInteger(e, 64, false, leaf);
      case ConvertedType::INT_8: return SetInteger(e, 8, true, leaf);
      case ConvertedType::INT_16: return SetInteger(e, 16, true, leaf);
      case ConvertedType::INT_32: return SetInteger(e, 32, true, leaf);
      case ConvertedType::INT_64: return SetInteger(e, 64, true, leaf);
      default: return Status::OK();  // BSON, INTERVAL, MAP/LIST on a leaf: raw storage
    }
  }

  FileSchema* out_;
  const std::string& file_;
  int max_id_ = 0;
  int depth_ = 0;
  std::set<int> used_ids_;
  std::vector<std::string> path_;
  std::vector<int> path_index_;
};

Result<std::shared_ptr<const FileSchema>> FileSchema::Make(const std::vector<SchemaElement>& elements,
                                                           const std::string& file) {
  auto fs = std::make_shared<FileSchema>();
  fs->elements_ = elements;
  SchemaConverter conv(fs.get(), file);
  RETURN_IF_ERROR(conv.Run());
  return std::shared_ptr<const FileSchema>(std::move(fs));
}

}  // namespace icesync::parquet
