#include "core/predicate.h"

#include <cmath>

namespace icesync {

namespace {
bool IsNaN(const Value& v) {
  if (v.is_null()) return false;
  if (v.type().id() == TypeId::kFloat32) return std::isnan(v.get<float>());
  if (v.type().id() == TypeId::kFloat64) return std::isnan(v.get<double>());
  return false;
}
}  // namespace

bool Predicate::MightMatch(const Value& lower, const Value& upper, int64_t null_count, int64_t value_count) const {
  const bool all_null = value_count >= 0 && null_count >= 0 && null_count == value_count;
  switch (op) {
    case Op::kIsNull: return null_count != 0;
    case Op::kNotNull: return !all_null;
    default: break;
  }
  if (all_null) return false;
  // NaN bounds carry no ordering information: never prune on them.
  const bool has_lo = !lower.is_null() && !IsNaN(lower);
  const bool has_hi = !upper.is_null() && !IsNaN(upper);
  if (IsNaN(lo) || IsNaN(hi)) return true;
  switch (op) {
    case Op::kEq: return !(has_lo && lo.Compare(lower) < 0) && !(has_hi && lo.Compare(upper) > 0);
    case Op::kLt: return !(has_lo && lower.Compare(lo) >= 0);
    case Op::kLe: return !(has_lo && lower.Compare(lo) > 0);
    case Op::kGt: return !(has_hi && upper.Compare(lo) <= 0);
    case Op::kGe: return !(has_hi && upper.Compare(lo) < 0);
    case Op::kBetween: return !(has_hi && upper.Compare(lo) < 0) && !(has_lo && lower.Compare(hi) > 0);
    default: return true;
  }
}

bool Predicate::Matches(const Value& v) const {
  switch (op) {
    case Op::kIsNull: return v.is_null();
    case Op::kNotNull: return !v.is_null();
    default: break;
  }
  if (v.is_null() || IsNaN(v)) return false;
  switch (op) {
    case Op::kEq: return v.Compare(lo) == 0;
    case Op::kLt: return v.Compare(lo) < 0;
    case Op::kLe: return v.Compare(lo) <= 0;
    case Op::kGt: return v.Compare(lo) > 0;
    case Op::kGe: return v.Compare(lo) >= 0;
    case Op::kBetween: return v.Compare(lo) >= 0 && v.Compare(hi) <= 0;
    default: return false;
  }
}

std::string Predicate::ToString() const {
  static const char* kOps[] = {"=", "<", "<=", ">", ">=", "between", "is null", "is not null"};
  const char* name = kOps[static_cast<int>(op)];
  if (op == Op::kIsNull || op == Op::kNotNull) return fmt::format("field {} {}", field_id, name);
  if (op == Op::kBetween) return fmt::format("field {} between {} and {}", field_id, lo.ToString(), hi.ToString());
  return fmt::format("field {} {} {}", field_id, name, lo.ToString());
}

}  // namespace icesync
