#pragma once
// A table reference as users write it: "table", "schema.table", with either part quoted
// ("my schema"."my.table", [dbo].[Order Details], `t`) so that names may hold dots.
#include <string>

#include "core/status.h"

namespace icesync::db {

struct TableName {
  std::string schema;  // empty: the connection's default schema
  std::string name;

  // "schema.table" for messages (unquoted).
  std::string ToString() const { return schema.empty() ? name : schema + "." + name; }
};

Result<TableName> ParseTableName(const std::string& text);

}  // namespace icesync::db
