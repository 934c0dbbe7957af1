#include "avro/encoding.h"

#include <cstring>

namespace icesync::avro {
namespace {

constexpr int kMaxDepth = 64;

// Smallest encoded size of one value of `n`, so that a block count can be checked
// against the bytes left before reserving memory. Zero-size values (null, empty records,
// fixed[0]) get a separate item cap.
size_t MinEncodedSize(const Node& n, int depth = 0) {
  if (depth > kMaxDepth) return 0;
  switch (n.type) {
    case AvroType::kNull: return 0;
    case AvroType::kFloat: return 4;
    case AvroType::kDouble: return 8;
    case AvroType::kFixed: return static_cast<size_t>(n.size);
    case AvroType::kRecord: {
      size_t s = 0;
      for (const auto& f : n.fields) s += MinEncodedSize(*f.type, depth + 1);
      return s;
    }
    default: return 1;  // varint, length prefix, branch index, block count
  }
}
constexpr int64_t kMaxZeroSizeItems = int64_t{1} << 20;

Result<Datum> Decode(Decoder& in, const Node& n, int depth);

Result<int64_t> ReadBlockCount(Decoder& in, const Node& item, const char* what) {
  ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
  if (count < 0) {
    if (count == INT64_MIN) return Corrupt("Avro {} block count out of range", what);
    count = -count;
    ASSIGN_OR_RETURN(int64_t byte_size, in.ReadLong());
    if (byte_size < 0 || static_cast<uint64_t>(byte_size) > in.remaining())
      return Corrupt("Avro {} block size {} exceeds the data left", what, byte_size);
  }
  size_t min = MinEncodedSize(item);
  if (min == 0 ? count > kMaxZeroSizeItems : static_cast<uint64_t>(count) > in.remaining() / min)
    return Corrupt("Avro {} block of {} items exceeds the data left ({} bytes)", what, count, in.remaining());
  return count;
}

Result<Datum> Decode(Decoder& in, const Node& n, int depth) {
  if (depth > kMaxDepth) return Corrupt("Avro value nested deeper than {} levels", kMaxDepth);
  switch (n.type) {
    case AvroType::kNull: return Datum::Null();
    case AvroType::kBoolean: {
      ASSIGN_OR_RETURN(bool b, in.ReadBool());
      return Datum::Bool(b);
    }
    case AvroType::kInt: {
      ASSIGN_OR_RETURN(int32_t v, in.ReadInt());
      return Datum::Int(v);
    }
    case AvroType::kLong: {
      ASSIGN_OR_RETURN(int64_t v, in.ReadLong());
      return Datum::Long(v);
    }
    case AvroType::kFloat: {
      ASSIGN_OR_RETURN(float v, in.ReadFloat());
      return Datum::Float(v);
    }
    case AvroType::kDouble: {
      ASSIGN_OR_RETURN(double v, in.ReadDouble());
      return Datum::Double(v);
    }
    case AvroType::kBytes: {
      ASSIGN_OR_RETURN(std::string_view v, in.ReadBytes());
      return Datum::Bytes(std::string(v));
    }
    case AvroType::kString: {
      ASSIGN_OR_RETURN(std::string_view v, in.ReadBytes());
      return Datum::String(std::string(v));
    }
    case AvroType::kFixed: {
      ASSIGN_OR_RETURN(std::string_view v, in.ReadFixed(static_cast<size_t>(n.size)));
      return Datum::Fixed(std::string(v));
    }
    case AvroType::kEnum: {
      ASSIGN_OR_RETURN(int32_t v, in.ReadInt());
      if (v < 0 || static_cast<size_t>(v) >= n.symbols.size())
        return Corrupt("Avro enum {} index {} out of range", n.name, v);
      return Datum::Enum(v);
    }
    case AvroType::kUnion: {
      ASSIGN_OR_RETURN(int64_t b, in.ReadLong());
      if (b < 0 || static_cast<uint64_t>(b) >= n.branches.size())
        return Corrupt("Avro union branch {} out of range ({} branches)", b, n.branches.size());
      ASSIGN_OR_RETURN(Datum d, Decode(in, *n.branches[b], depth + 1));
      d.set_branch(static_cast<int>(b));
      return d;
    }
    case AvroType::kRecord: {
      std::vector<Datum> fields;
      fields.reserve(n.fields.size());
      for (const auto& f : n.fields) {
        auto d = Decode(in, *f.type, depth + 1);
        if (!d.ok()) return d.status().WithContext("field " + f.name);
        fields.push_back(std::move(d).value());
      }
      return Datum::Record(std::move(fields));
    }
    case AvroType::kArray: {
      std::vector<Datum> items;
      for (;;) {
        ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(in, *n.items, "array"));
        if (count == 0) break;
        items.reserve(items.size() + static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i) {
          ASSIGN_OR_RETURN(Datum d, Decode(in, *n.items, depth + 1));
          items.push_back(std::move(d));
        }
      }
      return Datum::Array(std::move(items));
    }
    case AvroType::kMap: {
      Datum::MapEntries entries;
      for (;;) {
        // Each entry holds at least a key length byte.
        ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(in, *MakePrimitive(AvroType::kString), "map"));
        if (count == 0) break;
        entries.reserve(entries.size() + static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i) {
          ASSIGN_OR_RETURN(std::string_view key, in.ReadBytes());
          ASSIGN_OR_RETURN(Datum d, Decode(in, *n.values, depth + 1));
          entries.emplace_back(std::string(key), std::move(d));
        }
      }
      return Datum::Map(std::move(entries));
    }
  }
  return Corrupt("unknown Avro type");
}

