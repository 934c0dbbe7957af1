#include "parquet/thrift_compact.h"

#include <cstring>

namespace icesync::parquet {

// ---- writer ----

void CompactWriter::StructBegin() {
  last_field_ids_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactWriter::StructEnd() {
  out_->push_back(static_cast<char>(TType::kStop));
  last_field_id_ = last_field_ids_.back();
  last_field_ids_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, TType type) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_field_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? TType::kBoolTrue : TType::kBoolFalse);
}
void CompactWriter::FieldI8(int16_t id, int8_t v) { FieldHeader(id, TType::kByte); I8(v); }
void CompactWriter::FieldI16(int16_t id, int16_t v) { FieldHeader(id, TType::kI16); I32(v); }
void CompactWriter::FieldI32(int16_t id, int32_t v) { FieldHeader(id, TType::kI32); I32(v); }
void CompactWriter::FieldI64(int16_t id, int64_t v) { FieldHeader(id, TType::kI64); I64(v); }
void CompactWriter::FieldDouble(int16_t id, double v) { FieldHeader(id, TType::kDouble); Double(v); }
void CompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, TType::kBinary);
  Binary(v);
}
void CompactWriter::FieldListHeader(int16_t id, TType element, uint32_t size) {
  FieldHeader(id, TType::kList);
  ListHeader(element, size);
}

void CompactWriter::ListHeader(TType element, uint32_t size) {
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
    Varint(size);
  }
}

void CompactWriter::Binary(std::string_view v) {
  Varint(v.size());
  out_->append(v.data(), v.size());
}

void CompactWriter::Double(double v) {
  char b[8];
  std::memcpy(b, &v, 8);  // little-endian host (checked at build time by the Parquet code)
  out_->append(b, 8);
}

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

// ---- reader ----

namespace {
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
}  // namespace

Status CompactReader::Enter() {
  if (++depth_ > kMaxDepth) {
    return Corrupt("thrift: nesting deeper than {} levels at byte {}", kMaxDepth, position());
  }
  return Status::OK();
}

Status CompactReader::StructBegin() {
  RETURN_IF_ERROR(Enter());
  last_field_ids_.push_back(last_field_id_);
  last_field_id_ = 0;
  return Status::OK();
}

Status CompactReader::StructEnd() {
  if (last_field_ids_.empty()) return Corrupt("thrift: struct end without a struct");
  last_field_id_ = last_field_ids_.back();
  last_field_ids_.pop_back();
  Leave();
  return Status::OK();
}

Status CompactReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p_ >= end_) return Corrupt("thrift: truncated varint at byte {}", position());
    uint8_t b = *p_++;
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Corrupt("thrift: varint longer than 10 bytes at byte {}", position());
}

Status CompactReader::ReadFieldHeader(TType* type, int16_t* id) {
  if (p_ >= end_) return Corrupt("thrift: truncated struct (no stop byte) at byte {}", position());
  uint8_t b = *p_++;
  uint8_t t = b & 0x0F;
  if (t == 0) {
    if (b != 0) return Corrupt("thrift: bad field header 0x{:02x} at byte {}", b, position() - 1);
    *type = TType::kStop;
    *id = 0;
    return Status::OK();
  }
  if (t > static_cast<uint8_t>(TType::kStruct)) {
    return Corrupt("thrift: unknown field type {} at byte {}", t, position() - 1);
  }
  int delta = b >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    int16_t v = 0;
    RETURN_IF_ERROR(ReadI16(&v));
    *id = v;
  }
  last_field_id_ = *id;
  *type = static_cast<TType>(t);
  return Status::OK();
}

Status CompactReader::ReadBool(TType field_type, bool* v) {
  if (field_type == TType::kBoolTrue || field_type == TType::kBoolFalse) {
    *v = field_type == TType::kBoolTrue;
    return Status::OK();
  }
  return Corrupt("thrift: expected a bool at byte {}", position());
}

Status CompactReader::ReadI8(int8_t* v) {
  if (p_ >= end_) return Corrupt("thrift: truncated byte at byte {}", position());
  *v = static_cast<int8_t>(*p_++);
  return Status::OK();
}

Status CompactReader::ReadI16(int16_t* v) {
  uint64_t u = 0;
  RETURN_IF_ERROR(ReadVarint(&u));
  int64_t s = UnZigZag(u);
  if (s < INT16_MIN || s > INT16_MAX) return Corrupt("thrift: i16 out of range at byte {}", position());
  *v = static_cast<int16_t>(s);
  return Status::OK();
}

Status CompactReader::ReadI32(int32_t* v) {
  uint64_t u = 0;
  RETURN_IF_ERROR(ReadVarint(&u));
  int64_t s = UnZigZag(u);
  if (s < INT32_MIN || s > INT32_MAX) return Corrupt("thrift: i32 out of range at byte {}", position());
  *v = static_cast<int32_t>(s);
  return Status::OK();
}

Status CompactReader::ReadI64(int64_t* v) {
  uint64_t u = 0;
  RETURN_IF_ERROR(ReadVarint(&u));
  *v = UnZigZag(u);
  return Status::OK();
}

