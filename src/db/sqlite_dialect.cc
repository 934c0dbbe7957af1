#include "db/sqlite_dialect.h"

#include <algorithm>

#include "db/postgres_dialect.h"

namespace icesync::db {
namespace {

std::string TableInfo(const TableName& t, CatalogQuery* q) {
  q->params.push_back(t.name);
  if (t.schema.empty()) return "pragma_table_info(?)";
  q->params.push_back(t.schema);
  return "pragma_table_info(?, ?)";
}

}  // namespace

std::string SqliteDialect::QuoteIdentifier(std::string_view id) const { return QuoteWithDoubleQuotes(id); }

CatalogQuery SqliteDialect::ColumnsQuery(const TableName& t) const {
  CatalogQuery q;
  std::string from = TableInfo(t, &q);
  q.sql = "SELECT name, type, NULL, NULL, NULL, NULL, CASE WHEN \"notnull\" <> 0 OR pk > 0 THEN 'NO' ELSE 'YES' END "
          "FROM " + from + " ORDER BY cid";
  return q;
}

CatalogQuery SqliteDialect::PrimaryKeyQuery(const TableName& t) const {
  CatalogQuery q;
  std::string from = TableInfo(t, &q);
  q.sql = "SELECT name FROM " + from + " WHERE pk > 0 ORDER BY pk";
  return q;
}

std::string SqliteDialect::SelectExpression(const SelectColumn& c) const {
  std::string col = QuoteIdentifier(c.name);
  if (c.type.id() == TypeId::kFloat32 || c.type.id() == TypeId::kFloat64) {
    // 17 significant digits (the ! flag lifts SQLite's 16-digit cap) read back as the same
    // double; NULL stays NULL.
    return "CASE WHEN " + col + " IS NULL THEN NULL ELSE printf('%!.17g', " + col + ") END";
  }
  return col;
}

std::string SqliteDialect::ColumnType(const DataType& type) const {
  // Declared names chosen so that MapSourceType reads them back as the same type.
  switch (type.id()) {
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt32: return "INT4";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kFloat32: return "FLOAT4";
    case TypeId::kFloat64: return "DOUBLE";
    // TEXT affinity keeps all 38 digits: under DECIMAL's NUMERIC affinity SQLite rounds
    // values beyond 15 significant digits to REAL on write.
    case TypeId::kDecimal: return fmt::format("DECIMAL_TEXT({},{})", type.precision(), type.scale());
    case TypeId::kDate: return "DATE";
    case TypeId::kTime: return "TIME";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kTimestampTz: return "TIMESTAMPTZ";
    case TypeId::kString: return "TEXT";
    case TypeId::kUuid: return "UUID";
    default: return "BLOB";
  }
}

std::string SqliteDialect::DeleteFromStaging(const TableName& target, const TableName& staging,
                                             const std::vector<std::string>& keys) const {
  // SQLite has no DELETE … USING/JOIN: a correlated EXISTS is its set-based form.
  return "DELETE FROM " + QualifiedName(target) + " AS t WHERE EXISTS (SELECT 1 FROM " + QualifiedName(staging) +
         " AS s WHERE " + KeyJoin("t", "s", keys) + ")";
}

CatalogQuery SqliteDialect::TablesLikeQuery(const std::string& schema, const std::string& prefix) const {
  CatalogQuery q;
  const std::string master = schema.empty() ? "sqlite_master" : QuoteIdentifier(schema) + ".sqlite_master";
  // substr, not LIKE: '_' in the prefix would be a wildcard.
  q.sql = "SELECT name FROM " + master + " WHERE type = 'table' AND substr(name, 1, length(?)) = ?";
  q.params = {prefix, prefix};
  return q;
}

}  // namespace icesync::db
