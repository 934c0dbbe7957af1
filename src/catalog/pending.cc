// Placeholder until the SQL catalog lands.
#include "catalog/sql_catalog.h"

namespace icesync::catalog {
Result<std::shared_ptr<SqlCatalog>> SqlCatalog::Open(std::string, std::string, std::string) {
  return Unsupported("the SQL catalog is not in this build");
}
}  // namespace icesync::catalog
