#pragma once
// T-SQL: [bracket] quoting, INFORMATION_SCHEMA catalog (types by name, never by system type
// id: compatible servers number types differently), #temp staging tables, UPDATE … FROM with
// joins.
#include "db/dialect.h"

namespace icesync::db {

class SqlServerDialect final : public Dialect {
 public:
  DialectKind kind() const override { return DialectKind::kSqlServer; }
  std::string QuoteIdentifier(std::string_view id) const override;
  CatalogQuery ColumnsQuery(const TableName& t) const override;
  CatalogQuery PrimaryKeyQuery(const TableName& t) const override;
  std::string SelectExpression(const SelectColumn& c) const override;
  std::string ColumnType(const DataType& type) const override;
  TableName StagingTableName(const std::string& base) const override { return TableName{"", "#" + base}; }
  std::string CreateStagingTable(const TableName& staging, const Schema& schema) const override;
  std::string UpdateFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& columns,
                                const std::vector<std::string>& keys) const override;
  std::string MinActiveRowversionQuery() const override {
    return "SELECT CONVERT(varchar(18), MIN_ACTIVE_ROWVERSION(), 1)";
  }
  std::string ChangeTrackingMinValidVersionQuery() const override {
    return "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(?))";
  }
  std::string ChangeTrackingCurrentVersionQuery() const override { return "SELECT CHANGE_TRACKING_CURRENT_VERSION()"; }
  std::string ChangeTrackingChanges(const TableName& t, const std::vector<std::string>& columns,
                                    const std::vector<std::string>& keys, const std::string& op_column) const override;
  std::string DeleteFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& keys) const override;
  std::string VarcharType(int length) const override { return "NVARCHAR(" + std::to_string(length) + ")"; }
  std::string BooleanLiteral(bool value) const override { return value ? "1" : "0"; }
  // A #table: BCP on the same session sees it, and it dies with the session (a killed run
  // leaves nothing behind), so there are no stale staging tables to list.
  TableName ImportStagingName(const std::string&, const std::string& base) const override {
    return TableName{"", "#" + base};
  }
  // T-SQL puts the alias after FROM: UPDATE t SET … FROM target AS t [JOIN …], DELETE t FROM ….
  std::string UpdateWhere(const TableName& target, const std::string& set, const std::string& where) const override;
  std::string UpdateJoin(const TableName& target, const TableName& staging, const std::string& set,
                         const std::vector<std::string>& keys, const std::string& where) const override;
  std::string DeleteWhere(const TableName& target, const std::string& where) const override;
};

}  // namespace icesync::db
