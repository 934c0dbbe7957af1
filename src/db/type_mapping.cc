#include "db/type_mapping.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace icesync::db {
namespace {

// Strings longer than this many characters are fetched in pieces rather than bound in a
// block: keeps the block buffer (rows × width) small.
constexpr int64_t kMaxBoundChars = 4000;

ColumnMapping Plain(DataType t) { return ColumnMapping{std::move(t)}; }

ColumnMapping Text(int64_t chars) {
  ColumnMapping m{DataType::String()};
  // UTF-8 needs at most 4 bytes per character (3 per UTF-16 unit, 4 per surrogate pair).
  m.max_bytes = chars > 0 && chars <= kMaxBoundChars ? chars * 4 : -1;
  return m;
}

ColumnMapping Bytes(int64_t length) {
  ColumnMapping m{DataType::Binary()};
  m.max_bytes = length > 0 && length <= 2 * kMaxBoundChars ? length : -1;
  return m;
}

Result<ColumnMapping> DecimalOf(const SourceColumn& c, int precision, int scale, const char* dialect) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    return Unsupported(
        "column {} has type {} with precision {} and scale {}: icesync carries decimals up to "
        "precision 38 with an explicit scale; cast it in a view to numeric(p,s) with p <= 38 "
        "({}), or exclude the column",
        c.name, c.type_name, precision, scale, dialect);
  }
  return Plain(DataType::Decimal(precision, scale));
}

Status UnsupportedType(const SourceColumn& c, DialectKind d, const std::string& options) {
  return Unsupported("column {} has {} type '{}', which icesync cannot carry exactly; {}", c.name,
                     DialectName(d), c.type_name, options);
}

ColumnMapping Temporal(DataType t, int fraction_digits) {
  ColumnMapping m{std::move(t)};
  m.has_sub_microseconds = fraction_digits > 6;
  return m;
}

Result<ColumnMapping> MapSqlServer(const SourceColumn& c, const TypeMappingOptions& o) {
  const std::string& t = c.type_name;
  if (t == "bit") return Plain(DataType::Boolean());
  if (t == "tinyint" || t == "smallint" || t == "int") return Plain(DataType::Int32());
  if (t == "bigint") return Plain(DataType::Int64());
  if (t == "real") return Plain(DataType::Float32());
  if (t == "float") return Plain(c.precision > 0 && c.precision <= 24 ? DataType::Float32() : DataType::Float64());
  if (t == "decimal" || t == "numeric") return DecimalOf(c, c.precision, std::max(c.scale, 0), "SQL Server");
  if (t == "money") return Plain(DataType::Decimal(19, 4));
  if (t == "smallmoney") return Plain(DataType::Decimal(10, 4));
  if (t == "date") return Plain(DataType::Date());
  // time and datetime2 default to 7 fraction digits when the catalog does not say.
  if (t == "time") return Temporal(DataType::Time(), c.datetime_precision < 0 ? 7 : c.datetime_precision);
  if (t == "datetime" || t == "smalldatetime") return Plain(DataType::Timestamp());
  if (t == "datetime2") return Temporal(DataType::Timestamp(), c.datetime_precision < 0 ? 7 : c.datetime_precision);
  if (t == "datetimeoffset") {
    ColumnMapping m = Temporal(DataType::TimestampTz(), c.datetime_precision < 0 ? 7 : c.datetime_precision);
    m.read_as = ReadAs::kUtcTimestamp;
    return m;
  }
  if (t == "char" || t == "varchar" || t == "nchar" || t == "nvarchar") return Text(c.char_length);
  if (t == "text" || t == "ntext") return Text(-1);
  if (t == "xml") {
    ColumnMapping m = Text(-1);
    m.read_as = ReadAs::kText;
    return m;
  }
  if (t == "binary") {
    if (c.char_length > 0) return Plain(DataType::Fixed(static_cast<int>(c.char_length)));
    return Bytes(-1);
  }
  if (t == "varbinary" || t == "image") return Bytes(t == "image" ? -1 : c.char_length);
  if (t == "timestamp" || t == "rowversion") return Plain(DataType::Fixed(8));
  if (t == "uniqueidentifier") return Plain(DataType::Uuid());
  if (t == "hierarchyid") {
    if (!o.hierarchyid_as_string) {
      return UnsupportedType(c, DialectKind::kSqlServer,
                             "set hierarchyid_as_string to read it as its path text (col.ToString()), "
                             "or exclude the column");
    }
    ColumnMapping m = Text(4000);
    m.read_as = ReadAs::kText;
    return m;
  }
  if (t == "geography" || t == "geometry") {
    if (!o.spatial_as_wkb) {
      return UnsupportedType(c, DialectKind::kSqlServer,
                             "set spatial_as_wkb to read it as well-known binary (col.STAsBinary()), "
                             "or exclude the column");
    }
    ColumnMapping m = Bytes(-1);
    m.read_as = ReadAs::kWellKnownBinary;
    return m;
  }
  if (t == "sql_variant") {
    return UnsupportedType(c, DialectKind::kSqlServer,
                           "its values have no single type: cast it in a view (e.g. CAST(col AS "
                           "nvarchar(4000))) and sync the view, or exclude the column");
  }
  return UnsupportedType(c, DialectKind::kSqlServer, "cast it in a view to a supported type, or exclude the column");
}

