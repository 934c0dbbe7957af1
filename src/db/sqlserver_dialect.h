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
};

}  // namespace icesync::db