Status CompactReader::ReadDouble(double* v) {
  if (remaining() < 8) return Corrupt("thrift: truncated double at byte {}", position());
  std::memcpy(v, p_, 8);
  p_ += 8;
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string* v) {
  uint64_t n = 0;
  RETURN_IF_ERROR(ReadVarint(&n));
  if (n > remaining()) {
    return Corrupt("thrift: binary of {} bytes but only {} remain at byte {}", n, remaining(), position());
  }
  v->assign(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return Status::OK();
}

Status CompactReader::ReadListHeader(TType* element, uint32_t* size) {
  if (p_ >= end_) return Corrupt("thrift: truncated list header at byte {}", position());
  uint8_t b = *p_++;
  uint8_t t = b & 0x0F;
  uint64_t n = b >> 4;
  if (n == 15) RETURN_IF_ERROR(ReadVarint(&n));
  if (t == static_cast<uint8_t>(TType::kBoolFalse)) t = static_cast<uint8_t>(TType::kBoolTrue);
  if (t == 0 || t > static_cast<uint8_t>(TType::kStruct)) {
    return Corrupt("thrift: unknown list element type {} at byte {}", t, position());
  }
  if (n > remaining()) {
    return Corrupt("thrift: list of {} elements but only {} bytes remain at byte {}", n, remaining(), position());
  }
  *element = static_cast<TType>(t);
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status CompactReader::ReadMapHeader(TType* key, TType* value, uint32_t* size) {
  uint64_t n = 0;
  RETURN_IF_ERROR(ReadVarint(&n));
  *key = *value = TType::kStop;
  *size = 0;
  if (n == 0) return Status::OK();
  if (p_ >= end_) return Corrupt("thrift: truncated map header at byte {}", position());
  uint8_t b = *p_++;
  uint8_t k = b >> 4, v = b & 0x0F;
  if (k == 0 || k > 12 || v == 0 || v > 12) return Corrupt("thrift: bad map types at byte {}", position());
  // A map entry takes at least two bytes.
  if (n > remaining() / 2) {
    return Corrupt("thrift: map of {} entries but only {} bytes remain at byte {}", n, remaining(), position());
  }
  *key = static_cast<TType>(k == 2 ? 1 : k);
  *value = static_cast<TType>(v == 2 ? 1 : v);
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status CompactReader::Skip(TType type) {
  switch (type) {
    case TType::kBoolTrue:
    case TType::kBoolFalse:
      return Status::OK();  // a bool field's value is in its header
    case TType::kByte: {
      int8_t v = 0;
      return ReadI8(&v);
    }
    case TType::kI16:
    case TType::kI32:
    case TType::kI64: {
      uint64_t v;
      return ReadVarint(&v);
    }
    case TType::kDouble:
      if (remaining() < 8) return Corrupt("thrift: truncated double at byte {}", position());
      p_ += 8;
      return Status::OK();
    case TType::kBinary: {
      uint64_t n = 0;
      RETURN_IF_ERROR(ReadVarint(&n));
      if (n > remaining()) return Corrupt("thrift: truncated binary at byte {}", position());
      p_ += n;
      return Status::OK();
    }
    case TType::kList:
    case TType::kSet: {
      TType element;
      uint32_t n = 0;
      RETURN_IF_ERROR(ReadListHeader(&element, &n));
      RETURN_IF_ERROR(Enter());
      for (uint32_t i = 0; i < n; ++i) RETURN_IF_ERROR(SkipElement(element));
      Leave();
      return Status::OK();
    }
    case TType::kMap: {
      TType k, v;
      uint32_t n = 0;
      RETURN_IF_ERROR(ReadMapHeader(&k, &v, &n));
      RETURN_IF_ERROR(Enter());
      for (uint32_t i = 0; i < n; ++i) {
        RETURN_IF_ERROR(SkipElement(k));
        RETURN_IF_ERROR(SkipElement(v));
      }
      Leave();
      return Status::OK();
    }
    case TType::kStruct: {
      RETURN_IF_ERROR(StructBegin());
      while (true) {
        TType t;
        int16_t id;
        RETURN_IF_ERROR(ReadFieldHeader(&t, &id));
        if (t == TType::kStop) break;
        RETURN_IF_ERROR(Skip(t));
      }
      return StructEnd();
    }
    case TType::kStop:
      break;
  }
  return Corrupt("thrift: cannot skip type {} at byte {}", static_cast<int>(type), position());
}

Status CompactReader::SkipElement(TType type) {
  // Container bools are one byte each, unlike bool fields.
  if (type == TType::kBoolTrue || type == TType::kBoolFalse) {
    int8_t v = 0;
    return ReadI8(&v);
  }
  return Skip(type);
}

Status CompactReader::ReadBoolElement(bool* v) {
  int8_t b = 0;
  RETURN_IF_ERROR(ReadI8(&b));
  *v = b == 1;
  return Status::OK();
}

}  // namespace icesync::parquet
