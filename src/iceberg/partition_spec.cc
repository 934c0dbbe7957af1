#include "iceberg/partition_spec.h"

#include <algorithm>
#include <cctype>

#include "core/schema_json.h"
#include "iceberg/transforms.h"

namespace icesync::iceberg {

using nlohmann::json;

namespace {
// Java's URLEncoder: alphanumerics and ".-*_" kept, space as '+', other bytes %XX.
std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '*' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// One directory name of a partition path, at most kMaxPathSegment bytes. Filesystems refuse
// names over 255 bytes (NAME_MAX), and an identity partition on a long string (or a long
// column name, escaped at up to 3 bytes a byte) would make one: such a segment keeps a
// readable prefix, cut before an escape it would split, and ends in its length and the
// Murmur3 hash of the whole, so distinct values practically always get distinct directories.
// The directory is only a place: a file's partition tuple is in its manifest entry, never read
// back from the path, so even two values sharing one directory would stay correct.
constexpr size_t kMaxPathSegment = 200;

std::string CappedSegment(std::string segment) {
  if (segment.size() <= kMaxPathSegment) return segment;
  const std::string suffix = fmt::format("-{}-{:08x}", segment.size(),
                                         static_cast<uint32_t>(Murmur3Hash32(segment.data(), segment.size())));
  size_t keep = kMaxPathSegment - suffix.size();
  if (keep >= 1 && segment[keep - 1] == '%') keep -= 1;
  else if (keep >= 2 && segment[keep - 2] == '%') keep -= 2;
  return segment.substr(0, keep) + suffix;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits on commas outside parentheses.
std::vector<std::string_view> SplitTerms(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(s.substr(start)));
  return out;
}

Result<const Field*> FindColumn(const Schema& schema, std::string_view name, std::string_view term) {
  if (auto i = schema.FindTopLevelIndex(std::string(name))) return &schema.field(*i);
  const Field* match = nullptr;
  for (const Field& f : schema.fields()) {
    if (Lower(f.name) == Lower(name)) {
      if (match) return InvalidArgument("partition term '{}': column name '{}' is ambiguous (differs only in case)", term, name);
      match = &f;
    }
  }
  if (!match) {
    std::string names;
    for (const Field& f : schema.fields()) names += (names.empty() ? "" : ", ") + f.name;
    return InvalidArgument("partition term '{}': no column '{}' (columns: {})", term, name, names);
  }
  return match;
}
}  // namespace

bool PartitionSpec::is_unpartitioned() const {
  return std::all_of(fields_.begin(), fields_.end(),
                     [](const PartitionField& f) { return f.transform.kind() == Transform::Kind::kVoid; });
}

int PartitionSpec::last_field_id() const {
  int last = kFirstPartitionFieldId - 1;
  for (const auto& f : fields_) last = std::max(last, f.field_id);
  return last;
}

Result<std::vector<Field>> PartitionSpec::PartitionType(const Schema& schema) const {
  std::vector<Field> out;
  for (const PartitionField& pf : fields_) {
    const Field* src = schema.FindFieldById(pf.source_id);
    if (!src) {
      return NotFound("partition field '{}' (id {}) refers to source column id {}, which is not in the schema",
                      pf.name, pf.field_id, pf.source_id);
    }
    ASSIGN_OR_RETURN(DataType t, pf.transform.ResultType(src->type));
    out.push_back(Field{pf.field_id, pf.name, t, false});
  }
  return out;
}

Result<std::vector<Value>> PartitionSpec::PartitionTuple(const std::vector<Value>& source_values) const {
  if (source_values.size() != fields_.size()) {
    return Internal("partition tuple: {} source values for {} partition fields", source_values.size(), fields_.size());
  }
  std::vector<Value> out;
  out.reserve(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) {
    ASSIGN_OR_RETURN(Value v, fields_[i].transform.Apply(source_values[i]));
    out.push_back(std::move(v));
  }
  return out;
}

std::string PartitionSpec::PartitionPath(const std::vector<Value>& tuple) const {
  std::string path;
  for (size_t i = 0; i < fields_.size() && i < tuple.size(); ++i) {
    if (!path.empty()) path += '/';
    path += CappedSegment(UrlEncode(fields_[i].name) + "=" + UrlEncode(fields_[i].transform.HumanString(tuple[i])));
  }
  return path;
}

std::string PartitionTupleKey(const std::vector<Value>& tuple) {
  std::string key;
  for (const Value& v : tuple) {
    if (v.is_null()) {
      key += '\xff';  // not a digit: no value's length prefix starts with it
      continue;
    }
    const std::string bytes = v.ToIcebergBytes();
    key += fmt::format("{}:", bytes.size());
    key += bytes;
  }
  return key;
}

json PartitionSpecToJson(const PartitionSpec& spec) {
  json fields = json::array();
  for (const PartitionField& f : spec.fields()) {
    fields.push_back({{"name", f.name}, {"transform", f.transform.ToString()}, {"source-id", f.source_id},
                      {"field-id", f.field_id}});
  }
  return {{"spec-id", spec.spec_id()}, {"fields", fields}};
}

Result<PartitionSpec> PartitionSpecFromJson(const json& j) {
  try {
    const json* fields = &j;
    int spec_id = 0;
    if (j.is_object()) {
      spec_id = JsonInt<int>(j, "spec-id", 0);
      if (!j.contains("fields")) return Corrupt("partition spec without 'fields': {}", j.dump());
      fields = &j["fields"];
    }
    if (!fields->is_array()) return Corrupt("partition spec fields are not an array: {}", j.dump());
    std::vector<PartitionField> out;
    int next_id = kFirstPartitionFieldId;  // v1 specs may omit field-id: ids are assigned in order
    for (const json& f : *fields) {
      PartitionField pf;
      pf.name = f.at("name").get<std::string>();
      pf.source_id = f.contains("source-id") ? JsonInt<int>(f["source-id"]) : JsonInt<int>(f.at("source-ids").at(0));
      pf.field_id = f.contains("field-id") ? JsonInt<int>(f["field-id"]) : next_id;
      next_id = pf.field_id + 1;
      ASSIGN_OR_RETURN(pf.transform, Transform::Parse(f.at("transform").get<std::string>()));
      out.push_back(std::move(pf));
    }
    return PartitionSpec(spec_id, std::move(out));
  } catch (const json::exception& e) {
    return Corrupt("bad partition spec {}: {}", j.dump(), e.what());
  }
}

Result<PartitionSpec> ParsePartitionSpec(std::string_view expression, const Schema& schema, int spec_id,
                                         int first_field_id) {
  std::vector<PartitionField> fields;
  if (Trim(expression).empty()) return PartitionSpec(spec_id, {});
  int next_id = first_field_id;
  for (std::string_view term : SplitTerms(expression)) {
    if (term.empty()) return InvalidArgument("partition expression '{}': empty term", expression);
    std::string fn = "identity";
    std::string_view column = term;
    int param = 0;
    size_t open = term.find('(');
    if (open != std::string_view::npos) {
      if (term.back() != ')') return InvalidArgument("partition term '{}': missing ')'", term);
      fn = Lower(Trim(term.substr(0, open)));
      std::string_view args = term.substr(open + 1, term.size() - open - 2);
      std::vector<std::string_view> parts = SplitTerms(args);
      if (fn == "bucket" || fn == "truncate") {
        if (parts.size() != 2) {
          return InvalidArgument("partition term '{}': {} takes (N, column), e.g. {}(16, id)", term, fn, fn);
        }
        // Accept both (N, col) and (col, N).
        std::string_view a = parts[0], b = parts[1];
        auto is_int = [](std::string_view s) {
          return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        };
        if (!is_int(a) && is_int(b)) std::swap(a, b);
        if (!is_int(a) || a.size() > 10 || std::stoll(std::string(a)) <= 0 || std::stoll(std::string(a)) > 0x7fffffff) {
          return InvalidArgument("partition term '{}': '{}' is not a positive integer width/count", term, a);
        }
        param = static_cast<int>(std::stoll(std::string(a)));
        column = b;
      } else {
        if (parts.size() != 1) return InvalidArgument("partition term '{}': {} takes one column", term, fn);
        column = parts[0];
      }
    }
    if (column.empty()) return InvalidArgument("partition term '{}': no column", term);
    Transform t;
    std::string suffix;
    if (fn == "identity") { t = Transform::Identity(); }
    else if (fn == "bucket") { t = Transform::Bucket(param); suffix = "_bucket"; }
    else if (fn == "truncate") { t = Transform::Truncate(param); suffix = "_trunc"; }
    else if (fn == "year" || fn == "years") { t = Transform::Year(); suffix = "_year"; }
    else if (fn == "month" || fn == "months") { t = Transform::Month(); suffix = "_month"; }
    else if (fn == "day" || fn == "days") { t = Transform::Day(); suffix = "_day"; }
    else if (fn == "hour" || fn == "hours") { t = Transform::Hour(); suffix = "_hour"; }
    else if (fn == "void") { t = Transform::Void(); suffix = "_null"; }
    else {
      return InvalidArgument(
          "partition term '{}': unknown transform '{}' (use identity, bucket, truncate, year, month, day, hour, void)",
          term, fn);
    }
    ASSIGN_OR_RETURN(const Field* col, FindColumn(schema, column, term));
    auto rt = t.ResultType(col->type);
    if (!rt.ok()) return InvalidArgument("partition term '{}': {}", term, rt.status().message());
    PartitionField pf{col->id, next_id++, col->name + suffix, t};
    for (const PartitionField& prev : fields) {
      if (prev.name == pf.name) return InvalidArgument("partition term '{}': duplicate partition field '{}'", term, pf.name);
    }
    fields.push_back(std::move(pf));
  }
  return PartitionSpec(spec_id, std::move(fields));
}

}  // namespace icesync::iceberg
