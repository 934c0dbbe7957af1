#include "core/schema.h"

#include <set>

namespace icesync {

Schema::Schema(std::vector<Field> fields, int schema_id, std::vector<int> identifier_field_ids)
    : fields_(std::move(fields)), schema_id_(schema_id), identifier_field_ids_(std::move(identifier_field_ids)) {}

namespace {
const Field* FindIn(const std::vector<Field>& fields, int id) {
  for (const Field& f : fields) {
    if (f.id == id) return &f;
    if (const Field* c = FindIn(f.type.children(), id)) return c;
  }
  return nullptr;
}

void MaxId(const std::vector<Field>& fields, int& max) {
  for (const Field& f : fields) {
    max = std::max(max, f.id);
    MaxId(f.type.children(), max);
  }
}

Status CheckFields(const std::vector<Field>& fields, std::set<int>& ids, const std::string& path) {
  std::set<std::string> names;
  for (const Field& f : fields) {
    if (f.name.empty()) return InvalidArgument("schema: empty field name under '{}'", path);
    if (!names.insert(f.name).second) return InvalidArgument("schema: duplicate field name '{}{}'", path, f.name);
    if (!ids.insert(f.id).second) return InvalidArgument("schema: duplicate field id {} ('{}{}')", f.id, path, f.name);
    RETURN_IF_ERROR(CheckFields(f.type.children(), ids, path + f.name + "."));
  }
  return Status::OK();
}
}  // namespace

const Field* Schema::FindFieldById(int id) const { return FindIn(fields_, id); }

std::optional<size_t> Schema::FindTopLevelIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

int Schema::highest_field_id() const {
  int max = 0;
  MaxId(fields_, max);
  return max;
}

Status Schema::Validate() const {
  std::set<int> ids;
  RETURN_IF_ERROR(CheckFields(fields_, ids, ""));
  for (int id : identifier_field_ids_) {
    const Field* f = FindFieldById(id);
    if (!f) return InvalidArgument("schema: identifier field id {} is not a field", id);
    if (!f->required) return InvalidArgument("schema: identifier field '{}' must be required (NOT NULL)", f->name);
  }
  return Status::OK();
}

}  // namespace icesync
