// Placeholder until the SQL and REST catalogs land.
#include "catalog/rest_catalog.h"
#include "catalog/sql_catalog.h"

namespace icesync::catalog {
Result<std::shared_ptr<SqlCatalog>> SqlCatalog::Open(std::string, std::string, std::string) {
  return Unsupported("the SQL catalog is not in this build");
}
Result<std::shared_ptr<RestCatalog>> RestCatalog::Open(RestCatalogOptions) {
  return Unsupported("the REST catalog is not in this build");
}
}  // namespace icesync::catalog
