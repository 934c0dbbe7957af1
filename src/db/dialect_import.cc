// The SQL text of `icesync import` (src/load) in its generic form, valid on PostgreSQL and
// SQLite 3.33+; SQL Server overrides the UPDATE/DELETE shapes (sqlserver_dialect.cc). Every
// statement is set-based over a staging table (never MERGE, never row by row) and values
// travel as bound parameters, never pasted into the text.
#include "db/dialect.h"

#include <algorithm>

namespace icesync::db {

namespace {

// "t.c <> s.c OR one side NULL": true exactly when the values differ (NULL equals NULL).
// Portable where IS DISTINCT FROM is not (SQL Server before 2022).
std::string Differs(const std::string& t, const std::string& s) {
  return "(" + t + " <> " + s + " OR (" + t + " IS NULL AND " + s + " IS NOT NULL) OR (" + t + " IS NOT NULL AND " + s +
         " IS NULL))";
}

}  // namespace

std::string Dialect::TypedParameter(const DataType& type) const { return "CAST(? AS " + ColumnType(type) + ")"; }

std::string Dialect::InsertFromStaging(const TableName& target, const TableName& staging,
                                       const std::vector<std::string>& columns) const {
  return "INSERT INTO " + QualifiedName(target) + " (" + ColumnList(columns) + ") SELECT " + ColumnList(columns, "s") +
         " FROM " + QualifiedName(staging) + " AS s";
}

std::string Dialect::UpdateWhere(const TableName& target, const std::string& set, const std::string& where) const {
  std::string sql = "UPDATE " + QualifiedName(target) + " AS t SET " + set;
  return where.empty() ? sql : sql + " WHERE " + where;
}

std::string Dialect::UpdateJoin(const TableName& target, const TableName& staging, const std::string& set,
                                const std::vector<std::string>& keys, const std::string& where) const {
  std::string sql = "UPDATE " + QualifiedName(target) + " AS t SET " + set + " FROM " + QualifiedName(staging) +
                    " AS s WHERE " + KeyJoin("t", "s", keys);
  return where.empty() ? sql : sql + " AND " + where;
}

std::string Dialect::DeleteWhere(const TableName& target, const std::string& where) const {
  std::string sql = "DELETE FROM " + QualifiedName(target) + " AS t";
  return where.empty() ? sql : sql + " WHERE " + where;
}

std::string Dialect::DeleteMissingFromStaging(const TableName& target, const TableName& staging,
                                              const std::vector<std::string>& keys) const {
  return DeleteWhere(target, "NOT EXISTS (SELECT 1 FROM " + QualifiedName(staging) + " AS s WHERE " +
                                 KeyJoin("t", "s", keys) + ")");
}

std::string Dialect::CountDuplicateKeys(const TableName& staging, const std::vector<std::string>& keys) const {
  return "SELECT COUNT(*) FROM (SELECT 1 AS d FROM " + QualifiedName(staging) + " GROUP BY " + ColumnList(keys) +
         " HAVING COUNT(*) > 1) AS dup";
}

std::string Dialect::CountNullKeys(const TableName& staging, const std::vector<std::string>& keys) const {
  std::string where;
  for (const auto& k : keys) where += (where.empty() ? "" : " OR ") + QuoteIdentifier(k) + " IS NULL";
  return "SELECT COUNT(*) FROM " + QualifiedName(staging) + " WHERE " + where;
}

std::string Dialect::CountKeysStillLive(const TableName& target, const TableName& staging, const TableName* deleted,
                                       const std::vector<std::string>& keys, const std::string& target_where) const {
  std::string sql = "SELECT COUNT(*) FROM " + QualifiedName(staging) + " AS s WHERE EXISTS (SELECT 1 FROM " +
                    QualifiedName(target) + " AS t WHERE " + KeyJoin("t", "s", keys) +
                    (target_where.empty() ? "" : " AND " + target_where) + ")";
  if (deleted != nullptr) {
    sql += " AND NOT EXISTS (SELECT 1 FROM " + QualifiedName(*deleted) + " AS d WHERE " + KeyJoin("d", "s", keys) + ")";
  }
  return sql;
}

std::string Dialect::Scd2CloseChanged(const TableName& target, const TableName& staging,
                                      const std::vector<std::string>& columns, const std::vector<std::string>& keys,
                                      const Scd2Columns& scd) const {
  std::string differs;
  for (const auto& c : columns) {
    if (std::find(keys.begin(), keys.end(), c) != keys.end()) continue;
    differs += (differs.empty() ? "" : " OR ") + Differs("t." + QuoteIdentifier(c), "s." + QuoteIdentifier(c));
  }
  if (differs.empty()) return "";  // a key-only table: a key's version never changes
  const std::string set = QuoteIdentifier(scd.valid_to) + " = s." + QuoteIdentifier(scd.changed_at) + ", " +
                          QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(false);
  return UpdateJoin(target, staging, set, keys,
                    "t." + QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(true) + " AND (" + differs + ")");
}

std::string Dialect::Scd2InsertCurrent(const TableName& target, const TableName& staging,
                                       const std::vector<std::string>& columns, const std::vector<std::string>& keys,
                                       const Scd2Columns& scd) const {
  std::vector<std::string> all = columns;
  all.insert(all.end(), {scd.valid_from, scd.valid_to, scd.is_current});
  return "INSERT INTO " + QualifiedName(target) + " (" + ColumnList(all) + ") SELECT " + ColumnList(columns, "s") +
         ", s." + QuoteIdentifier(scd.changed_at) + ", NULL, " + BooleanLiteral(true) + " FROM " +
         QualifiedName(staging) + " AS s WHERE NOT EXISTS (SELECT 1 FROM " + QualifiedName(target) + " AS t WHERE " +
         KeyJoin("t", "s", keys) + " AND t." + QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(true) + ")";
}

std::string Dialect::Scd2CloseDeleted(const TableName& target, const TableName& staging,
                                      const std::vector<std::string>& keys, const Scd2Columns& scd) const {
  const std::string set = QuoteIdentifier(scd.valid_to) + " = s." + QuoteIdentifier(scd.changed_at) + ", " +
                          QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(false);
  return UpdateJoin(target, staging, set, keys, "t." + QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(true));
}

std::string Dialect::Scd2CloseMissing(const TableName& target, const TableName& staging,
                                      const std::vector<std::string>& keys, const Scd2Columns& scd) const {
  const std::string set = QuoteIdentifier(scd.valid_to) + " = " + TypedParameter(DataType::TimestampTz()) + ", " +
                          QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(false);
  return UpdateWhere(target, set,
                     "t." + QuoteIdentifier(scd.is_current) + " = " + BooleanLiteral(true) + " AND NOT EXISTS (SELECT 1 FROM " +
                         QualifiedName(staging) + " AS s WHERE " + KeyJoin("t", "s", keys) + ")");
}

std::string Dialect::CreateImportState(const TableName& state) const {
  const std::string ts = ColumnType(DataType::TimestampTz());
  return "CREATE TABLE " + QualifiedName(state) + " (target_table " + VarcharType(400) +
         " NOT NULL PRIMARY KEY, table_uuid " + VarcharType(64) + " NOT NULL, table_location " + VarcharType(2000) +
         " NOT NULL, snapshot_id " + ColumnType(DataType::Int64()) + " NOT NULL, sequence_number " +
         ColumnType(DataType::Int64()) + " NOT NULL, snapshot_time " + ts + " NOT NULL, strategy " + VarcharType(16) +
         " NOT NULL, applied_at " + ts + " NOT NULL)";
}

std::string Dialect::SelectImportState(const TableName& state) const {
  return "SELECT table_uuid, table_location, snapshot_id, sequence_number, strategy FROM " + QualifiedName(state) +
         " WHERE target_table = ?";
}

std::string Dialect::DeleteImportState(const TableName& state) const {
  return "DELETE FROM " + QualifiedName(state) + " WHERE target_table = ?";
}

std::string Dialect::SelectImportSnapshot(const TableName& state) const {
  return "SELECT COALESCE(MAX(snapshot_id), -1) FROM " + QualifiedName(state) + " WHERE target_table = ?";
}

std::string Dialect::LockImportTarget(const TableName& state) const {
  return "UPDATE " + QualifiedName(state) + " SET snapshot_id = snapshot_id WHERE target_table = ?";
}

std::string Dialect::InsertImportState(const TableName& state) const {
  const std::string big = TypedParameter(DataType::Int64());
  const std::string ts = TypedParameter(DataType::TimestampTz());
  return "INSERT INTO " + QualifiedName(state) +
         " (target_table, table_uuid, table_location, snapshot_id, sequence_number, snapshot_time, strategy, "
         "applied_at) VALUES (?, ?, ?, " + big + ", " + big + ", " + ts + ", ?, " + ts + ")";
}

}  // namespace icesync::db
