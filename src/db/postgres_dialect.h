#pragma once
// PostgreSQL: "double quote" quoting, information_schema catalog, TEMPORARY staging tables,
// UPDATE … FROM and DELETE … USING. Sessions run in UTC with ISO DateStyle so timestamptz
// values arrive as UTC and dates/timestamps as the ISO text the extractor parses.
#include "db/dialect.h"

namespace icesync::db {

class PostgresDialect final : public Dialect {
 public:
  DialectKind kind() const override { return DialectKind::kPostgres; }
  std::string QuoteIdentifier(std::string_view id) const override;
  std::vector<std::string> SessionSetup() const override { return {"SET TIME ZONE 'UTC'", "SET DateStyle TO ISO"}; }
  // Dates and timestamps are selected as ::text: psqlODBC would otherwise sscanf them into
  // structs (and, bound as SQL_C_CHAR, print them back), which costs more than our parser.
  bool reads_temporal_as_text() const override { return true; }
  std::string SelectExpression(const SelectColumn& c) const override;
  std::string LockImportTarget(const TableName& state) const override;
  CatalogQuery ColumnsQuery(const TableName& t) const override;
  CatalogQuery PrimaryKeyQuery(const TableName& t) const override;
  std::string ColumnType(const DataType& type) const override;
  std::string Insert(const TableName& t, const Schema& schema) const override;
  std::string DeleteFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& keys) const override;
  // UNLOGGED: staging rows are rebuilt on every run, so writing them to the WAL buys nothing.
  std::string CreateImportStaging(const TableName& staging, const Schema& schema) const override;
  CatalogQuery TablesLikeQuery(const std::string& schema, const std::string& prefix) const override;
  std::string AnalyzeTable(const TableName& t) const override { return "ANALYZE " + QualifiedName(t); }
};

// "double quote" quoting shared by PostgreSQL and SQLite.
std::string QuoteWithDoubleQuotes(std::string_view id);

}  // namespace icesync::db