Result<ColumnMapping> MapPostgres(const SourceColumn& c) {
  const std::string& t = c.type_name;
  if (t == "boolean") return Plain(DataType::Boolean());
  if (t == "smallint" || t == "integer") return Plain(DataType::Int32());
  if (t == "bigint") return Plain(DataType::Int64());
  if (t == "real") return Plain(DataType::Float32());
  if (t == "double precision") return Plain(DataType::Float64());
  if (t == "numeric") {
    if (c.precision < 0) {
      return UnsupportedType(c, DialectKind::kPostgres,
                             "numeric without precision is unbounded: declare it numeric(p,s) with p <= 38 "
                             "or cast it in a view, or exclude the column");
    }
    return DecimalOf(c, c.precision, std::max(c.scale, 0), "PostgreSQL");
  }
  if (t == "date") return Plain(DataType::Date());
  if (t == "time without time zone") return Plain(DataType::Time());
  if (t == "timestamp without time zone") return Plain(DataType::Timestamp());
  if (t == "timestamp with time zone") return Plain(DataType::TimestampTz());
  if (t == "character varying" || t == "character") return Text(c.char_length);
  if (t == "text" || t == "json" || t == "jsonb" || t == "xml" || t == "name" || t == "citext") return Text(-1);
  if (t == "bytea") return Bytes(-1);
  if (t == "uuid") return Plain(DataType::Uuid());
  if (t == "time with time zone") {
    return UnsupportedType(c, DialectKind::kPostgres,
                           "Iceberg has no time with zone: cast it in a view to time (UTC) or exclude the column");
  }
  return UnsupportedType(c, DialectKind::kPostgres,
                         "cast it in a view to a supported type (e.g. text), or exclude the column");
}

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// SQLite keeps the declared type text and decides storage by affinity (sqlite.org/datatype3
// §3.1). We map in two steps: well-known declared names first (so DATE, DECIMAL(p,s), UUID
// keep their meaning), then SQLite's own affinity rules on whatever else was declared.
Result<ColumnMapping> MapSqlite(const SourceColumn& c) {
  std::string declared = Upper(c.type_name);
  std::string base = declared.substr(0, declared.find('('));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  std::vector<int> args;
  if (size_t open = declared.find('('); open != std::string::npos) {
    const char* p = declared.c_str() + open + 1;
    while (*p != '\0' && *p != ')') {
      char* end = nullptr;
      long v = std::strtol(p, &end, 10);
      if (end == p) break;
      args.push_back(static_cast<int>(v));
      p = end;
      while (*p == ' ' || *p == ',') ++p;
    }
  }
  if (base == "BOOLEAN" || base == "BOOL") return Plain(DataType::Boolean());
  if (base == "TINYINT" || base == "SMALLINT" || base == "MEDIUMINT" || base == "INT2" || base == "INT4")
    return Plain(DataType::Int32());
  if (base == "FLOAT4" || base == "REAL4") return Plain(DataType::Float32());
  if (base == "DECIMAL" || base == "NUMERIC" || base == "DECIMAL_TEXT") {
    if (args.empty()) {
      return UnsupportedType(c, DialectKind::kSqlite,
                             "declare it DECIMAL(p,s) with p <= 38 so values keep their scale, or exclude "
                             "the column");
    }
    return DecimalOf(c, args[0], args.size() > 1 ? args[1] : 0, "SQLite");
  }
  if (base == "DATE") return Plain(DataType::Date());
  if (base == "TIME") return Temporal(DataType::Time(), 9);
  if (base == "DATETIME" || base == "TIMESTAMP") return Temporal(DataType::Timestamp(), 9);
  if (base == "TIMESTAMPTZ" || base == "TIMESTAMP WITH TIME ZONE") return Temporal(DataType::TimestampTz(), 9);
  if (base == "UUID" || base == "GUID" || base == "UNIQUEIDENTIFIER") return Plain(DataType::Uuid());
  if (base == "JSON") return Text(-1);
  // NUMERIC affinity by SQLite's rules, but a blob inserted into such a column stays a blob;
  // users' files (and other tools' DDL) use these names for bytes.
  if (base == "BINARY" || base == "VARBINARY" || base == "BYTEA") return Bytes(-1);
  // SQLite's affinity rules, in SQLite's order.
  if (base.find("INT") != std::string::npos) return Plain(DataType::Int64());
  if (base.find("CHAR") != std::string::npos || base.find("CLOB") != std::string::npos ||
      base.find("TEXT") != std::string::npos) {
    return Text(args.empty() ? -1 : args[0]);
  }
  if (base.find("BLOB") != std::string::npos) return Bytes(-1);
  if (base.find("REAL") != std::string::npos || base.find("FLOA") != std::string::npos ||
      base.find("DOUB") != std::string::npos) {
    return Plain(DataType::Float64());
  }
  if (base.empty()) {
    return UnsupportedType(c, DialectKind::kSqlite,
                           "the column declares no type, so its values may be of any kind: declare "
                           "one (INTEGER, TEXT, BLOB, REAL, DECIMAL(p,s), DATE, TIMESTAMP) or exclude it");
  }
  return UnsupportedType(c, DialectKind::kSqlite,
                         "it has NUMERIC affinity, whose values may be integers, reals or text: declare "
                         "INTEGER, REAL or DECIMAL(p,s), or exclude the column");
}

}  // namespace

