#include "db/postgres_dialect.h"

#include <algorithm>

namespace icesync::db {
namespace {

std::string SchemaFilter(const TableName& t, const char* column, CatalogQuery* q) {
  if (t.schema.empty()) return std::string(column) + " = current_schema()";
  q->params.push_back(t.schema);
  return std::string(column) + " = ?";
}

}  // namespace

std::string QuoteWithDoubleQuotes(std::string_view id) {
  std::string out = "\"";
  for (char c : id) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

std::string PostgresDialect::QuoteIdentifier(std::string_view id) const { return QuoteWithDoubleQuotes(id); }

std::string PostgresDialect::SelectExpression(const SelectColumn& c) const {
  switch (c.type.id()) {
    case TypeId::kDate: case TypeId::kTimestamp: case TypeId::kTimestampTz:
      return QuoteIdentifier(c.name) + "::text";
    default:
      return QuoteIdentifier(c.name);
  }
}

CatalogQuery PostgresDialect::ColumnsQuery(const TableName& t) const {
  CatalogQuery q;
  std::string schema = SchemaFilter(t, "c.table_schema", &q);
  q.params.push_back(t.name);
  q.sql =
      "SELECT c.column_name, c.data_type, c.character_maximum_length, c.numeric_precision, c.numeric_scale, "
      "c.datetime_precision, c.is_nullable FROM information_schema.columns AS c WHERE " +
      schema + " AND c.table_name = ? ORDER BY c.ordinal_position";
  return q;
}

CatalogQuery PostgresDialect::PrimaryKeyQuery(const TableName& t) const {
  CatalogQuery q;
  std::string schema = SchemaFilter(t, "tc.table_schema", &q);
  q.params.push_back(t.name);
  q.sql =
      "SELECT kcu.column_name FROM information_schema.table_constraints AS tc "
      "JOIN information_schema.key_column_usage AS kcu ON kcu.constraint_schema = tc.constraint_schema "
      "AND kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
      "AND kcu.table_name = tc.table_name WHERE tc.constraint_type = 'PRIMARY KEY' AND " +
      schema + " AND tc.table_name = ? ORDER BY kcu.ordinal_position";
  return q;
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

std::string PostgresDialect::UpdateFromStaging(const TableName& target, const TableName& staging,
                                               const std::vector<std::string>& columns,
                                               const std::vector<std::string>& keys) const {
  std::string set;
  for (const auto& c : columns) {
    if (std::find(keys.begin(), keys.end(), c) != keys.end()) continue;
    if (!set.empty()) set += ", ";
    set += QuoteIdentifier(c) + " = s." + QuoteIdentifier(c);
  }
  if (set.empty()) return "";
  return "UPDATE " + QualifiedName(target) + " AS t SET " + set + " FROM " + QualifiedName(staging) +
         " AS s WHERE " + KeyJoin("t", "s", keys);
}

std::string PostgresDialect::DeleteFromStaging(const TableName& target, const TableName& staging,
                                               const std::vector<std::string>& keys) const {
  return "DELETE FROM " + QualifiedName(target) + " AS t USING " + QualifiedName(staging) + " AS s WHERE " +
         KeyJoin("t", "s", keys);
}

}  // namespace icesync::db
