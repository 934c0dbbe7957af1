#include "db/postgres_dialect.h"

namespace icesync::db {
std::string QuoteWithDoubleQuotes(std::string_view id) {
  std::string out = "\"";
  for (char c : id) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

std::string PostgresDialect::QuoteIdentifier(std::string_view id) const { return QuoteWithDoubleQuotes(id); }

// Keyed by the target's name: imports into other targets never wait on it (a hash collision
// merely makes two of them take turns).
std::string PostgresDialect::LockImportTarget(const TableName& /*state*/) const {
  return "SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text)))";
}

std::string PostgresDialect::SelectExpression(const SelectColumn& c) const {
  switch (c.type.id()) {
    case TypeId::kDate: case TypeId::kTimestamp: case TypeId::kTimestampTz:
      return QuoteIdentifier(c.name) + "::text";
    default:
      return QuoteIdentifier(c.name);
  }
}

CatalogQuery PostgresDialect::ColumnsQuery(const TableName& t) const {
  return InformationSchemaColumns(t, "current_schema()");
}

CatalogQuery PostgresDialect::PrimaryKeyQuery(const TableName& t) const {
  return InformationSchemaPrimaryKey(t, "current_schema()");
}

std::string PostgresDialect::ColumnType(const DataType& type) const {
  switch (type.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat32: return "real";
    case TypeId::kFloat64: return "double precision";
    case TypeId::kDecimal: return fmt::format("numeric({},{})", type.precision(), type.scale());
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    case TypeId::kString: return "text";
    case TypeId::kUuid: return "uuid";
    default: return "bytea";
  }
}

std::string PostgresDialect::Insert(const TableName& t, const Schema& schema) const {
  // psqlODBC types text parameters as varchar; uuid columns need an explicit cast.
  std::string cols, values;
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    if (i > 0) {
      cols += ", ";
      values += ", ";
    }
    cols += QuoteIdentifier(f.name);
    values += f.type.id() == TypeId::kUuid ? "CAST(? AS uuid)" : "?";
  }
  return "INSERT INTO " + QualifiedName(t) + " (" + cols + ") VALUES (" + values + ")";
}

std::string PostgresDialect::DeleteFromStaging(const TableName& target, const TableName& staging,
                                               const std::vector<std::string>& keys) const {
  return "DELETE FROM " + QualifiedName(target) + " AS t USING " + QualifiedName(staging) + " AS s WHERE " +
         KeyJoin("t", "s", keys);
}

std::string PostgresDialect::CreateImportStaging(const TableName& staging, const Schema& schema) const {
  std::string sql = CreateTable(staging, schema, /*all_nullable=*/true);
  return "CREATE UNLOGGED TABLE" + sql.substr(std::string("CREATE TABLE").size());
}

CatalogQuery PostgresDialect::TablesLikeQuery(const std::string& schema, const std::string& prefix) const {
  CatalogQuery q;
  q.sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = ";
  if (schema.empty()) {
    q.sql += "current_schema()";
  } else {
    q.sql += "?";
    q.params.push_back(schema);
  }
  // starts_with, not LIKE: '_' in the prefix would be a wildcard.
  q.sql += " AND starts_with(table_name, ?)";
  q.params.push_back(prefix);
  return q;
}

}  // namespace icesync::db
