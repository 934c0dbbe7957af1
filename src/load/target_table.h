#pragma once
// The target table of an import: found (or created with --create from the Iceberg schema,
// docs/type-mapping.md "Iceberg to database"), its columns checked against the Iceberg
// schema, and the key resolved (--key, else the Iceberg identifier fields, else the target's
// primary key). Errors name the table, the column and the fix.
#include <memory>
#include <string>
#include <vector>

#include "db/connection.h"
#include "load/import_options.h"

namespace icesync::load {

// The SCD2 bookkeeping columns of the target.
inline constexpr const char* kValidFrom = "_valid_from";
inline constexpr const char* kValidTo = "_valid_to";
inline constexpr const char* kIsCurrent = "_is_current";

struct TargetTable {
  db::TableName name;
  std::vector<std::string> columns;  // the Iceberg columns, all present in the target
  std::vector<Field> key_fields;     // Iceberg fields of the key (empty: none)
  bool created = false;
};

// `schema`: the Iceberg schema read. Creates the table when missing and `options.create`.
Result<TargetTable> PrepareTarget(db::Connection& conn, const Schema& schema, const ImportOptions& options);

// CREATE TABLE for `schema` with the key as primary key (and SCD2's columns for scd2).
std::string CreateTargetSql(const db::Dialect& d, const db::TableName& name, const Schema& schema,
                            const std::vector<Field>& key_fields, Strategy strategy);

}  // namespace icesync::load
