#include "db/sqlserver_dialect.h"

#include <algorithm>

namespace icesync::db {

std::string SqlServerDialect::QuoteIdentifier(std::string_view id) const {
  std::string out = "[";
  for (char c : id) {
    out.push_back(c);
    if (c == ']') out.push_back(']');
  }
  return out + "]";
}

CatalogQuery SqlServerDialect::ColumnsQuery(const TableName& t) const {
  return InformationSchemaColumns(t, "SCHEMA_NAME()");
}

CatalogQuery SqlServerDialect::PrimaryKeyQuery(const TableName& t) const {
  return InformationSchemaPrimaryKey(t, "SCHEMA_NAME()");
}

std::string SqlServerDialect::SelectExpression(const SelectColumn& c) const {
  std::string col = QuoteIdentifier(c.name);
  switch (c.read_as) {
    case ReadAs::kNative: return col;
    // The UTC instant as datetime2(7): SWITCHOFFSET moves the clock to +00:00, the CONVERT
    // drops the (now zero) offset so the driver returns a plain timestamp.
    case ReadAs::kUtcTimestamp: return "CONVERT(datetime2(7), SWITCHOFFSET(" + col + ", '+00:00'))";
    case ReadAs::kText: return "CAST(" + col + " AS nvarchar(max))";
    case ReadAs::kWellKnownBinary: return col + ".STAsBinary()";
  }
  return col;
}

std::string SqlServerDialect::ColumnType(const DataType& type) const {
  switch (type.id()) {
    case TypeId::kBoolean: return "bit";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat32: return "real";
    case TypeId::kFloat64: return "float";
    case TypeId::kDecimal: return fmt::format("decimal({},{})", type.precision(), type.scale());
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time(6)";
    case TypeId::kTimestamp: return "datetime2(6)";
    case TypeId::kTimestampTz: return "datetimeoffset(6)";
    case TypeId::kString: return "nvarchar(max)";
    case TypeId::kUuid: return "uniqueidentifier";
    case TypeId::kFixed: return fmt::format("binary({})", type.length());
    case TypeId::kBinary: return "varbinary(max)";
    default: return "nvarchar(max)";  // nested types never reach a SQL Server table
  }
}

std::string SqlServerDialect::CreateStagingTable(const TableName& staging, const Schema& schema) const {
  // A #table lives in the session (tempdb); plain CREATE TABLE creates it.
  return CreateTable(staging, schema, /*all_nullable=*/true);
}

std::string SqlServerDialect::UpdateFromStaging(const TableName& target, const TableName& staging,
                                                const std::vector<std::string>& columns,
                                                const std::vector<std::string>& keys) const {
  std::string set = SetFromStaging(columns, keys, "t.");
  if (set.empty()) return "";  // a key-only table: nothing to update
  return "UPDATE t SET " + set + " FROM " + QualifiedName(target) + " AS t INNER JOIN " + QualifiedName(staging) +
         " AS s ON " + KeyJoin("t", "s", keys);
}

std::string SqlServerDialect::DeleteFromStaging(const TableName& target, const TableName& staging,
                                                const std::vector<std::string>& keys) const {
  return "DELETE t FROM " + QualifiedName(target) + " AS t INNER JOIN " + QualifiedName(staging) + " AS s ON " +
         KeyJoin("t", "s", keys);
}

std::string SqlServerDialect::ChangeTrackingChanges(const TableName& t, const std::vector<std::string>& columns,
                                                    const std::vector<std::string>& keys,
                                                    const std::string& op_column) const {
  std::string select;
  for (const std::string& c : columns) {
    const bool is_key = std::find(keys.begin(), keys.end(), c) != keys.end();
    select += (select.empty() ? "" : ", ") + std::string(is_key ? "[ct]." : "[t].") + QuoteIdentifier(c) + " AS " +
              QuoteIdentifier(c);
  }
  select += ", [ct].[SYS_CHANGE_OPERATION] AS " + QuoteIdentifier(op_column);
  std::string on;
  for (const std::string& k : keys) {
    on += (on.empty() ? "" : " AND ") + std::string("[t].") + QuoteIdentifier(k) + " = [ct]." + QuoteIdentifier(k);
  }
  return "(SELECT " + select + " FROM CHANGETABLE(CHANGES " + QualifiedName(t) + ", ?) AS [ct] LEFT OUTER JOIN " +
         QualifiedName(t) + " AS [t] ON " + on + ") AS [changes]";
}

std::string SqlServerDialect::UpdateWhere(const TableName& target, const std::string& set,
                                          const std::string& where) const {
  std::string sql = "UPDATE t SET " + set + " FROM " + QualifiedName(target) + " AS t";
  return where.empty() ? sql : sql + " WHERE " + where;
}

std::string SqlServerDialect::UpdateJoin(const TableName& target, const TableName& staging, const std::string& set,
                                         const std::vector<std::string>& keys, const std::string& where) const {
  std::string sql = "UPDATE t SET " + set + " FROM " + QualifiedName(target) + " AS t INNER JOIN " +
                    QualifiedName(staging) + " AS s ON " + KeyJoin("t", "s", keys);
  return where.empty() ? sql : sql + " WHERE " + where;
}

std::string SqlServerDialect::DeleteWhere(const TableName& target, const std::string& where) const {
  std::string sql = "DELETE t FROM " + QualifiedName(target) + " AS t";
  return where.empty() ? sql : sql + " WHERE " + where;
}

}  // namespace icesync::db
