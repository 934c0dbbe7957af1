#pragma once
// C++ mirrors of the parquet.thrift structures a reader and writer need (apache/parquet-format,
// src/main/thrift/parquet.thrift; field ids in comments). Optional thrift fields are
// std::optional; fields we do not model are skipped when parsing. Each struct has
//   void Serialize(CompactWriter&) const;   // writes the struct, StructBegin..StructEnd
//   Status Parse(CompactReader&);           // reads one struct value
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parquet/thrift_compact.h"

namespace icesync::parquet {

enum class Type : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
};

enum class ConvertedType : int32_t {
  UTF8 = 0,
  MAP = 1,
  MAP_KEY_VALUE = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIME_MILLIS = 7,
  TIME_MICROS = 8,
  TIMESTAMP_MILLIS = 9,
  TIMESTAMP_MICROS = 10,
  UINT_8 = 11,
  UINT_16 = 12,
  UINT_32 = 13,
  UINT_64 = 14,
  INT_8 = 15,
  INT_16 = 16,
  INT_32 = 17,
  INT_64 = 18,
  JSON = 19,
  BSON = 20,
  INTERVAL = 21,
};

enum class FieldRepetitionType : int32_t { REQUIRED = 0, OPTIONAL = 1, REPEATED = 2 };

enum class Encoding : int32_t {
  PLAIN = 0,
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  BIT_PACKED = 4,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
  BYTE_STREAM_SPLIT = 9,
};

enum class CompressionCodec : int32_t {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  LZO = 3,
  BROTLI = 4,
  LZ4 = 5,
  ZSTD = 6,
  LZ4_RAW = 7,
};

enum class PageType : int32_t { DATA_PAGE = 0, INDEX_PAGE = 1, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3 };

const char* TypeName(Type t);
const char* EncodingName(Encoding e);
const char* CodecName(CompressionCodec c);

enum class TimeUnit : int32_t { MILLIS = 1, MICROS = 2, NANOS = 3 };  // union TimeUnit ids

// union LogicalType. `kind` is the thrift field id of the union member that is set.
struct LogicalType {
  enum Kind : int16_t {
    kNone = 0,  // not set
    STRING = 1,
    MAP = 2,
    LIST = 3,
    ENUM = 4,
    DECIMAL = 5,
    DATE = 6,
    TIME = 7,
    TIMESTAMP = 8,
    INTEGER = 10,
    UNKNOWN = 11,  // NullType: only nulls
    JSON = 12,
    BSON = 13,
    UUID = 14,
    FLOAT16 = 15,
    kUnrecognized = -1,  // a member this code does not know; its id is in unrecognized_id
  };
  Kind kind = kNone;
  int16_t unrecognized_id = 0;
  int32_t scale = 0;      // DECIMAL (1)
  int32_t precision = 0;  // DECIMAL (2)
  bool is_adjusted_to_utc = false;  // TIME/TIMESTAMP (1)
  TimeUnit unit = TimeUnit::MICROS;  // TIME/TIMESTAMP (2)
  int8_t bit_width = 0;   // INTEGER (1)
  bool is_signed = true;  // INTEGER (2)

