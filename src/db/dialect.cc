#include "db/dialect.h"

#include <algorithm>
#include <cctype>

#include "db/postgres_dialect.h"
#include "db/sqlite_dialect.h"
#include "db/sqlserver_dialect.h"

namespace icesync::db {

std::string Dialect::QualifiedName(const TableName& t) const {
  if (t.schema.empty()) return QuoteIdentifier(t.name);
  return QuoteIdentifier(t.schema) + "." + QuoteIdentifier(t.name);
}

std::string Dialect::SelectExpression(const SelectColumn& c) const { return QuoteIdentifier(c.name); }

std::string Dialect::Select(const TableName& t, const std::vector<SelectColumn>& cols, const std::string& where,
                            const std::vector<std::string>& order_by) const {
  return SelectFrom(QualifiedName(t), cols, where, order_by);
}

std::string Dialect::SelectFrom(const std::string& from, const std::vector<SelectColumn>& cols,
                                const std::string& where, const std::vector<std::string>& order_by) const {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += SelectExpression(cols[i]);
  }
  if (cols.empty()) sql += "1";
  sql += " FROM " + from;
  if (!where.empty()) sql += " WHERE " + where;
  if (!order_by.empty()) sql += " ORDER BY " + ColumnList(order_by);
  return sql;
}

std::string Dialect::KeyRangePredicate(const std::vector<std::string>& keys, bool has_lower, bool has_upper,
                                       std::vector<int>* lower_params, std::vector<int>* upper_params,
                                       const std::function<std::optional<std::string>(bool, int)>& literal) const {
  // (k1 OP ?) OR (k1 = ? AND k2 OP ?) OR ... ; the last term is strict for > and <= for <=.
  auto expand = [&](const char* op_strict, const char* op_last, bool upper, std::vector<int>* params) {
    auto bound = [&](size_t key) -> std::string {
      if (literal) {
        if (std::optional<std::string> text = literal(upper, static_cast<int>(key))) return *text;
      }
      params->push_back(static_cast<int>(key));
      return "?";
    };
    std::string out = "(";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) out += " OR ";
      out += "(";
      for (size_t j = 0; j < i; ++j) out += QuoteIdentifier(keys[j]) + " = " + bound(j) + " AND ";
      out += QuoteIdentifier(keys[i]) + (i + 1 == keys.size() ? op_last : op_strict) + bound(i) + ")";
    }
    return out + ")";
  };
  std::string sql;
  if (has_lower) sql = expand(" > ", " > ", false, lower_params);
  if (has_upper) {
    if (!sql.empty()) sql += " AND ";
    sql += expand(" < ", " <= ", true, upper_params);
  }
  return sql;
}

std::string Dialect::CountRows(const TableName& t) const { return "SELECT COUNT(*) FROM " + QualifiedName(t); }

std::string Dialect::CreateTable(const TableName& t, const Schema& schema, bool all_nullable) const {
  std::string sql = "CREATE TABLE " + QualifiedName(t) + " (";
  std::vector<std::string> keys;
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(f.name) + " " + ColumnType(f.type);
    if (!all_nullable && f.required) sql += " NOT NULL";
    const auto& ids = schema.identifier_field_ids();
    if (std::find(ids.begin(), ids.end(), f.id) != ids.end()) keys.push_back(f.name);
  }
  if (!all_nullable && !keys.empty()) sql += ", PRIMARY KEY (" + ColumnList(keys) + ")";
  return sql + ")";
}

std::string Dialect::CreateStagingTable(const TableName& staging, const Schema& schema) const {
  std::string sql = CreateTable(staging, schema, /*all_nullable=*/true);
  return "CREATE TEMPORARY TABLE" + sql.substr(std::string("CREATE TABLE").size());
}

std::string Dialect::DropTable(const TableName& t) const { return "DROP TABLE " + QualifiedName(t); }
std::string Dialect::DropTableIfExists(const TableName& t) const { return "DROP TABLE IF EXISTS " + QualifiedName(t); }

std::string Dialect::Insert(const TableName& t, const Schema& schema) const {
  std::vector<std::string> names;
  for (const Field& f : schema.fields()) names.push_back(f.name);
  std::string sql = "INSERT INTO " + QualifiedName(t) + " (" + ColumnList(names) + ") VALUES (";
  for (size_t i = 0; i < names.size(); ++i) sql += i == 0 ? "?" : ", ?";
  return sql + ")";
}

