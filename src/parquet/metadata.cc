#include "parquet/metadata.h"

#include <type_traits>

#include <fmt/format.h>

namespace icesync::parquet {
namespace {

// ---- generic field readers: a value whose wire type is not the expected one is skipped
// (as thrift does for schema evolution), so unknown or mistyped fields never fail a parse.

template <typename T>
concept ThriftStruct = requires(T t, CompactReader& r) { t.Parse(r); };

template <typename F>
Status ParseFields(CompactReader& r, F&& on_field) {
  RETURN_IF_ERROR(r.StructBegin());
  while (true) {
    TType t;
    int16_t id;
    RETURN_IF_ERROR(r.ReadFieldHeader(&t, &id));
    if (t == TType::kStop) break;
    RETURN_IF_ERROR(on_field(id, t));
  }
  return r.StructEnd();
}

template <typename T>
constexpr TType WireType() {
  if constexpr (std::is_same_v<T, bool>) return TType::kBoolTrue;
  else if constexpr (std::is_same_v<T, int8_t>) return TType::kByte;
  else if constexpr (std::is_same_v<T, int16_t>) return TType::kI16;
  else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) return TType::kI32;
  else if constexpr (std::is_same_v<T, int64_t>) return TType::kI64;
  else if constexpr (std::is_same_v<T, std::string>) return TType::kBinary;
  else return TType::kStruct;
}

template <typename T>
Status Get(CompactReader& r, TType t, T* out);

// One list element (bools in lists are a byte each).
template <typename T>
Status GetElement(CompactReader& r, TType t, T* out) {
  if constexpr (std::is_same_v<T, bool>) return r.ReadBoolElement(out);
  else return Get(r, t, out);
}

template <typename T>
Status GetList(CompactReader& r, TType t, std::vector<T>* out) {
  if (t != TType::kList && t != TType::kSet) return r.Skip(t);
  TType element;
  uint32_t n;
  RETURN_IF_ERROR(r.ReadListHeader(&element, &n));
  out->clear();
  if (element != WireType<T>()) {
    for (uint32_t i = 0; i < n; ++i) RETURN_IF_ERROR(r.SkipElement(element));
    return Status::OK();
  }
  out->reserve(n);  // n <= remaining bytes (checked by ReadListHeader)
  for (uint32_t i = 0; i < n; ++i) {
    out->emplace_back();
    RETURN_IF_ERROR(GetElement(r, element, &out->back()));
  }
  return Status::OK();
}

template <typename T>
Status Get(CompactReader& r, TType t, T* out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (t != TType::kBoolTrue && t != TType::kBoolFalse) return r.Skip(t);
    return r.ReadBool(t, out);
  } else if constexpr (std::is_same_v<T, int8_t>) {
    if (t != TType::kByte) return r.Skip(t);
    return r.ReadI8(out);
  } else if constexpr (std::is_same_v<T, int16_t>) {
    if (t != TType::kI16) return r.Skip(t);
    return r.ReadI16(out);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    if (t != TType::kI32) return r.Skip(t);
    return r.ReadI32(out);
  } else if constexpr (std::is_enum_v<T>) {
    if (t != TType::kI32) return r.Skip(t);
    int32_t v;
    RETURN_IF_ERROR(r.ReadI32(&v));
    *out = static_cast<T>(v);
    return Status::OK();
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (t != TType::kI64) return r.Skip(t);
    return r.ReadI64(out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (t != TType::kBinary) return r.Skip(t);
    return r.ReadBinary(out);
  } else {
    static_assert(ThriftStruct<T>);
    if (t != TType::kStruct) return r.Skip(t);
    return out->Parse(r);
  }
}

template <typename T>
Status Get(CompactReader& r, TType t, std::optional<T>* out) {
  if (t != WireType<T>() && !(WireType<T>() == TType::kBoolTrue && t == TType::kBoolFalse)) {
    return r.Skip(t);
  }
  out->emplace();
  return Get(r, t, &**out);
}

template <typename T>
Status Get(CompactReader& r, TType t, std::vector<T>* out) {
  return GetList(r, t, out);
}

// ---- generic field writers

template <typename T>
void PutElement(CompactWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) w.Bool(v);
  else if constexpr (std::is_same_v<T, int32_t>) w.I32(v);
  else if constexpr (std::is_enum_v<T>) w.I32(static_cast<int32_t>(v));
  else if constexpr (std::is_same_v<T, int64_t>) w.I64(v);
  else if constexpr (std::is_same_v<T, std::string>) w.Binary(v);
  else v.Serialize(w);
}

