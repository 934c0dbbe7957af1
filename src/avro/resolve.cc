#include "avro/resolve.h"

#include <cstdint>

namespace icesync::avro {

struct Resolver::Plan {
  enum class Op {
    kIdentity,     // same primitive/fixed/enum type: keep the value
    kToLong,       // int -> long
    kToIntIfFits,  // long -> int: not an Avro promotion, see PrimitiveOp
    kToFloat,      // int/long -> float
    kToDouble,     // int/long/float -> double
    kToString,     // bytes -> string
    kToBytes,      // string -> bytes
    kRecord,
    kArray,
    kMap,
    kWriterUnion,  // writer union: per writer branch, a plan (null = incompatible branch)
    kReaderUnion,  // writer non-union into a reader union branch
    kFail,         // incompatible: error when a value actually reaches it
  };
  Op op = Op::kIdentity;
  std::string what;  // for errors: the reader type or field
  // kRecord: per reader field, the writer field index (-1: use default_values[i]).
  std::vector<int> writer_index;
  std::vector<Datum> default_values;
  std::vector<std::shared_ptr<const Plan>> children;  // record: per reader field; array/map: [item]
  std::vector<int> reader_branch;                      // kWriterUnion: per writer branch (-1: none)
  int branch = -1;                                     // kReaderUnion: reader branch
};

namespace {

using Plan = Resolver::Plan;
using PlanPtr = std::shared_ptr<const Plan>;

bool IsPrimitive(AvroType t) {
  return t != AvroType::kRecord && t != AvroType::kArray && t != AvroType::kMap && t != AvroType::kUnion;
}

// Direct (non-union) compatibility and the conversion it needs.
std::optional<Plan::Op> PrimitiveOp(const Node& w, const Node& r) {
  using T = AvroType;
  if (w.type == r.type) {
    if (w.type == T::kFixed && w.size != r.size) return std::nullopt;
    return Plan::Op::kIdentity;
  }
  if (w.type == T::kInt && r.type == T::kLong) return Plan::Op::kToLong;
  // Some writers store Iceberg int fields as long (e.g. equality_ids in hand-made manifests).
  // Avro's rules refuse long -> int; we accept each value that fits and fail on one that
  // does not, so no value is ever silently truncated.
  if (w.type == T::kLong && r.type == T::kInt) return Plan::Op::kToIntIfFits;
  if ((w.type == T::kInt || w.type == T::kLong) && r.type == T::kFloat) return Plan::Op::kToFloat;
  if ((w.type == T::kInt || w.type == T::kLong || w.type == T::kFloat) && r.type == T::kDouble)
    return Plan::Op::kToDouble;
  if (w.type == T::kBytes && r.type == T::kString) return Plan::Op::kToString;
  if (w.type == T::kString && r.type == T::kBytes) return Plan::Op::kToBytes;
  return std::nullopt;
}

PlanPtr Fail(std::string what) {
  auto p = std::make_shared<Plan>();
  p->op = Plan::Op::kFail;
  p->what = std::move(what);
  return p;
}

Result<PlanPtr> Build(const Node& w, const Node& r, const std::string& path, int depth);

// Picks the reader union branch for a (non-union) writer type: exact type first, then a
// promotion. -1 when none fits.
int PickBranch(const Node& w, const Node& r_union) {
  for (size_t i = 0; i < r_union.branches.size(); ++i) {
    const Node& b = *r_union.branches[i];
    if (b.type == w.type && (b.type != AvroType::kFixed || b.size == w.size)) return static_cast<int>(i);
  }
  for (size_t i = 0; i < r_union.branches.size(); ++i) {
    const Node& b = *r_union.branches[i];
    if (IsPrimitive(b.type) && IsPrimitive(w.type) && PrimitiveOp(w, b)) return static_cast<int>(i);
  }
  return -1;
}

bool HasFieldIds(const Node& record) {
  for (const auto& f : record.fields)
    if (f.field_id()) return true;
  return false;
}

Result<PlanPtr> BuildRecord(const Node& w, const Node& r, const std::string& path, int depth) {
  auto p = std::make_shared<Plan>();
  p->op = Plan::Op::kRecord;
  p->what = path;
  const bool writer_has_ids = HasFieldIds(w);
  for (const auto& rf : r.fields) {
    const std::string fpath = path.empty() ? rf.name : path + "." + rf.name;
    int wi = -1;
    auto id = rf.field_id();
    if (id && writer_has_ids) {
      wi = w.FieldIndexById(*id);
    } else {
      wi = w.FieldIndexByName(rf.name);
    }
    p->writer_index.push_back(wi);
    if (wi >= 0) {
      ASSIGN_OR_RETURN(PlanPtr child, Build(*w.fields[wi].type, *rf.type, fpath, depth + 1));
      p->children.push_back(std::move(child));
      p->default_values.emplace_back();
      continue;
    }
    p->children.push_back(nullptr);
    if (rf.default_value) {
      auto d = DatumFromJsonDefault(*rf.default_value, *rf.type);
      if (!d.ok()) return d.status().WithContext("default of " + fpath);
      p->default_values.push_back(std::move(d).value());
    } else if (rf.type->type == AvroType::kNull ||
               (rf.type->type == AvroType::kUnion && rf.type->branches.size() > 0 &&
                (rf.type->branches[0]->type == AvroType::kNull || rf.type->is_nullable_union()))) {
      int nb = 0;
      for (size_t i = 0; i < rf.type->branches.size(); ++i)
        if (rf.type->branches[i]->type == AvroType::kNull) nb = static_cast<int>(i);
      Datum n;
      n.set_branch(rf.type->type == AvroType::kUnion ? nb : -1);
      p->default_values.push_back(std::move(n));
    } else {
      return Corrupt("required field {}{} is missing from the file's schema and has no default", fpath,
                     id ? fmt::format(" (field-id {})", *id) : "");
    }
  }
  return PlanPtr(p);
}

Result<PlanPtr> Build(const Node& w, const Node& r, const std::string& path, int depth) {
  if (depth > 64) return Corrupt("schema nested too deeply at {}", path);
  if (w.type == AvroType::kUnion) {
    auto p = std::make_shared<Plan>();
    p->op = Plan::Op::kWriterUnion;
    p->what = path;
    for (const auto& wb : w.branches) {
      auto child = Build(*wb, r, path, depth + 1);
      if (child.ok()) {
        p->children.push_back(*child);
      } else {
        p->children.push_back(Fail(fmt::format("{} ({} written where {} is read)", path, AvroTypeName(wb->type),
                                               AvroTypeName(r.type))));
      }
    }
    return PlanPtr(p);
  }
  if (r.type == AvroType::kUnion) {
    int b = PickBranch(w, r);
    if (b < 0) return Corrupt("{}: written as {}, which no branch of the reader's union accepts", path, AvroTypeName(w.type));
    auto p = std::make_shared<Plan>();
    p->op = Plan::Op::kReaderUnion;
    p->branch = b;
    ASSIGN_OR_RETURN(PlanPtr child, Build(w, *r.branches[b], path, depth + 1));
    p->children.push_back(std::move(child));
    return PlanPtr(p);
  }
  if (w.type == AvroType::kRecord && r.type == AvroType::kRecord) return BuildRecord(w, r, path, depth);
  if ((w.type == AvroType::kArray && r.type == AvroType::kArray) || (w.type == AvroType::kMap && r.type == AvroType::kMap)) {
    auto p = std::make_shared<Plan>();
    p->op = w.type == AvroType::kArray ? Plan::Op::kArray : Plan::Op::kMap;
    const Node& wi = w.type == AvroType::kArray ? *w.items : *w.values;
    const Node& ri = r.type == AvroType::kArray ? *r.items : *r.values;
    ASSIGN_OR_RETURN(PlanPtr child, Build(wi, ri, path + "[]", depth + 1));
    p->children.push_back(std::move(child));
    return PlanPtr(p);
  }
  if (IsPrimitive(w.type) && IsPrimitive(r.type)) {
    if (auto op = PrimitiveOp(w, r)) {
      auto p = std::make_shared<Plan>();
      p->op = *op;
      p->what = path.empty() ? "value" : path;
      return PlanPtr(p);
    }
  }
  return Corrupt("{}: written as {}, cannot be read as {}", path.empty() ? "value" : path, AvroTypeName(w.type),
                 AvroTypeName(r.type));
}

Result<Datum> Run(const Plan& p, Datum d) {
  switch (p.op) {
    case Plan::Op::kIdentity: d.set_branch(-1); return d;
    case Plan::Op::kToLong: return Datum::Long(d.int_value());
    case Plan::Op::kToIntIfFits:
      if (d.long_value() < INT32_MIN || d.long_value() > INT32_MAX) {
        return Corrupt("{}: long value {} written where an int is expected does not fit in an int", p.what,
                       d.long_value());
      }
      return Datum::Int(static_cast<int32_t>(d.long_value()));
    case Plan::Op::kToFloat:
      return Datum::Float(d.kind() == Datum::Kind::kInt ? static_cast<float>(d.int_value())
                                                        : static_cast<float>(d.long_value()));
    case Plan::Op::kToDouble:
      switch (d.kind()) {
        case Datum::Kind::kInt: return Datum::Double(d.int_value());
        case Datum::Kind::kLong: return Datum::Double(static_cast<double>(d.long_value()));
        default: return Datum::Double(d.float_value());
      }
    case Plan::Op::kToString: return Datum::String(std::move(d.mutable_bytes()));
    case Plan::Op::kToBytes: return Datum::Bytes(std::move(d.mutable_bytes()));
    case Plan::Op::kFail: return Corrupt("{}: incompatible value", p.what);
    case Plan::Op::kReaderUnion: {
      ASSIGN_OR_RETURN(Datum out, Run(*p.children[0], std::move(d)));
      out.set_branch(p.branch);
      return out;
    }
    case Plan::Op::kWriterUnion: {
      int b = d.branch();
      if (b < 0 || static_cast<size_t>(b) >= p.children.size()) return Internal("{}: union branch missing", p.what);
      return Run(*p.children[b], std::move(d));
    }
    case Plan::Op::kArray: {
      std::vector<Datum> items = std::move(d.mutable_items());
      for (auto& item : items) {
        ASSIGN_OR_RETURN(item, Run(*p.children[0], std::move(item)));
      }
      return Datum::Array(std::move(items));
    }
    case Plan::Op::kMap: {
      Datum::MapEntries entries = std::move(d.mutable_map_entries());
      for (auto& e : entries) {
        ASSIGN_OR_RETURN(e.second, Run(*p.children[0], std::move(e.second)));
      }
      return Datum::Map(std::move(entries));
    }
    case Plan::Op::kRecord: {
      std::vector<Datum>& in = d.mutable_items();
      std::vector<Datum> out;
      out.reserve(p.writer_index.size());
      for (size_t i = 0; i < p.writer_index.size(); ++i) {
        int wi = p.writer_index[i];
        if (wi < 0) {
          out.push_back(p.default_values[i]);
        } else {
          if (static_cast<size_t>(wi) >= in.size()) return Internal("{}: record shorter than its schema", p.what);
          ASSIGN_OR_RETURN(Datum v, Run(*p.children[i], std::move(in[wi])));
          out.push_back(std::move(v));
        }
      }
      return Datum::Record(std::move(out));
    }
  }
  return Internal("unreachable resolution step");
}

}  // namespace

Result<Resolver> Resolver::Make(const Node& writer, const Node& reader) {
  ASSIGN_OR_RETURN(PlanPtr plan, Build(writer, reader, "", 0));
  return Resolver(std::move(plan));
}

Result<Datum> Resolver::Apply(Datum d) const { return Run(*plan_, std::move(d)); }

Result<Datum> DatumFromJsonDefault(const nlohmann::json& v, const Node& n) {
  switch (n.type) {
    case AvroType::kNull:
      if (!v.is_null()) break;
      return Datum::Null();
    case AvroType::kBoolean:
      if (!v.is_boolean()) break;
      return Datum::Bool(v.get<bool>());
    case AvroType::kInt:
      if (!v.is_number_integer()) break;
      return Datum::Int(static_cast<int32_t>(v.get<int64_t>()));
    case AvroType::kLong:
      if (!v.is_number_integer()) break;
      return Datum::Long(v.get<int64_t>());
    case AvroType::kFloat:
      if (!v.is_number()) break;
      return Datum::Float(v.get<float>());
    case AvroType::kDouble:
      if (!v.is_number()) break;
      return Datum::Double(v.get<double>());
    case AvroType::kString:
      if (!v.is_string()) break;
      return Datum::String(v.get<std::string>());
    case AvroType::kBytes:
    case AvroType::kFixed: {
      // JSON defaults of bytes/fixed are strings of code points 0-255 (one byte each).
      if (!v.is_string()) break;
      std::string bytes;
      const std::string s = v.get<std::string>();
      for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
          bytes.push_back(static_cast<char>(c));
        } else if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
          bytes.push_back(static_cast<char>(((c & 0x1f) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f)));
        } else {
          return Corrupt("bytes default has a code point above 255");
        }
      }
      if (n.type == AvroType::kFixed) {
        if (bytes.size() != static_cast<size_t>(n.size)) break;
        return Datum::Fixed(std::move(bytes));
      }
      return Datum::Bytes(std::move(bytes));
    }
    case AvroType::kEnum:
      if (!v.is_string()) break;
      for (size_t i = 0; i < n.symbols.size(); ++i)
        if (n.symbols[i] == v.get<std::string>()) return Datum::Enum(static_cast<int32_t>(i));
      break;
    case AvroType::kArray: {
      if (!v.is_array()) break;
      std::vector<Datum> items;
      for (const auto& e : v) {
        ASSIGN_OR_RETURN(Datum d, DatumFromJsonDefault(e, *n.items));
        items.push_back(std::move(d));
      }
      return Datum::Array(std::move(items));
    }
    case AvroType::kMap: {
      if (!v.is_object()) break;
      Datum::MapEntries entries;
      for (auto it = v.begin(); it != v.end(); ++it) {
        ASSIGN_OR_RETURN(Datum d, DatumFromJsonDefault(it.value(), *n.values));
        entries.emplace_back(it.key(), std::move(d));
      }
      return Datum::Map(std::move(entries));
    }
    case AvroType::kRecord: {
      if (!v.is_object()) break;
      std::vector<Datum> fields;
      for (const auto& f : n.fields) {
        auto it = v.find(f.name);
        const nlohmann::json* fv = it != v.end() ? &*it : f.default_value ? &*f.default_value : nullptr;
        if (!fv) return Corrupt("record default lacks field {}", f.name);
        ASSIGN_OR_RETURN(Datum d, DatumFromJsonDefault(*fv, *f.type));
        fields.push_back(std::move(d));
      }
      return Datum::Record(std::move(fields));
    }
    case AvroType::kUnion: {
      if (n.branches.empty()) break;
      ASSIGN_OR_RETURN(Datum d, DatumFromJsonDefault(v, *n.branches[0]));
      d.set_branch(0);
      return d;
    }
  }
  return Corrupt("default value {} does not match Avro type {}", v.dump(), AvroTypeName(n.type));
}

}  // namespace icesync::avro
