#include "load/target_table.h"

#include <algorithm>

#include "db/table_schema.h"

namespace icesync::load {

namespace {

bool IsScd2Column(const std::string& name) { return name == kValidFrom || name == kValidTo || name == kIsCurrent; }

// The target's catalog columns, nullability included; empty when the table does not exist.
Result<std::vector<db::TextRow>> CatalogColumns(const db::Connection& conn, const db::TableName& name) {
  const db::CatalogQuery q = conn.dialect().ColumnsQuery(name);
  return conn.QueryText(q.sql, q.params);
}

Result<std::vector<std::string>> PrimaryKey(const db::Connection& conn, const db::TableName& name) {
  const db::CatalogQuery q = conn.dialect().PrimaryKeyQuery(name);
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, conn.QueryText(q.sql, q.params));
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (!r.empty() && r[0]) out.push_back(*r[0]);
  }
  return out;
}

Result<std::vector<Field>> KeyFields(const Schema& schema, const std::vector<std::string>& names, const std::string& what) {
  std::vector<Field> out;
  for (const std::string& n : names) {
    const auto index = schema.FindTopLevelIndex(n);
    if (!index) {
      return InvalidArgument("key column '{}' ({}) is not a column of the Iceberg table; pass --key with its columns",
                             n, what);
    }
    out.push_back(schema.field(*index));
  }
  return out;
}

}  // namespace

std::string CreateTargetSql(const db::Dialect& d, const db::TableName& name, const Schema& schema,
                            const std::vector<Field>& key_fields, Strategy strategy) {
  std::vector<Field> fields = schema.fields();
  std::vector<int> pk;
  for (const Field& k : key_fields) pk.push_back(k.id);
  for (Field& f : fields) {
    // Key columns are NOT NULL (a primary key); others nullable whatever Iceberg says, so a
    // later snapshot that relaxes a column still loads.
    f.required = std::find(pk.begin(), pk.end(), f.id) != pk.end();
  }
  if (strategy == Strategy::kScd2) {
    int next = 0;
    for (const Field& f : fields) next = std::max(next, f.id);
    fields.push_back(Field{++next, kValidFrom, DataType::TimestampTz(), true});
    fields.push_back(Field{++next, kValidTo, DataType::TimestampTz(), false});
    fields.push_back(Field{++next, kIsCurrent, DataType::Boolean(), true});
    if (!pk.empty()) pk.push_back(next - 2);  // one version per key and start time
  }
  if (strategy == Strategy::kAppend) pk.clear();  // an append log may repeat keys
  return d.CreateTable(name, Schema(fields, 0, pk), /*all_nullable=*/false);
}

Result<TargetTable> PrepareTarget(db::Connection& conn, const Schema& schema, const ImportOptions& options) {
  TargetTable t;
  ASSIGN_OR_RETURN(t.name, db::ParseTableName(options.table));
  for (const Field& f : schema.fields()) {
    if (f.type.is_nested()) {
      return Unsupported("column '{}' of {} is a {}: nested types cannot load into a relational table", f.name,
                         options.from, f.type.ToString());
    }
    if (options.strategy == Strategy::kScd2 && IsScd2Column(f.name)) {
      return InvalidArgument("column '{}' of {} collides with the scd2 bookkeeping columns {}, {}, {}; rename it in "
                             "Iceberg or use another strategy", f.name, options.from, kValidFrom, kValidTo, kIsCurrent);
    }
    t.columns.push_back(f.name);
  }

  // The key: --key, else the Iceberg identifier fields, else (below) the target's primary key.
  if (!options.key.empty()) {
    ASSIGN_OR_RETURN(t.key_fields, KeyFields(schema, options.key, "--key"));
  } else {
    for (int id : schema.identifier_field_ids()) {
      if (const Field* f = schema.FindFieldById(id)) t.key_fields.push_back(*f);
    }
  }

  ASSIGN_OR_RETURN(std::vector<db::TextRow> catalog, CatalogColumns(conn, t.name));
  if (catalog.empty()) {
    if (!options.create) {
      return NotFound("target table {} does not exist in {}; create it or pass --create", t.name.ToString(),
                      conn.redacted());
    }
    const bool keyed = options.strategy == Strategy::kUpsert || options.strategy == Strategy::kScd2;
    if (keyed && t.key_fields.empty()) {
      return InvalidArgument("{} has no identifier fields: pass --key COL[,COL...] for --strategy {}", options.from,
                             StrategyName(options.strategy));
    }
    RETURN_IF_ERROR(conn.Execute(CreateTargetSql(conn.dialect(), t.name, schema, t.key_fields, options.strategy))
                        .WithContext("creating the target table " + t.name.ToString()));
    t.created = true;
    return t;
  }

  // The target's columns must hold every Iceberg column; extra target columns must accept NULL.
  std::vector<std::string> target_columns;
  for (const db::TextRow& r : catalog) {
    if (r.empty() || !r[0]) continue;
    target_columns.push_back(*r[0]);
  }
  for (const std::string& c : t.columns) {
    if (std::find(target_columns.begin(), target_columns.end(), c) == target_columns.end()) {
      return InvalidArgument("target table {} has no column '{}' (a column of {}); add it to the table or recreate "
                             "the table with --create", t.name.ToString(), c, options.from);
    }
  }
  for (const db::TextRow& r : catalog) {
    if (r.size() < 7 || !r[0]) continue;
    const std::string& c = *r[0];
    const bool known = std::find(t.columns.begin(), t.columns.end(), c) != t.columns.end();
    if (options.strategy == Strategy::kScd2 && IsScd2Column(c)) continue;
    if (!known && r[6].value_or("YES") == "NO") {
      return InvalidArgument("target column {}.{} is NOT NULL but {} has no such column; make it nullable (or give "
                             "it a default) or drop it", t.name.ToString(), c, options.from);
    }
  }
  if (options.strategy == Strategy::kScd2) {
    for (const char* c : {kValidFrom, kValidTo, kIsCurrent}) {
      if (std::find(target_columns.begin(), target_columns.end(), c) == target_columns.end()) {
        return InvalidArgument("target table {} has no column '{}' that --strategy scd2 needs ({} timestamp, {} "
                               "timestamp NULL, {} boolean); add them or create the table with --create",
                               t.name.ToString(), c, kValidFrom, kValidTo, kIsCurrent);
      }
    }
  }
  if (t.key_fields.empty() && options.key.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> pk, PrimaryKey(conn, t.name));
    if (options.strategy == Strategy::kScd2) {
      pk.erase(std::remove(pk.begin(), pk.end(), std::string(kValidFrom)), pk.end());
    }
    ASSIGN_OR_RETURN(t.key_fields, KeyFields(schema, pk, "the primary key of " + t.name.ToString()));
  }
  return t;
}

}  // namespace icesync::load
