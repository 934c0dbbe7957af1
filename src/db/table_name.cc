#include "db/table_name.h"

#include <vector>

namespace icesync::db {

Result<TableName> ParseTableName(const std::string& text) {
  std::vector<std::string> parts(1);
  size_t i = 0;
  bool part_started = false;
  while (i < text.size()) {
    char c = text[i];
    char close = c == '"' ? '"' : c == '[' ? ']' : c == '`' ? '`' : 0;
    if (close != 0 && !part_started) {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == close) {
          if (i + 1 < text.size() && text[i + 1] == close) {  // doubled quote = literal quote
            parts.back().push_back(close);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        parts.back().push_back(text[i++]);
      }
      if (!closed) return InvalidArgument("table name {} has an unterminated quote", text);
      part_started = true;
      if (i < text.size() && text[i] != '.') {
        return InvalidArgument("table name {}: expected '.' after a quoted part", text);
      }
      continue;
    }
    if (c == '.') {
      parts.emplace_back();
      part_started = false;
      ++i;
      continue;
    }
    parts.back().push_back(c);
    part_started = true;
    ++i;
  }
  for (const auto& p : parts) {
    if (p.empty()) return InvalidArgument("table name '{}' has an empty part; write table or schema.table", text);
  }
  if (parts.size() == 1) return TableName{"", parts[0]};
  if (parts.size() == 2) return TableName{parts[0], parts[1]};
  return InvalidArgument(
      "table name '{}' has {} parts; write table or schema.table and put the database in the "
      "connection string (Database=...)",
      text, parts.size());
}

}  // namespace icesync::db
