#pragma once
// Schema resolution: turns values decoded with the writer's schema into the shape of the
// reader's schema (Avro spec, "Schema Resolution", with Iceberg's rule for records).
//
// Record fields are matched BY FIELD ID ("field-id" attributes) — names differ between
// writers (Iceberg Java writes added_data_files_count for field 504, the spec says
// added_files_count) — falling back to the name only when the reader field or the whole
// writer record carries no ids. A reader field the writer lacks takes its default, or null
// when it is optional; a required field without default is an error. Promotions: int to
// long/float/double, long to float/double, float to double, string <-> bytes. Unions on
// either side are matched branch by branch.
#include <memory>

#include "avro/datum.h"
#include "avro/schema.h"
#include "core/status.h"

namespace icesync::avro {

class Resolver {
 public:
  // Fails when the schemas cannot be reconciled (e.g. a required reader field is missing
  // from the writer and has no default, or two types are incompatible).
  static Result<Resolver> Make(const Node& writer, const Node& reader);
  // `d` must have been decoded with the writer schema given to Make.
  Result<Datum> Apply(Datum d) const;

  struct Plan;

 private:
  explicit Resolver(std::shared_ptr<const Plan> plan) : plan_(std::move(plan)) {}
  std::shared_ptr<const Plan> plan_;
};

// The Datum for a JSON default value of `schema` (for a union: its first branch).
Result<Datum> DatumFromJsonDefault(const nlohmann::json& value, const Node& schema);

}  // namespace icesync::avro
