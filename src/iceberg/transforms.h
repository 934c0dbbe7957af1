#pragma once
// Iceberg partition transforms (table spec, "Partition Transforms"): identity, bucket[N],
// truncate[W], year, month, day, hour, void. A transform maps a source value to a partition
// value of its result type; null maps to null. Transforms this code does not know (written by
// newer engines) parse as kUnknown so that such tables still load; applying them fails.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.h"

namespace icesync::iceberg {

// The spec's 32-bit Murmur3 (x86 variant, seed 0), as a signed int like Java's.
int32_t Murmur3Hash32(const void* data, size_t length);
// The spec's bucket hash of a value: int/long/date/time/timestamp[tz] hash as 8-byte
// little-endian long; decimal as its minimal big-endian unscaled bytes; string as UTF-8;
// uuid as 16 big-endian bytes; binary/fixed raw. Unsupported for boolean/float/double.
Result<int32_t> BucketHash(const Value& v);

class Transform {
 public:
  enum class Kind { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour, kVoid, kUnknown };

  Transform() = default;
  static Transform Identity() { return Transform(Kind::kIdentity, 0); }
  static Transform Bucket(int n) { return Transform(Kind::kBucket, n); }
  static Transform Truncate(int width) { return Transform(Kind::kTruncate, width); }
  static Transform Year() { return Transform(Kind::kYear, 0); }
  static Transform Month() { return Transform(Kind::kMonth, 0); }
  static Transform Day() { return Transform(Kind::kDay, 0); }
  static Transform Hour() { return Transform(Kind::kHour, 0); }
  static Transform Void() { return Transform(Kind::kVoid, 0); }

  // Parses the metadata form: "identity", "bucket[16]", "truncate[4]", "year", ..., "void".
  // Unknown names give kUnknown (kept verbatim); malformed parameters are InvalidArgument.
  static Result<Transform> Parse(std::string_view text);
  // The metadata form, e.g. "bucket[16]".
  std::string ToString() const;

  Kind kind() const { return kind_; }
  // N for bucket, W for truncate, 0 otherwise.
  int param() const { return param_; }

  // The partition value's type for a source column of type `source`; InvalidArgument when the
  // transform does not apply to that type (e.g. day of a string).
  Result<DataType> ResultType(const DataType& source) const;
  // Applies the transform to a value of the source type; null gives null of ResultType.
  Result<Value> Apply(const Value& v) const;
  // The spec's human-readable string of a partition value produced by this transform, as used
  // in partition paths: year "2020", month "2020-01", day "2020-01-01", hour "2020-01-01-10",
  // others the value's own text; "null" for null.
  std::string HumanString(const Value& partition_value) const;

  bool operator==(const Transform& o) const { return kind_ == o.kind_ && param_ == o.param_ && text_ == o.text_; }

 private:
  Transform(Kind kind, int param) : kind_(kind), param_(param) {}
  Kind kind_ = Kind::kIdentity;
  int param_ = 0;
  std::string text_;  // only for kUnknown
};

}  // namespace icesync::iceberg