template <typename T>
void Put(CompactWriter& w, int16_t id, const T& v) {
  if constexpr (std::is_same_v<T, bool>) w.FieldBool(id, v);
  else if constexpr (std::is_same_v<T, int8_t>) w.FieldI8(id, v);
  else if constexpr (std::is_same_v<T, int16_t>) w.FieldI16(id, v);
  else if constexpr (std::is_same_v<T, int32_t>) w.FieldI32(id, v);
  else if constexpr (std::is_enum_v<T>) w.FieldI32(id, static_cast<int32_t>(v));
  else if constexpr (std::is_same_v<T, int64_t>) w.FieldI64(id, v);
  else if constexpr (std::is_same_v<T, std::string>) w.FieldBinary(id, v);
  else {
    w.FieldStructHeader(id);
    v.Serialize(w);
  }
}

template <typename T>
void Put(CompactWriter& w, int16_t id, const std::optional<T>& v) {
  if (v) Put(w, id, *v);
}

template <typename T>
void Put(CompactWriter& w, int16_t id, const std::vector<T>& v) {
  w.FieldListHeader(id, WireType<T>(), static_cast<uint32_t>(v.size()));
  for (const T& e : v) PutElement(w, e);
}

// Optional lists: omitted when empty.
template <typename T>
void PutNonEmpty(CompactWriter& w, int16_t id, const std::vector<T>& v) {
  if (!v.empty()) Put(w, id, v);
}

// An empty struct as a union member.
void PutEmptyStruct(CompactWriter& w, int16_t id) {
  w.FieldStructHeader(id);
  w.StructBegin();
  w.StructEnd();
}

}  // namespace

const char* TypeName(Type t) {
  switch (t) {
    case Type::BOOLEAN: return "BOOLEAN";
    case Type::INT32: return "INT32";
    case Type::INT64: return "INT64";
    case Type::INT96: return "INT96";
    case Type::FLOAT: return "FLOAT";
    case Type::DOUBLE: return "DOUBLE";
    case Type::BYTE_ARRAY: return "BYTE_ARRAY";
    case Type::FIXED_LEN_BYTE_ARRAY: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::PLAIN: return "PLAIN";
    case Encoding::PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case Encoding::RLE: return "RLE";
    case Encoding::BIT_PACKED: return "BIT_PACKED";
    case Encoding::DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case Encoding::DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case Encoding::RLE_DICTIONARY: return "RLE_DICTIONARY";
    case Encoding::BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
  }
  return "unknown";
}

const char* CodecName(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::UNCOMPRESSED: return "UNCOMPRESSED";
    case CompressionCodec::SNAPPY: return "SNAPPY";
    case CompressionCodec::GZIP: return "GZIP";
    case CompressionCodec::LZO: return "LZO";
    case CompressionCodec::BROTLI: return "BROTLI";
    case CompressionCodec::LZ4: return "LZ4";
    case CompressionCodec::ZSTD: return "ZSTD";
    case CompressionCodec::LZ4_RAW: return "LZ4_RAW";
  }
  return "unknown";
}

// ---- LogicalType

LogicalType LogicalType::Decimal(int precision, int scale) {
  LogicalType t = Of(DECIMAL);
  t.precision = precision;
  t.scale = scale;
  return t;
}
LogicalType LogicalType::Time(bool utc, TimeUnit unit) {
  LogicalType t = Of(TIME);
  t.is_adjusted_to_utc = utc;
  t.unit = unit;
  return t;
}
LogicalType LogicalType::Timestamp(bool utc, TimeUnit unit) {
  LogicalType t = Of(TIMESTAMP);
  t.is_adjusted_to_utc = utc;
  t.unit = unit;
  return t;
}

std::string LogicalType::ToString() const {
  auto unit_name = [&] {
    return unit == TimeUnit::MILLIS ? "MILLIS" : unit == TimeUnit::MICROS ? "MICROS" : "NANOS";
  };
  switch (kind) {
    case kNone: return "";
    case STRING: return "STRING";
    case MAP: return "MAP";
    case LIST: return "LIST";
    case ENUM: return "ENUM";
    case DECIMAL: return fmt::format("DECIMAL({},{})", precision, scale);
    case DATE: return "DATE";
    case TIME: return fmt::format("TIME({},{})", unit_name(), is_adjusted_to_utc);
    case TIMESTAMP: return fmt::format("TIMESTAMP({},{})", unit_name(), is_adjusted_to_utc);
    case INTEGER: return fmt::format("INTEGER({},{})", bit_width, is_signed);
    case UNKNOWN: return "UNKNOWN";
    case JSON: return "JSON";
    case BSON: return "BSON";
    case UUID: return "UUID";
    case FLOAT16: return "FLOAT16";
    case kUnrecognized: return "unknown";
  }
  return "unknown";
}

