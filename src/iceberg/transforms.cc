#include "iceberg/transforms.h"

#include <charconv>
#include <cstring>

#include "core/decimal.h"
#include "core/temporal.h"

namespace icesync::iceberg {

namespace {
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr int64_t kMicrosPerHour = 3600LL * 1000000;

uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
template <typename T>
T FloorMod(T a, T b) {
  T m = a % b;
  return (m != 0 && ((m < 0) != (b < 0))) ? m + b : m;
}

bool IsTimestamp(TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kTimestampTz; }

// Days since epoch of a date or timestamp value.
int64_t DaysOf(const Value& v) {
  if (v.type().id() == TypeId::kDate) return v.get<int32_t>();
  return FloorDiv(v.get<int64_t>(), kMicrosPerDay);
}

// First `n` code points of UTF-8 text (continuation bytes 10xxxxxx do not start a code point).
std::string TruncateUtf8(const std::string& s, int n) {
  size_t i = 0;
  int count = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) break;
      ++count;
    }
    ++i;
  }
  return s.substr(0, i);
}
}  // namespace

int32_t Murmur3Hash32(const void* data, size_t length) {
  const auto* p = static_cast<const uint8_t*>(data);
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = 0;
  const size_t blocks = length / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, p + i * 4, 4);  // little-endian machine: the spec reads blocks LE
    k *= c1;
    k = Rotl(k, 15);
    k *= c2;
    h ^= k;
    h = Rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const uint8_t* tail = p + blocks * 4;
  uint32_t k = 0;
  switch (length & 3) {
    case 3: k ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = Rotl(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(length);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

Result<int32_t> BucketHash(const Value& v) {
  auto hash_long = [](int64_t x) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(static_cast<uint64_t>(x) >> (8 * i));
    return Murmur3Hash32(b, 8);
  };
  switch (v.type().id()) {
    case TypeId::kInt32:
    case TypeId::kDate: return hash_long(v.get<int32_t>());
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return hash_long(v.get<int64_t>());
    case TypeId::kDecimal: {
      std::string b = DecimalToMinimalBytes(v.get<Int128>());
      return Murmur3Hash32(b.data(), b.size());
    }
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: {
      const std::string& b = v.get<std::string>();
      return Murmur3Hash32(b.data(), b.size());
    }
    default: return InvalidArgument("bucket transform does not apply to type {}", v.type().ToString());
  }
}

Result<Transform> Transform::Parse(std::string_view text) {
  auto param = [&](std::string_view prefix, Kind kind) -> Result<Transform> {
    std::string_view inner = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    int n = 0;
    auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), n);
    if (ec != std::errc() || ptr != inner.data() + inner.size() || n <= 0) {
      return InvalidArgument("bad partition transform '{}': expected a positive integer in brackets", text);
    }
    return Transform(kind, n);
  };
  if (text == "identity") return Identity();
  if (text == "year") return Year();
  if (text == "month") return Month();
  if (text == "day") return Day();
  if (text == "hour") return Hour();
  if (text == "void") return Void();
  if (text.starts_with("bucket[") && text.ends_with("]")) return param("bucket[", Kind::kBucket);
  if (text.starts_with("truncate[") && text.ends_with("]")) return param("truncate[", Kind::kTruncate);
  Transform t(Kind::kUnknown, 0);
  t.text_ = std::string(text);
  return t;
}

std::string Transform::ToString() const {
  switch (kind_) {
    case Kind::kIdentity: return "identity";
    case Kind::kBucket: return "bucket[" + std::to_string(param_) + "]";
    case Kind::kTruncate: return "truncate[" + std::to_string(param_) + "]";
    case Kind::kYear: return "year";
    case Kind::kMonth: return "month";
    case Kind::kDay: return "day";
    case Kind::kHour: return "hour";
    case Kind::kVoid: return "void";
    case Kind::kUnknown: return text_;
  }
  return text_;
}

