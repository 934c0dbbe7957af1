#pragma once
// SQLite: "double quote" quoting, pragma_table_info catalog (declared types; see
// type_mapping.cc for the affinity rules), TEMPORARY staging tables, UPDATE … FROM (3.33+).
// Dates and times are stored as ISO-8601 text.
#include "db/dialect.h"

namespace icesync::db {

class SqliteDialect final : public Dialect {
 public:
  DialectKind kind() const override { return DialectKind::kSqlite; }
  std::string QuoteIdentifier(std::string_view id) const override;
  CatalogQuery ColumnsQuery(const TableName& t) const override;
  CatalogQuery PrimaryKeyQuery(const TableName& t) const override;
  std::string ColumnType(const DataType& type) const override;
  std::string DeleteFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& keys) const override;
  bool temporal_as_text() const override { return true; }
  bool floats_as_text() const override { return true; }
  bool binary_parameter_arrays() const override { return false; }
  bool parameters_defeat_streaming() const override { return true; }
  std::string SelectExpression(const SelectColumn& c) const override;
  // SQLite stores a parameter as given: a CAST would apply the type's affinity (a timestamp
  // cast to NUMERIC becomes its year).
  std::string TypedParameter(const DataType&) const override { return "?"; }
  CatalogQuery TablesLikeQuery(const std::string& schema, const std::string& prefix) const override;
};

}  // namespace icesync::db