void LogicalType::Serialize(CompactWriter& w) const {
  w.StructBegin();
  switch (kind) {
    case kNone:
      break;
    case DECIMAL:
      w.FieldStructHeader(DECIMAL);
      w.StructBegin();
      w.FieldI32(1, scale);
      w.FieldI32(2, precision);
      w.StructEnd();
      break;
    case TIME:
    case TIMESTAMP:
      w.FieldStructHeader(kind);
      w.StructBegin();
      w.FieldBool(1, is_adjusted_to_utc);
      w.FieldStructHeader(2);
      w.StructBegin();
      PutEmptyStruct(w, static_cast<int16_t>(unit));
      w.StructEnd();
      w.StructEnd();
      break;
    case INTEGER:
      w.FieldStructHeader(INTEGER);
      w.StructBegin();
      w.FieldI8(1, bit_width);
      w.FieldBool(2, is_signed);
      w.StructEnd();
      break;
    case kUnrecognized:
      PutEmptyStruct(w, unrecognized_id);
      break;
    default:
      PutEmptyStruct(w, kind);
      break;
  }
  w.StructEnd();
}

Status LogicalType::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (t != TType::kStruct) return r.Skip(t);
    switch (id) {
      case DECIMAL:
        kind = DECIMAL;
        return ParseFields(r, [&](int16_t fid, TType ft) -> Status {
          if (fid == 1) return Get(r, ft, &scale);
          if (fid == 2) return Get(r, ft, &precision);
          return r.Skip(ft);
        });
      case TIME:
      case TIMESTAMP:
        kind = static_cast<Kind>(id);
        return ParseFields(r, [&](int16_t fid, TType ft) -> Status {
          if (fid == 1) return Get(r, ft, &is_adjusted_to_utc);
          if (fid == 2 && ft == TType::kStruct) {
            return ParseFields(r, [&](int16_t uid, TType ut) -> Status {
              if (uid >= 1 && uid <= 3) unit = static_cast<TimeUnit>(uid);
              return r.Skip(ut);
            });
          }
          return r.Skip(ft);
        });
      case INTEGER:
        kind = INTEGER;
        return ParseFields(r, [&](int16_t fid, TType ft) -> Status {
          if (fid == 1) return Get(r, ft, &bit_width);
          if (fid == 2) return Get(r, ft, &is_signed);
          return r.Skip(ft);
        });
      case STRING: case MAP: case LIST: case ENUM: case DATE: case UNKNOWN:
      case JSON: case BSON: case UUID: case FLOAT16:
        kind = static_cast<Kind>(id);
        return r.Skip(t);
      default:
        kind = kUnrecognized;
        unrecognized_id = id;
        return r.Skip(t);
    }
  });
}

// ---- Statistics

void Statistics::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, max);
  Put(w, 2, min);
  Put(w, 3, null_count);
  Put(w, 4, distinct_count);
  Put(w, 5, max_value);
  Put(w, 6, min_value);
  Put(w, 7, is_max_value_exact);
  Put(w, 8, is_min_value_exact);
  Put(w, 9, nan_count);
  w.StructEnd();
}

Status Statistics::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &max);
      case 2: return Get(r, t, &min);
      case 3: return Get(r, t, &null_count);
      case 4: return Get(r, t, &distinct_count);
      case 5: return Get(r, t, &max_value);
      case 6: return Get(r, t, &min_value);
      case 7: return Get(r, t, &is_max_value_exact);
      case 8: return Get(r, t, &is_min_value_exact);
      case 9: return Get(r, t, &nan_count);
      default: return r.Skip(t);
    }
  });
}

// ---- SchemaElement

void SchemaElement::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, type);
  Put(w, 2, type_length);
  Put(w, 3, repetition_type);
  Put(w, 4, name);
  Put(w, 5, num_children);
  Put(w, 6, converted_type);
  Put(w, 7, scale);
  Put(w, 8, precision);
  Put(w, 9, field_id);
  Put(w, 10, logical_type);
  w.StructEnd();
}

