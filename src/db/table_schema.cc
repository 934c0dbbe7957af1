#include "db/table_schema.h"

#include <algorithm>
#include <cstdlib>

namespace icesync::db {
namespace {

int OptionalInt(const std::optional<std::string>& s) {
  return s ? static_cast<int>(std::strtol(s->c_str(), nullptr, 10)) : -1;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::shared_ptr<const Schema>> BuildSchema(const SourceTable& t) {
  std::vector<Field> fields;
  std::vector<int> ids;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    Field f;
    f.id = t.field_ids[i];
    f.name = t.columns[i].name;
    f.type = t.mappings[i].type;
    f.required = !t.columns[i].nullable;
    fields.push_back(std::move(f));
  }
  for (const std::string& key : t.key_columns) {
    for (const Field& f : fields) {
      if (f.name == key) ids.push_back(f.id);
    }
  }
  auto schema = std::make_shared<Schema>(std::move(fields), 0, std::move(ids));
  RETURN_IF_ERROR(schema->Validate().WithContext("table " + t.name.ToString()));
  return std::shared_ptr<const Schema>(std::move(schema));
}

}  // namespace

Result<SourceTable> DiscoverTable(const Connection& conn, const std::string& table, const TypeMappingOptions& options) {
  ASSIGN_OR_RETURN(TableName name, ParseTableName(table));
  return DiscoverTable(conn, name, options);
}

Result<SourceTable> DiscoverTable(const Connection& conn, const TableName& name, const TypeMappingOptions& options) {
  const Dialect& d = conn.dialect();
  SourceTable t;
  t.name = name;
  t.options = options;
  CatalogQuery cols = d.ColumnsQuery(name);
  ASSIGN_OR_RETURN(std::vector<TextRow> rows, conn.QueryText(cols.sql, cols.params));
  if (rows.empty()) {
    return NotFound(
        "table {} not found in the {} database ({}); check the schema and table name (names are "
        "case-sensitive where the database says so) and that the user may read it",
        name.ToString(), d.name(), conn.redacted());
  }
  for (const TextRow& r : rows) {
    SourceColumn c;
    c.name = r[0].value_or("");
    c.type_name = d.kind() == DialectKind::kSqlite ? r[1].value_or("") : Lower(r[1].value_or(""));
    c.char_length = r[2] ? std::strtoll(r[2]->c_str(), nullptr, 10) : -1;
    c.precision = OptionalInt(r[3]);
    c.scale = OptionalInt(r[4]);
    c.datetime_precision = OptionalInt(r[5]);
    c.nullable = r[6].value_or("YES") != "NO";
    auto mapping = MapSourceType(d.kind(), c, options);
    if (!mapping.ok()) return mapping.status().WithContext("table " + name.ToString());
    t.columns.push_back(std::move(c));
    t.field_ids.push_back(static_cast<int>(t.columns.size()));
    t.mappings.push_back(std::move(mapping).value());
  }
  CatalogQuery pk = d.PrimaryKeyQuery(name);
  ASSIGN_OR_RETURN(std::vector<TextRow> keys, conn.QueryText(pk.sql, pk.params));
  for (const TextRow& r : keys) {
    if (r[0]) t.key_columns.push_back(*r[0]);
  }
  ASSIGN_OR_RETURN(t.schema, BuildSchema(t));
  return t;
}

Result<SourceTable> SelectColumns(const SourceTable& table, const std::vector<std::string>& columns) {
  SourceTable out;
  out.name = table.name;
  out.options = table.options;
  for (const std::string& name : columns) {
    auto it = std::find_if(table.columns.begin(), table.columns.end(),
                           [&](const SourceColumn& c) { return c.name == name; });
    if (it == table.columns.end()) {
      std::string all;
      for (const auto& c : table.columns) all += (all.empty() ? "" : ", ") + c.name;
      return NotFound("column {} not found in table {}; its columns are: {}", name, table.name.ToString(), all);
    }
    size_t i = static_cast<size_t>(it - table.columns.begin());
    out.columns.push_back(table.columns[i]);
    out.mappings.push_back(table.mappings[i]);
    out.field_ids.push_back(table.field_ids[i]);
  }
  for (const std::string& k : table.key_columns) {
    if (std::find(columns.begin(), columns.end(), k) != columns.end()) out.key_columns.push_back(k);
  }
  ASSIGN_OR_RETURN(out.schema, BuildSchema(out));
  return out;
}

}  // namespace icesync::db