bool Fits(const Datum& d, const Node& n) {
  using K = Datum::Kind;
  switch (n.type) {
    case AvroType::kNull: return d.kind() == K::kNull;
    case AvroType::kBoolean: return d.kind() == K::kBool;
    case AvroType::kInt: return d.kind() == K::kInt;
    case AvroType::kLong: return d.kind() == K::kLong || d.kind() == K::kInt;
    case AvroType::kFloat: return d.kind() == K::kFloat;
    case AvroType::kDouble: return d.kind() == K::kDouble || d.kind() == K::kFloat;
    case AvroType::kBytes: return d.kind() == K::kBytes;
    case AvroType::kString: return d.kind() == K::kString;
    case AvroType::kFixed: return d.kind() == K::kFixed && d.bytes().size() == static_cast<size_t>(n.size);
    case AvroType::kEnum: return d.kind() == K::kEnum;
    case AvroType::kArray: return d.kind() == K::kArray;
    case AvroType::kMap: return d.kind() == K::kMap;
    case AvroType::kRecord: return d.kind() == K::kRecord && d.items().size() == n.fields.size();
    case AvroType::kUnion: return false;
  }
  return false;
}

Status Encode(const Datum& d, const Node& n, std::string* out, int depth) {
  if (depth > kMaxDepth) return InvalidArgument("Avro value nested deeper than {} levels", kMaxDepth);
  if (n.type == AvroType::kUnion) {
    int b = d.branch();
    if (b < 0 || static_cast<size_t>(b) >= n.branches.size() || !Fits(d, *n.branches[b])) {
      b = -1;
      for (size_t i = 0; i < n.branches.size(); ++i) {
        if (Fits(d, *n.branches[i])) {
          b = static_cast<int>(i);
          break;
        }
      }
      if (b < 0) return InvalidArgument("value of kind {} fits no branch of the Avro union", static_cast<int>(d.kind()));
    }
    EncodeLong(b, out);
    return Encode(d, *n.branches[b], out, depth + 1);
  }
  if (!Fits(d, n))
    return InvalidArgument("value of kind {} does not fit Avro type {}", static_cast<int>(d.kind()), AvroTypeName(n.type));
  switch (n.type) {
    case AvroType::kNull: return Status::OK();
    case AvroType::kBoolean: out->push_back(d.bool_value() ? 1 : 0); return Status::OK();
    case AvroType::kInt: EncodeLong(d.int_value(), out); return Status::OK();
    case AvroType::kLong:
      EncodeLong(d.kind() == Datum::Kind::kInt ? d.int_value() : d.long_value(), out);
      return Status::OK();
    case AvroType::kFloat: {
      float f = d.float_value();
      char b[4];
      std::memcpy(b, &f, 4);  // little-endian host (x86/arm64)
      out->append(b, 4);
      return Status::OK();
    }
    case AvroType::kDouble: {
      double v = d.kind() == Datum::Kind::kFloat ? d.float_value() : d.double_value();
      char b[8];
      std::memcpy(b, &v, 8);
      out->append(b, 8);
      return Status::OK();
    }
    case AvroType::kBytes:
    case AvroType::kString: EncodeBytes(d.bytes(), out); return Status::OK();
    case AvroType::kFixed: out->append(d.bytes()); return Status::OK();
    case AvroType::kEnum: EncodeLong(d.int_value(), out); return Status::OK();
    case AvroType::kRecord:
      for (size_t i = 0; i < n.fields.size(); ++i) {
        Status st = Encode(d.items()[i], *n.fields[i].type, out, depth + 1);
        if (!st.ok()) return st.WithContext("field " + n.fields[i].name);
      }
      return Status::OK();
    case AvroType::kArray:
      if (!d.items().empty()) {
        EncodeLong(static_cast<int64_t>(d.items().size()), out);
        for (const auto& item : d.items()) RETURN_IF_ERROR(Encode(item, *n.items, out, depth + 1));
      }
      EncodeLong(0, out);
      return Status::OK();
    case AvroType::kMap:
      if (!d.map_entries().empty()) {
        EncodeLong(static_cast<int64_t>(d.map_entries().size()), out);
        for (const auto& [k, v] : d.map_entries()) {
          EncodeBytes(k, out);
          RETURN_IF_ERROR(Encode(v, *n.values, out, depth + 1));
        }
      }
      EncodeLong(0, out);
      return Status::OK();
    case AvroType::kUnion: break;
  }
  return Internal("unreachable Avro type");
}

}  // namespace