Status SchemaElement::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &type);
      case 2: return Get(r, t, &type_length);
      case 3: return Get(r, t, &repetition_type);
      case 4: return Get(r, t, &name);
      case 5: return Get(r, t, &num_children);
      case 6: return Get(r, t, &converted_type);
      case 7: return Get(r, t, &scale);
      case 8: return Get(r, t, &precision);
      case 9: return Get(r, t, &field_id);
      case 10: return Get(r, t, &logical_type);
      default: return r.Skip(t);
    }
  });
}

// ---- small structs

void KeyValue::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, key);
  Put(w, 2, value);
  w.StructEnd();
}
Status KeyValue::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (id == 1) return Get(r, t, &key);
    if (id == 2) return Get(r, t, &value);
    return r.Skip(t);
  });
}

void SortingColumn::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, column_idx);
  Put(w, 2, descending);
  Put(w, 3, nulls_first);
  w.StructEnd();
}
Status SortingColumn::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (id == 1) return Get(r, t, &column_idx);
    if (id == 2) return Get(r, t, &descending);
    if (id == 3) return Get(r, t, &nulls_first);
    return r.Skip(t);
  });
}

void PageEncodingStats::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, page_type);
  Put(w, 2, encoding);
  Put(w, 3, count);
  w.StructEnd();
}
Status PageEncodingStats::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (id == 1) return Get(r, t, &page_type);
    if (id == 2) return Get(r, t, &encoding);
    if (id == 3) return Get(r, t, &count);
    return r.Skip(t);
  });
}

// ---- column chunks, row groups, file

void ColumnMetaData::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, type);
  Put(w, 2, encodings);
  Put(w, 3, path_in_schema);
  Put(w, 4, codec);
  Put(w, 5, num_values);
  Put(w, 6, total_uncompressed_size);
  Put(w, 7, total_compressed_size);
  PutNonEmpty(w, 8, key_value_metadata);
  Put(w, 9, data_page_offset);
  Put(w, 10, index_page_offset);
  Put(w, 11, dictionary_page_offset);
  Put(w, 12, statistics);
  PutNonEmpty(w, 13, encoding_stats);
  w.StructEnd();
}

Status ColumnMetaData::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &type);
      case 2: return Get(r, t, &encodings);
      case 3: return Get(r, t, &path_in_schema);
      case 4: return Get(r, t, &codec);
      case 5: return Get(r, t, &num_values);
      case 6: return Get(r, t, &total_uncompressed_size);
      case 7: return Get(r, t, &total_compressed_size);
      case 8: return Get(r, t, &key_value_metadata);
      case 9: return Get(r, t, &data_page_offset);
      case 10: return Get(r, t, &index_page_offset);
      case 11: return Get(r, t, &dictionary_page_offset);
      case 12: return Get(r, t, &statistics);
      case 13: return Get(r, t, &encoding_stats);
      default: return r.Skip(t);
    }
  });
}

void ColumnChunk::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, file_path);
  Put(w, 2, file_offset);
  Put(w, 3, meta_data);
  Put(w, 4, offset_index_offset);
  Put(w, 5, offset_index_length);
  Put(w, 6, column_index_offset);
  Put(w, 7, column_index_length);
  w.StructEnd();
}

Status ColumnChunk::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &file_path);
      case 2: return Get(r, t, &file_offset);
      case 3: return Get(r, t, &meta_data);
      case 4: return Get(r, t, &offset_index_offset);
      case 5: return Get(r, t, &offset_index_length);
      case 6: return Get(r, t, &column_index_offset);
      case 7: return Get(r, t, &column_index_length);
      default: return r.Skip(t);
    }
  });
}

void RowGroup::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, columns);
  Put(w, 2, total_byte_size);
  Put(w, 3, num_rows);
  PutNonEmpty(w, 4, sorting_columns);
  Put(w, 5, file_offset);
  Put(w, 6, total_compressed_size);
  Put(w, 7, ordinal);
  w.StructEnd();
}

Status RowGroup::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &columns);
      case 2: return Get(r, t, &total_byte_size);
      case 3: return Get(r, t, &num_rows);
      case 4: return Get(r, t, &sorting_columns);
      case 5: return Get(r, t, &file_offset);
      case 6: return Get(r, t, &total_compressed_size);
      case 7: return Get(r, t, &ordinal);
      default: return r.Skip(t);
    }
  });
}

void ColumnOrder::Serialize(CompactWriter& w) const {
  w.StructBegin();
  if (kind == kTypeDefinedOrder) PutEmptyStruct(w, 1);
  w.StructEnd();
}

Status ColumnOrder::Parse(CompactReader& r) {
  kind = kUnknown;
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (id == 1 && t == TType::kStruct) kind = kTypeDefinedOrder;
    return r.Skip(t);
  });
}