  static LogicalType Of(Kind k) { LogicalType t; t.kind = k; return t; }
  static LogicalType Decimal(int precision, int scale);
  static LogicalType Time(bool utc, TimeUnit unit);
  static LogicalType Timestamp(bool utc, TimeUnit unit);
  // "STRING", "DECIMAL(38,2)", "TIMESTAMP(MICROS,true)", "unknown"...
  std::string ToString() const;

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct Statistics {
  std::optional<std::string> max;  // 1 (legacy, signed order)
  std::optional<std::string> min;  // 2
  std::optional<int64_t> null_count;      // 3
  std::optional<int64_t> distinct_count;  // 4
  std::optional<std::string> max_value;   // 5
  std::optional<std::string> min_value;   // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
  std::optional<int64_t> nan_count;        // 9

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct SchemaElement {
  std::optional<Type> type;                          // 1
  std::optional<int32_t> type_length;                // 2
  std::optional<FieldRepetitionType> repetition_type;  // 3
  std::string name;                                  // 4
  std::optional<int32_t> num_children;               // 5
  std::optional<ConvertedType> converted_type;       // 6
  std::optional<int32_t> scale;                      // 7
  std::optional<int32_t> precision;                  // 8
  std::optional<int32_t> field_id;                   // 9
  std::optional<LogicalType> logical_type;           // 10

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct KeyValue {
  std::string key;                   // 1
  std::optional<std::string> value;  // 2
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct SortingColumn {
  int32_t column_idx = 0;    // 1
  bool descending = false;   // 2
  bool nulls_first = false;  // 3
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct PageEncodingStats {
  PageType page_type = PageType::DATA_PAGE;  // 1
  Encoding encoding = Encoding::PLAIN;       // 2
  int32_t count = 0;                         // 3
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct ColumnMetaData {
  Type type = Type::BOOLEAN;                                // 1
  std::vector<Encoding> encodings;                          // 2
  std::vector<std::string> path_in_schema;                  // 3
  CompressionCodec codec = CompressionCodec::UNCOMPRESSED;  // 4
  int64_t num_values = 0;                                   // 5
  int64_t total_uncompressed_size = 0;                      // 6
  int64_t total_compressed_size = 0;                        // 7
  std::vector<KeyValue> key_value_metadata;                 // 8
  int64_t data_page_offset = 0;                             // 9
  std::optional<int64_t> index_page_offset;                 // 10
  std::optional<int64_t> dictionary_page_offset;            // 11
  std::optional<Statistics> statistics;                     // 12
  std::vector<PageEncodingStats> encoding_stats;            // 13

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct ColumnChunk {
  std::optional<std::string> file_path;        // 1
  int64_t file_offset = 0;                     // 2
  std::optional<ColumnMetaData> meta_data;     // 3
  std::optional<int64_t> offset_index_offset;  // 4
  std::optional<int32_t> offset_index_length;  // 5
  std::optional<int64_t> column_index_offset;  // 6
  std::optional<int32_t> column_index_length;  // 7

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct RowGroup {
  std::vector<ColumnChunk> columns;             // 1
  int64_t total_byte_size = 0;                  // 2
  int64_t num_rows = 0;                         // 3
  std::vector<SortingColumn> sorting_columns;   // 4
  std::optional<int64_t> file_offset;           // 5
  std::optional<int64_t> total_compressed_size; // 6
  std::optional<int16_t> ordinal;               // 7

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

// union ColumnOrder; only TYPE_ORDER (1) is defined. Unknown members parse as kUnknown.
struct ColumnOrder {
  enum Kind : int16_t { kUnknown = 0, kTypeDefinedOrder = 1 };
  Kind kind = kTypeDefinedOrder;
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct FileMetaData {
  int32_t version = 1;                           // 1
  std::vector<SchemaElement> schema;             // 2
  int64_t num_rows = 0;                          // 3
  std::vector<RowGroup> row_groups;              // 4
  std::vector<KeyValue> key_value_metadata;      // 5
  std::optional<std::string> created_by;         // 6
  std::vector<ColumnOrder> column_orders;        // 7

  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct DataPageHeader {
  int32_t num_values = 0;                                 // 1
  Encoding encoding = Encoding::PLAIN;                    // 2
  Encoding definition_level_encoding = Encoding::RLE;     // 3
  Encoding repetition_level_encoding = Encoding::RLE;     // 4
  std::optional<Statistics> statistics;                   // 5
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct IndexPageHeader {
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct DictionaryPageHeader {
  int32_t num_values = 0;               // 1
  Encoding encoding = Encoding::PLAIN;  // 2
  std::optional<bool> is_sorted;        // 3
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                      // 1
  int32_t num_nulls = 0;                       // 2
  int32_t num_rows = 0;                        // 3
  Encoding encoding = Encoding::PLAIN;         // 4
  int32_t definition_levels_byte_length = 0;   // 5
  int32_t repetition_levels_byte_length = 0;   // 6
  bool is_compressed = true;                   // 7 (thrift default true)
  std::optional<Statistics> statistics;        // 8
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

struct PageHeader {
  PageType type = PageType::DATA_PAGE;  // 1
  int32_t uncompressed_page_size = 0;   // 2
  int32_t compressed_page_size = 0;     // 3
  std::optional<int32_t> crc;           // 4
  std::optional<DataPageHeader> data_page_header;              // 5
  std::optional<IndexPageHeader> index_page_header;            // 6
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // 8
  void Serialize(CompactWriter& w) const;
  Status Parse(CompactReader& r);
};

// Whole-buffer helpers. Parse*: `*consumed` (if given) receives the header's byte length.
std::string SerializeFileMetaData(const FileMetaData& md);
Status ParseFileMetaData(std::string_view bytes, FileMetaData* md);
void AppendPageHeader(const PageHeader& h, std::string* out);
Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* h, size_t* consumed);

}  // namespace icesync::parquet