Result<int64_t> Decoder::ReadLong() {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Corrupt("truncated Avro varint at byte {}", pos_);
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && (b & 0x7e)) return Corrupt("Avro varint overflows 64 bits at byte {}", pos_);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  return Corrupt("Avro varint longer than 10 bytes at byte {}", pos_);
}

Result<int32_t> Decoder::ReadInt() {
  ASSIGN_OR_RETURN(int64_t v, ReadLong());
  if (v < INT32_MIN || v > INT32_MAX) return Corrupt("Avro int {} out of 32-bit range", v);
  return static_cast<int32_t>(v);
}

Result<std::string_view> Decoder::ReadBytes() {
  ASSIGN_OR_RETURN(int64_t len, ReadLong());
  if (len < 0 || static_cast<uint64_t>(len) > remaining())
    return Corrupt("Avro bytes length {} exceeds the data left ({} bytes) at byte {}", len, remaining(), pos_);
  return ReadFixed(static_cast<size_t>(len));
}

Result<std::string_view> Decoder::ReadFixed(size_t size) {
  if (size > remaining()) return Corrupt("truncated Avro data: need {} bytes at byte {}, have {}", size, pos_, remaining());
  std::string_view v = data_.substr(pos_, size);
  pos_ += size;
  return v;
}

Result<float> Decoder::ReadFloat() {
  ASSIGN_OR_RETURN(std::string_view b, ReadFixed(4));
  float f;
  std::memcpy(&f, b.data(), 4);
  return f;
}

Result<double> Decoder::ReadDouble() {
  ASSIGN_OR_RETURN(std::string_view b, ReadFixed(8));
  double d;
  std::memcpy(&d, b.data(), 8);
  return d;
}

Result<bool> Decoder::ReadBool() {
  ASSIGN_OR_RETURN(std::string_view b, ReadFixed(1));
  if (b[0] != 0 && b[0] != 1) return Corrupt("Avro boolean byte {} is neither 0 nor 1", static_cast<int>(b[0]));
  return b[0] == 1;
}

void EncodeLong(int64_t v, std::string* out) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7f) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

void EncodeBytes(std::string_view v, std::string* out) {
  EncodeLong(static_cast<int64_t>(v.size()), out);
  out->append(v);
}

Result<Datum> DecodeDatum(Decoder& in, const Node& schema) { return Decode(in, schema, 0); }

Status EncodeDatum(const Datum& datum, const Node& schema, std::string* out) {
  return Encode(datum, schema, out, 0);
}

}  // namespace icesync::avro
