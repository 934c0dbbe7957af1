#pragma once
// Partition specs (table spec, "Partitioning"): an ordered list of partition fields, each a
// transform of one source column. Partition field ids start at 1000 and are unique in a table
// (metadata's last-partition-id tracks the highest).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema.h"
#include "iceberg/transforms.h"

namespace icesync::iceberg {

inline constexpr int kFirstPartitionFieldId = 1000;

struct PartitionField {
  int source_id = 0;
  int field_id = 0;
  std::string name;
  Transform transform;
  bool operator==(const PartitionField& o) const {
    return source_id == o.source_id && field_id == o.field_id && name == o.name && transform == o.transform;
  }
};

class PartitionSpec {
 public:
  PartitionSpec() = default;
  PartitionSpec(int spec_id, std::vector<PartitionField> fields) : spec_id_(spec_id), fields_(std::move(fields)) {}
  static PartitionSpec Unpartitioned() { return PartitionSpec(); }

  int spec_id() const { return spec_id_; }
  const std::vector<PartitionField>& fields() const { return fields_; }
  // No fields, or only void transforms.
  bool is_unpartitioned() const;
  // Highest partition field id, or kFirstPartitionFieldId - 1 when there are none.
  int last_field_id() const;

  // The partition tuple's struct fields (partition field id, name, result type, optional) for
  // a schema: the `partition` struct of manifest entries. NotFound if a source column is gone.
  Result<std::vector<Field>> PartitionType(const Schema& schema) const;
  // Computes the partition tuple of one row, given the source values in field order
  // (`source_values[i]` is the value of fields()[i].source_id).
  Result<std::vector<Value>> PartitionTuple(const std::vector<Value>& source_values) const;
  // "name=value/name=value" (human strings, URL-encoded like Java's URLEncoder); "" when
  // unpartitioned. Used as the data file's directory under data/. A segment longer than 200
  // bytes (a long identity value) keeps a prefix and ends in its length and a hash of the whole.
  std::string PartitionPath(const std::vector<Value>& tuple) const;

  // Same fields (ids, names, transforms), ignoring the spec id.
  bool CompatibleWith(const PartitionSpec& o) const { return fields_ == o.fields_; }
  bool operator==(const PartitionSpec& o) const { return spec_id_ == o.spec_id_ && fields_ == o.fields_; }

 private:
  int spec_id_ = 0;
  std::vector<PartitionField> fields_;
};

// An exact map key for a partition tuple: each value's Iceberg bytes, length-prefixed, and a
// marker of its own for null. Group files by this, never by PartitionPath: a directory name
// cannot tell the string "null" from a null, and long values are cut.
std::string PartitionTupleKey(const std::vector<Value>& tuple);

nlohmann::json PartitionSpecToJson(const PartitionSpec& spec);
// Accepts the v2 object {"spec-id":..,"fields":[..]} and the v1 bare field array (spec id 0).
Result<PartitionSpec> PartitionSpecFromJson(const nlohmann::json& j);

// Parses a user expression such as
//   "day(OrderDate), bucket(16, CustomerID), truncate(4, name), identity(x), x"
// (a bare column means identity; also year/month/hour/void) into a spec for `schema`. Column
// names match top-level fields exactly, else case-insensitively if that is unique. Field ids
// are assigned from `first_field_id`; names follow Java: x, x_bucket, x_trunc, x_year, x_month,
// x_day, x_hour, x_null. Errors name the bad term or column. "" gives an unpartitioned spec.
Result<PartitionSpec> ParsePartitionSpec(std::string_view expression, const Schema& schema, int spec_id = 0,
                                         int first_field_id = kFirstPartitionFieldId);

}  // namespace icesync::iceberg
