#include "core/value.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <optional>

#include "core/canonical_json.h"
#include "core/decimal.h"
#include "core/temporal.h"

namespace icesync {

namespace {
template <typename T>
std::string LittleEndian(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));  // x86-64 and aarch64 are little-endian
  return out;
}

template <typename T>
Result<T> ReadLittleEndian(std::string_view b, const DataType& type) {
  if (b.size() != sizeof(T)) {
    return Corrupt("bound of type {} has {} bytes, expected {}", type.ToString(), b.size(), sizeof(T));
  }
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

// IEEE total order key: negative values flipped so that the integer order matches.
template <typename F, typename I>
I TotalOrderKey(F f) {
  I bits;
  std::memcpy(&bits, &f, sizeof f);
  return bits < 0 ? bits ^ std::numeric_limits<I>::max() : bits;
}

template <typename T>
int Cmp(const T& a, const T& b) { return a < b ? -1 : (b < a ? 1 : 0); }
}  // namespace

std::string Value::ToIcebergBytes() const {
  switch (type_.id()) {
    case TypeId::kBoolean: return std::string(1, get<bool>() ? '\1' : '\0');
    case TypeId::kInt32:
    case TypeId::kDate: return LittleEndian(get<int32_t>());
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return LittleEndian(get<int64_t>());
    case TypeId::kFloat32: return LittleEndian(get<float>());
    case TypeId::kFloat64: return LittleEndian(get<double>());
    case TypeId::kDecimal: return DecimalToMinimalBytes(get<Int128>());
    default: return get<std::string>();
  }
}

Result<Value> Value::FromIcebergBytes(const DataType& type, std::string_view b) {
  switch (type.id()) {
    case TypeId::kBoolean:
      if (b.size() != 1) return Corrupt("boolean bound has {} bytes", b.size());
      return Value(type, b[0] != 0);
    case TypeId::kInt32:
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(int32_t v, ReadLittleEndian<int32_t>(b, type));
      return Value(type, v);
    }
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      // Spec: a long bound may be stored as 4 bytes for fields promoted from int.
      if (b.size() == 4 && type.id() == TypeId::kInt64) {
        ASSIGN_OR_RETURN(int32_t v, ReadLittleEndian<int32_t>(b, type));
        return Value(type, static_cast<int64_t>(v));
      }
      ASSIGN_OR_RETURN(int64_t v, ReadLittleEndian<int64_t>(b, type));
      return Value(type, v);
    }
    case TypeId::kFloat32: {
      ASSIGN_OR_RETURN(float v, ReadLittleEndian<float>(b, type));
      return Value(type, v);
    }
    case TypeId::kFloat64: {
      if (b.size() == 4) {  // promoted from float
        ASSIGN_OR_RETURN(float v, ReadLittleEndian<float>(b, type));
        return Value(type, static_cast<double>(v));
      }
      ASSIGN_OR_RETURN(double v, ReadLittleEndian<double>(b, type));
      return Value(type, v);
    }
    case TypeId::kDecimal:
      if (b.empty() || b.size() > 16) return Corrupt("decimal bound has {} bytes", b.size());
      return Value(type, DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(b.data()), static_cast<int>(b.size())));
    case TypeId::kUuid:
      if (b.size() != 16) return Corrupt("uuid bound has {} bytes", b.size());
      return Value(type, std::string(b));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
      return Value(type, std::string(b));
    default:
      return Unsupported("no single-value serialization for {}", type.ToString());
  }
}

