#pragma once
// Source database column types → icesync/Iceberg types (docs/type-mapping.md is the table
// users read; keep the two in step). A type we cannot carry exactly is an error naming the
// column and the options, never a silent cast.
#include <cstdint>
#include <string>

#include "core/types.h"

namespace icesync::db {

enum class DialectKind { kSqlServer, kPostgres, kSqlite };
const char* DialectName(DialectKind kind);

// A column as the catalog describes it. Lengths and precisions are -1 when not reported.
struct SourceColumn {
  std::string name;
  std::string type_name;  // lower case; SQLite: the declared type text, e.g. "decimal(38,10)"
  int64_t char_length = -1;  // characters (strings) or bytes (binary); -1 for (max)/unbounded
  int precision = -1;
  int scale = -1;
  int datetime_precision = -1;  // fraction digits of time/datetime2/datetimeoffset
  bool nullable = true;
};

// How the extractor must read a column when the plain value is not what we store.
enum class ReadAs : uint8_t {
  kNative,
  kUtcTimestamp,    // SQL Server datetimeoffset: select it switched to UTC as datetime2
  kText,            // xml, hierarchyid: select it converted to text
  kWellKnownBinary  // geography/geometry: select col.STAsBinary()
};

// What to do with fraction digits beyond microseconds (SQL Server datetime2(7)/time(7)/
// datetimeoffset(7) hold 100 ns ticks; Iceberg v2 timestamps hold µs).
enum class SubMicrosecondPolicy : uint8_t {
  kTruncate,  // default: drop the 7th digit (toward the past); documented
  kFail,      // error naming the column and the value when a 7th digit is non-zero
};

struct TypeMappingOptions {
  SubMicrosecondPolicy sub_microseconds = SubMicrosecondPolicy::kTruncate;
  bool hierarchyid_as_string = false;  // hierarchyid → string via ToString()
  bool spatial_as_wkb = false;         // geography/geometry → binary (WKB)
};

struct ColumnMapping {
  DataType type;
  ReadAs read_as = ReadAs::kNative;
  // Fraction digits the source may hold beyond µs (7 for datetime2(7)); 0 when none.
  bool has_sub_microseconds = false;
  // Upper bound of a value's bytes when read as text/binary (-1: unbounded, fetch in pieces).
  // Only set where the database enforces the declared size (EnforcesDeclaredSizes): buffers
  // are sized from it, and a longer value would not fit.
  int64_t max_bytes = -1;
};

// Whether the database rejects values longer than a column's declared size. SQLite does not:
// it keeps the declared type text only to pick an affinity (sqlite.org/datatype3 §3.1), so a
// VARCHAR(100) or VARBINARY(10) column holds values of any length. There a declared size
// bounds nothing, and MapSourceType leaves every text/binary column unbounded (max_bytes -1).
bool EnforcesDeclaredSizes(DialectKind kind);

Result<ColumnMapping> MapSourceType(DialectKind dialect, const SourceColumn& column,
                                    const TypeMappingOptions& options = {});

}  // namespace icesync::db
