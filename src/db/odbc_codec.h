#pragma once
// How each core type travels through ODBC buffers, shared by the extractor (column-wise
// block fetch), the parameter-array loader and bound WHERE parameters, so that a value read
// back is the value written:
//
//   boolean  SQL_C_BIT        int → SQL_C_SLONG    long → SQL_C_SBIGINT
//   float    SQL_C_FLOAT      double → SQL_C_DOUBLE
//   decimal  text (SQL_C_CHAR) "-123.4500": exact at any precision, unlike SQL_NUMERIC_STRUCT
//   date / timestamp[tz]  SQL_DATE_STRUCT / SQL_TIMESTAMP_STRUCT, or ISO text when the dialect
//            stores temporals as text (SQLite)
//   time     ISO text "HH:MM:SS.ffffff" (ODBC's TIME struct has no fraction)
//   string   UTF-8 text (SQL_C_CHAR)     uuid → text "8-4-4-4-12"
//   binary / fixed  SQL_C_BINARY
#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>

#include "core/batch.h"
#include "core/value.h"
#include "db/type_mapping.h"

namespace icesync::db {

struct OdbcCodec {
  DataType type;
  SQLSMALLINT c_type = SQL_C_CHAR;
  SQLSMALLINT sql_type = SQL_VARCHAR;  // parameter SQL type
  SQLULEN column_size = 0;             // parameter column size
  SQLSMALLINT decimal_digits = 0;      // parameter decimal digits
  // Bytes per value in a bound buffer; 0 for variable-length values (sized per batch/value).
  SQLLEN fixed_width = 0;
  bool text_temporal = false;
  bool text_float = false;
  std::string column;  // for messages
  SubMicrosecondPolicy sub_micros = SubMicrosecondPolicy::kTruncate;
};

// Dialect-dependent choices of the wire form.
struct CodecOptions {
  bool temporal_as_text = false;
  bool floats_as_text = false;
  SubMicrosecondPolicy sub_micros = SubMicrosecondPolicy::kTruncate;
};

OdbcCodec MakeCodec(const DataType& type, const CodecOptions& options, const std::string& column);

// Appends the value in `buf` (indicator `ind`: byte length, SQL_NULL_DATA, or for text the
// length without the terminator) to `out`.
Status DecodeValue(const OdbcCodec& codec, const uint8_t* buf, SQLLEN ind, ColumnVector* out);

// Writes value `row` of `col` into `buf` (capacity `cap`) and its indicator. Variable-length
// values need cap >= EncodedSize(); text gets a NUL terminator.
void EncodeValue(const OdbcCodec& codec, const ColumnVector& col, int64_t row, uint8_t* buf, SQLLEN* ind);
// Bytes value `row` needs in a buffer (incl. a text terminator).
SQLLEN EncodedSize(const OdbcCodec& codec, const ColumnVector& col, int64_t row);

// Text forms used for SQLite storage, BCP text binding and messages.
std::string UuidToText(std::string_view bytes16);
Result<std::string> UuidFromText(std::string_view text);
// "YYYY-MM-DD HH:MM:SS.ffffff" (space separated; +00:00 appended when utc).
std::string TimestampText(int64_t micros, bool utc);
// A one-row column holding `v` (for binding single parameters through the same codec).
ColumnVector ColumnOf(const Value& v);

}  // namespace icesync::db