const char* DialectName(DialectKind kind) {
  switch (kind) {
    case DialectKind::kSqlServer: return "SQL Server";
    case DialectKind::kPostgres: return "PostgreSQL";
    case DialectKind::kSqlite: return "SQLite";
  }
  return "?";
}

bool EnforcesDeclaredSizes(DialectKind kind) { return kind != DialectKind::kSqlite; }

Result<ColumnMapping> MapSourceType(DialectKind dialect, const SourceColumn& column,
                                    const TypeMappingOptions& options) {
  Result<ColumnMapping> m = Internal("unknown dialect");
  switch (dialect) {
    case DialectKind::kSqlServer: m = MapSqlServer(column, options); break;
    case DialectKind::kPostgres: m = MapPostgres(column); break;
    case DialectKind::kSqlite: m = MapSqlite(column); break;
  }
  // Decided here, once for every dialect, rather than by completing over-long values with
  // SQLGetData in the extractor: SQLGetData on a row of a block cursor needs SQLSetPos and
  // SQL_GD_BOUND/SQL_GD_BLOCK, which drivers support unevenly, while the unbounded path (one
  // row per fetch, values in pieces) already works on every driver. A declared size that the
  // database does not enforce is no bound, so such columns simply take that path.
  if (m.ok() && !EnforcesDeclaredSizes(dialect)) m->max_bytes = -1;
  return m;
}

}  // namespace icesync::db
