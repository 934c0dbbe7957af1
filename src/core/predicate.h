#pragma once
// Simple predicates on one primitive column, identified by field id, for pruning files and
// row groups from their statistics (and for filtering rows). A list of them is a conjunction.
#include <vector>

#include "core/value.h"

namespace icesync {

struct Predicate {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kIsNull, kNotNull };
  Op op;
  int field_id;
  Value lo;  // the operand; lower end of kBetween (inclusive)
  Value hi;  // upper end of kBetween (inclusive)

  // Could any row of a file/row group with these statistics satisfy the predicate?
  // lower/upper may be null when unknown; counts are -1 when unknown. Conservative: true
  // whenever statistics are missing.
  bool MightMatch(const Value& lower, const Value& upper, int64_t null_count, int64_t value_count) const;
  // Does a single value satisfy it?
  bool Matches(const Value& v) const;
  std::string ToString() const;
};

}  // namespace icesync