int Value::Compare(const Value& o) const {
  assert(is_null() || o.is_null() || type_.id() == o.type_.id());
  if (is_null() || o.is_null()) return Cmp<int>(!is_null(), !o.is_null());
  switch (v_.index()) {
    case 1: return Cmp(get<bool>(), o.get<bool>());
    case 2: return Cmp(get<int32_t>(), o.get<int32_t>());
    case 3: return Cmp(get<int64_t>(), o.get<int64_t>());
    case 4: return Cmp(TotalOrderKey<float, int32_t>(get<float>()), TotalOrderKey<float, int32_t>(o.get<float>()));
    case 5: return Cmp(TotalOrderKey<double, int64_t>(get<double>()), TotalOrderKey<double, int64_t>(o.get<double>()));
    case 6: return Cmp(get<Int128>(), o.get<Int128>());
    case 7: {
      const std::string& a = get<std::string>();
      const std::string& b = o.get<std::string>();
      int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
      return c != 0 ? (c < 0 ? -1 : 1) : Cmp(a.size(), b.size());
    }
  }
  return 0;
}

std::string Value::ToString() const {
  if (is_null()) return "null";
  std::string out;
  switch (type_.id()) {
    case TypeId::kBoolean: return get<bool>() ? "true" : "false";
    case TypeId::kInt32: return std::to_string(get<int32_t>());
    case TypeId::kInt64: return std::to_string(get<int64_t>());
    case TypeId::kFloat32: AppendJsonDouble(out, get<float>()); return out;
    case TypeId::kFloat64: AppendJsonDouble(out, get<double>()); return out;
    case TypeId::kDecimal: return DecimalToString(get<Int128>(), type_.scale());
    case TypeId::kDate: return FormatDate(get<int32_t>());
    case TypeId::kTime: return FormatTimeMicros(get<int64_t>());
    case TypeId::kTimestamp: return FormatTimestampMicros(get<int64_t>(), false);
    case TypeId::kTimestampTz: return FormatTimestampMicros(get<int64_t>(), true);
    case TypeId::kString: return get<std::string>();
    case TypeId::kUuid: AppendUuid(out, get<std::string>()); return out.substr(1, out.size() - 2);
    default: AppendHex(out, get<std::string>()); return out;
  }
}

namespace {
// Byte length of the first `n` UTF-8 code points of s (all of s if shorter).
size_t Utf8PrefixBytes(std::string_view s, size_t n) {
  size_t i = 0, cps = 0;
  while (i < s.size() && cps < n) {
    unsigned char c = s[i];
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++cps;
  }
  return std::min(i, s.size());
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the code points of a (valid) UTF-8 string.
std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    cps.push_back(cp);
    i += len;
  }
  return cps;
}
}  // namespace

std::string TruncateLowerBound(const DataType& type, std::string_view bytes, size_t length) {
  if (type.id() == TypeId::kString) return std::string(bytes.substr(0, Utf8PrefixBytes(bytes, length)));
  if (type.id() == TypeId::kBinary) return std::string(bytes.substr(0, std::min(bytes.size(), length)));
  return std::string(bytes);
}

std::optional<std::string> TruncateUpperBound(const DataType& type, std::string_view bytes, size_t length) {
  if (type.id() == TypeId::kString) {
    if (Utf8PrefixBytes(bytes, length) == bytes.size()) return std::string(bytes);
    std::vector<uint32_t> cps = CodePoints(bytes);
    cps.resize(length);
    // Increment the last code point that can be incremented (skipping the surrogate range).
    for (size_t i = cps.size(); i-- > 0;) {
      uint32_t next = cps[i] + 1;
      if (next >= 0xD800 && next <= 0xDFFF) next = 0xE000;
      if (next <= 0x10FFFF) {
        std::string out;
        for (size_t k = 0; k < i; ++k) AppendUtf8(out, cps[k]);
        AppendUtf8(out, next);
        return out;
      }
    }
    return std::nullopt;
  }
  if (type.id() == TypeId::kBinary) {
    if (bytes.size() <= length) return std::string(bytes);
    std::string out(bytes.substr(0, length));
    for (size_t i = out.size(); i-- > 0;) {
      if (static_cast<unsigned char>(out[i]) != 0xFF) {
        out[i] = static_cast<char>(static_cast<unsigned char>(out[i]) + 1);
        out.resize(i + 1);
        return out;
      }
    }
    return std::nullopt;
  }
  return std::string(bytes);
}

}  // namespace icesync
