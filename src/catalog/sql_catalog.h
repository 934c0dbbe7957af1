#pragma once
// Placeholder until the SQL catalog lands (branch sqlcat).
#include <memory>
#include <string>

#include "iceberg/catalog.h"

namespace icesync::catalog {
class SqlCatalog : public iceberg::Catalog {
 public:
  static Result<std::shared_ptr<SqlCatalog>> Open(std::string catalog_name, std::string connection, std::string warehouse);
};
}  // namespace icesync::catalog
