#pragma once
// A table or file schema: top-level fields with Iceberg field ids, plus the identifier
// fields (the source's primary key). Invariant: field ids are unique across the whole
// schema, nested fields included; highest_field_id() is the largest of them.
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace icesync {

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields, int schema_id = 0,
                  std::vector<int> identifier_field_ids = {});

  const std::vector<Field>& fields() const { return fields_; }
  int schema_id() const { return schema_id_; }
  const std::vector<int>& identifier_field_ids() const { return identifier_field_ids_; }
  size_t num_fields() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }

  // Searches nested fields too.
  const Field* FindFieldById(int id) const;
  // Top-level only; exact name match.
  std::optional<size_t> FindTopLevelIndex(const std::string& name) const;
  int highest_field_id() const;

  // Checks the invariant above and that names are unique among siblings.
  Status Validate() const;

  bool operator==(const Schema& o) const {
    return fields_ == o.fields_ && identifier_field_ids_ == o.identifier_field_ids_;
  }

 private:
  std::vector<Field> fields_;
  int schema_id_ = 0;
  std::vector<int> identifier_field_ids_;
};

}  // namespace icesync