std::string Dialect::InsertMissingFromStaging(const TableName& target, const TableName& staging,
                                              const std::vector<std::string>& columns,
                                              const std::vector<std::string>& keys) const {
  return "INSERT INTO " + QualifiedName(target) + " (" + ColumnList(columns) + ") SELECT " +
         ColumnList(columns, "s") + " FROM " + QualifiedName(staging) + " AS s WHERE NOT EXISTS (SELECT 1 FROM " +
         QualifiedName(target) + " AS t WHERE " + KeyJoin("t", "s", keys) + ")";
}

namespace {

// Both catalog queries filter on schema and table; an empty schema means the user's default.
std::string SchemaFilter(const TableName& t, const char* column, const char* current_schema, CatalogQuery* q) {
  if (t.schema.empty()) return std::string(column) + " = " + current_schema;
  q->params.push_back(t.schema);
  return std::string(column) + " = ?";
}

}  // namespace

CatalogQuery Dialect::InformationSchemaColumns(const TableName& t, const char* current_schema) const {
  CatalogQuery q;
  std::string schema = SchemaFilter(t, "c.TABLE_SCHEMA", current_schema, &q);
  q.params.push_back(t.name);
  q.sql =
      "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, "
      "c.DATETIME_PRECISION, c.IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS AS c WHERE " +
      schema + " AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION";
  return q;
}

CatalogQuery Dialect::InformationSchemaPrimaryKey(const TableName& t, const char* current_schema) const {
  CatalogQuery q;
  std::string schema = SchemaFilter(t, "tc.TABLE_SCHEMA", current_schema, &q);
  q.params.push_back(t.name);
  q.sql =
      "SELECT kcu.COLUMN_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS tc "
      "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS kcu ON kcu.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
      "AND kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND kcu.TABLE_SCHEMA = tc.TABLE_SCHEMA "
      "AND kcu.TABLE_NAME = tc.TABLE_NAME WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND " +
      schema + " AND tc.TABLE_NAME = ? ORDER BY kcu.ORDINAL_POSITION";
  return q;
}

std::string Dialect::SetFromStaging(const std::vector<std::string>& columns, const std::vector<std::string>& keys,
                                    const std::string& target_prefix) const {
  std::string set;
  for (const auto& c : columns) {
    if (std::find(keys.begin(), keys.end(), c) != keys.end()) continue;
    if (!set.empty()) set += ", ";
    set += target_prefix + QuoteIdentifier(c) + " = s." + QuoteIdentifier(c);
  }
  return set;
}

std::string Dialect::UpdateFromStaging(const TableName& target, const TableName& staging,
                                       const std::vector<std::string>& columns,
                                       const std::vector<std::string>& keys) const {
  std::string set = SetFromStaging(columns, keys, "");
  if (set.empty()) return "";
  return "UPDATE " + QualifiedName(target) + " AS t SET " + set + " FROM " + QualifiedName(staging) +
         " AS s WHERE " + KeyJoin("t", "s", keys);
}

std::string Dialect::KeyJoin(const std::string& ta, const std::string& sa, const std::vector<std::string>& keys) const {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += " AND ";
    std::string k = QuoteIdentifier(keys[i]);
    out += ta + "." + k + " = " + sa + "." + k;
  }
  return out;
}

std::string Dialect::ColumnList(const std::vector<std::string>& columns, const std::string& alias) const {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    if (!alias.empty()) out += alias + ".";
    out += QuoteIdentifier(columns[i]);
  }
  return out;
}

std::unique_ptr<Dialect> MakeDialect(DialectKind kind) {
  switch (kind) {
    case DialectKind::kSqlServer: return std::make_unique<SqlServerDialect>();
    case DialectKind::kPostgres: return std::make_unique<PostgresDialect>();
    case DialectKind::kSqlite: return std::make_unique<SqliteDialect>();
  }
  return nullptr;
}

Result<std::unique_ptr<Dialect>> DialectForDbms(const std::string& dbms_name) {
  std::string n;
  for (char c : dbms_name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n.find("sql server") != std::string::npos || n.find("sqlserver") != std::string::npos) {
    return MakeDialect(DialectKind::kSqlServer);
  }
  if (n.find("postgres") != std::string::npos) return MakeDialect(DialectKind::kPostgres);
  if (n.find("sqlite") != std::string::npos) return MakeDialect(DialectKind::kSqlite);
  return Unsupported("the database reports DBMS '{}'; icesync supports SQL Server, PostgreSQL and SQLite",
                     dbms_name);
}

}  // namespace icesync::db