Result<DataType> Transform::ResultType(const DataType& source) const {
  const TypeId id = source.id();
  auto bad = [&]() { return InvalidArgument("transform {} does not apply to type {}", ToString(), source.ToString()); };
  if (source.is_nested() && kind_ != Kind::kVoid) return bad();
  switch (kind_) {
    case Kind::kIdentity:
    case Kind::kVoid: return source;
    case Kind::kBucket:
      if (id == TypeId::kBoolean || id == TypeId::kFloat32 || id == TypeId::kFloat64) return bad();
      return DataType::Int32();
    case Kind::kTruncate:
      if (id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDecimal || id == TypeId::kString ||
          id == TypeId::kBinary) {
        return source;
      }
      return bad();
    case Kind::kYear:
    case Kind::kMonth:
      if (id == TypeId::kDate || IsTimestamp(id)) return DataType::Int32();
      return bad();
    case Kind::kDay:
      if (id == TypeId::kDate || IsTimestamp(id)) return DataType::Date();
      return bad();
    case Kind::kHour:
      if (IsTimestamp(id)) return DataType::Int32();
      return bad();
    case Kind::kUnknown: return Unsupported("unknown partition transform '{}'", text_);
  }
  return bad();
}

Result<Value> Transform::Apply(const Value& v) const {
  ASSIGN_OR_RETURN(DataType rt, ResultType(v.type()));
  if (v.is_null() || kind_ == Kind::kVoid) return Value::Null(rt);
  switch (kind_) {
    case Kind::kIdentity: return v;
    case Kind::kBucket: {
      ASSIGN_OR_RETURN(int32_t h, BucketHash(v));
      return Value(rt, static_cast<int32_t>((h & 0x7fffffff) % param_));
    }
    case Kind::kTruncate: {
      const int w = param_;
      switch (v.type().id()) {
        case TypeId::kInt32: {
          int32_t x = v.get<int32_t>();
          return Value(rt, static_cast<int32_t>(x - FloorMod<int64_t>(x, w)));
        }
        case TypeId::kInt64: {
          int64_t x = v.get<int64_t>();
          return Value(rt, static_cast<int64_t>(x - FloorMod<int64_t>(x, w)));
        }
        case TypeId::kDecimal: {
          Int128 x = v.get<Int128>();
          return Value(rt, static_cast<Int128>(x - FloorMod<Int128>(x, w)));
        }
        case TypeId::kString: return Value(rt, TruncateUtf8(v.get<std::string>(), w));
        default: {
          const std::string& b = v.get<std::string>();
          return Value(rt, b.substr(0, std::min<size_t>(b.size(), w)));
        }
      }
    }
    case Kind::kYear: return Value(rt, static_cast<int32_t>(CivilFromDays(DaysOf(v)).year - 1970));
    case Kind::kMonth: {
      CivilDate d = CivilFromDays(DaysOf(v));
      return Value(rt, static_cast<int32_t>((d.year - 1970) * 12 + d.month - 1));
    }
    case Kind::kDay: return Value(rt, static_cast<int32_t>(DaysOf(v)));
    case Kind::kHour: return Value(rt, static_cast<int32_t>(FloorDiv(v.get<int64_t>(), kMicrosPerHour)));
    default: break;
  }
  return Unsupported("cannot apply partition transform '{}'", ToString());
}

std::string Transform::HumanString(const Value& pv) const {
  if (pv.is_null()) return "null";
  switch (kind_) {
    case Kind::kYear: return fmt::format("{:04d}", 1970 + pv.get<int32_t>());
    case Kind::kMonth: {
      int32_t m = pv.get<int32_t>();
      return fmt::format("{:04d}-{:02d}", 1970 + FloorDiv(m, 12), FloorMod(m, 12) + 1);
    }
    case Kind::kHour: {
      int32_t h = pv.get<int32_t>();
      return fmt::format("{}-{:02d}", FormatDate(FloorDiv(h, 24)), FloorMod(h, 24));
    }
    default: return pv.ToString();
  }
}

}  // namespace icesync::iceberg
