#pragma once
// Schema discovery: a table's columns, types, nullability and primary key, read through the
// dialect's catalog queries and mapped to a core Schema (field ids 1..n in column order,
// identifier_field_ids = the primary key, composite keys in key order).
#include <memory>
#include <string>
#include <vector>

#include "core/schema.h"
#include "db/connection.h"
#include "db/table_name.h"
#include "db/type_mapping.h"

namespace icesync::db {

struct SourceTable {
  TableName name;
  std::shared_ptr<const Schema> schema;
  std::vector<SourceColumn> columns;     // as the catalog reports them, in schema order
  std::vector<ColumnMapping> mappings;   // one per column
  std::vector<std::string> key_columns;  // primary key, in key order (may be empty)
  std::vector<int> field_ids;            // schema field id per column (1..n on discovery)
  TypeMappingOptions options;
};

// Discovers "table" or "schema.table". Errors: NotFound naming the table when it does not
// exist (or is invisible to the user), Unsupported naming the column for unmappable types.
Result<SourceTable> DiscoverTable(const Connection& conn, const std::string& table,
                                  const TypeMappingOptions& options = {});
Result<SourceTable> DiscoverTable(const Connection& conn, const TableName& table,
                                  const TypeMappingOptions& options = {});

// Narrows a discovered table to `columns` (in that order); NotFound names a missing column
// and lists the table's columns. Keys not selected are dropped from identifier fields.
Result<SourceTable> SelectColumns(const SourceTable& table, const std::vector<std::string>& columns);

}  // namespace icesync::db
