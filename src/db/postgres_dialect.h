#pragma once
// PostgreSQL: "double quote" quoting, information_schema catalog, TEMPORARY staging tables,
// UPDATE … FROM and DELETE … USING. Sessions run in UTC so timestamptz values arrive as UTC.
#include "db/dialect.h"

namespace icesync::db {

class PostgresDialect final : public Dialect {
 public:
  DialectKind kind() const override { return DialectKind::kPostgres; }
  std::string QuoteIdentifier(std::string_view id) const override;
  std::vector<std::string> SessionSetup() const override { return {"SET TIME ZONE 'UTC'"}; }
  CatalogQuery ColumnsQuery(const TableName& t) const override;
  CatalogQuery PrimaryKeyQuery(const TableName& t) const override;
  std::string ColumnType(const DataType& type) const override;
  std::string Insert(const TableName& t, const Schema& schema) const override;
  std::string DeleteFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& keys) const override;
};

// "double quote" quoting shared by PostgreSQL and SQLite.
std::string QuoteWithDoubleQuotes(std::string_view id);

}  // namespace icesync::db