void FileMetaData::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, version);
  Put(w, 2, schema);
  Put(w, 3, num_rows);
  Put(w, 4, row_groups);
  PutNonEmpty(w, 5, key_value_metadata);
  Put(w, 6, created_by);
  PutNonEmpty(w, 7, column_orders);
  w.StructEnd();
}

Status FileMetaData::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &version);
      case 2: return Get(r, t, &schema);
      case 3: return Get(r, t, &num_rows);
      case 4: return Get(r, t, &row_groups);
      case 5: return Get(r, t, &key_value_metadata);
      case 6: return Get(r, t, &created_by);
      case 7: return Get(r, t, &column_orders);
      default: return r.Skip(t);
    }
  });
}

// ---- page headers

void DataPageHeader::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, num_values);
  Put(w, 2, encoding);
  Put(w, 3, definition_level_encoding);
  Put(w, 4, repetition_level_encoding);
  Put(w, 5, statistics);
  w.StructEnd();
}

Status DataPageHeader::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &num_values);
      case 2: return Get(r, t, &encoding);
      case 3: return Get(r, t, &definition_level_encoding);
      case 4: return Get(r, t, &repetition_level_encoding);
      case 5: return Get(r, t, &statistics);
      default: return r.Skip(t);
    }
  });
}

void IndexPageHeader::Serialize(CompactWriter& w) const {
  w.StructBegin();
  w.StructEnd();
}
Status IndexPageHeader::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t, TType t) -> Status { return r.Skip(t); });
}

void DictionaryPageHeader::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, num_values);
  Put(w, 2, encoding);
  Put(w, 3, is_sorted);
  w.StructEnd();
}

Status DictionaryPageHeader::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    if (id == 1) return Get(r, t, &num_values);
    if (id == 2) return Get(r, t, &encoding);
    if (id == 3) return Get(r, t, &is_sorted);
    return r.Skip(t);
  });
}

void DataPageHeaderV2::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, num_values);
  Put(w, 2, num_nulls);
  Put(w, 3, num_rows);
  Put(w, 4, encoding);
  Put(w, 5, definition_levels_byte_length);
  Put(w, 6, repetition_levels_byte_length);
  Put(w, 7, is_compressed);
  Put(w, 8, statistics);
  w.StructEnd();
}

Status DataPageHeaderV2::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &num_values);
      case 2: return Get(r, t, &num_nulls);
      case 3: return Get(r, t, &num_rows);
      case 4: return Get(r, t, &encoding);
      case 5: return Get(r, t, &definition_levels_byte_length);
      case 6: return Get(r, t, &repetition_levels_byte_length);
      case 7: return Get(r, t, &is_compressed);
      case 8: return Get(r, t, &statistics);
      default: return r.Skip(t);
    }
  });
}

void PageHeader::Serialize(CompactWriter& w) const {
  w.StructBegin();
  Put(w, 1, type);
  Put(w, 2, uncompressed_page_size);
  Put(w, 3, compressed_page_size);
  Put(w, 4, crc);
  Put(w, 5, data_page_header);
  Put(w, 6, index_page_header);
  Put(w, 7, dictionary_page_header);
  Put(w, 8, data_page_header_v2);
  w.StructEnd();
}

Status PageHeader::Parse(CompactReader& r) {
  return ParseFields(r, [&](int16_t id, TType t) -> Status {
    switch (id) {
      case 1: return Get(r, t, &type);
      case 2: return Get(r, t, &uncompressed_page_size);
      case 3: return Get(r, t, &compressed_page_size);
      case 4: return Get(r, t, &crc);
      case 5: return Get(r, t, &data_page_header);
      case 6: return Get(r, t, &index_page_header);
      case 7: return Get(r, t, &dictionary_page_header);
      case 8: return Get(r, t, &data_page_header_v2);
      default: return r.Skip(t);
    }
  });
}

// ---- whole-buffer helpers

std::string SerializeFileMetaData(const FileMetaData& md) {
  std::string out;
  CompactWriter w(&out);
  md.Serialize(w);
  return out;
}

Status ParseFileMetaData(std::string_view bytes, FileMetaData* md) {
  CompactReader r(bytes);
  return md->Parse(r);
}

void AppendPageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  h.Serialize(w);
}

Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* h, size_t* consumed) {
  CompactReader r(data, size);
  RETURN_IF_ERROR(h->Parse(r));
  if (consumed) *consumed = r.position();
  return Status::OK();
}

}  // namespace icesync::parquet
