#pragma once
// Placeholder until the REST catalog lands (branch rest).
#include <memory>
#include <string>

#include "iceberg/catalog.h"

namespace icesync::catalog {
struct RestCatalogOptions {
  std::string uri, warehouse, credential, token, scope = "catalog";
};
class RestCatalog : public iceberg::Catalog {
 public:
  static Result<std::shared_ptr<RestCatalog>> Open(RestCatalogOptions options);
};
}  // namespace icesync::catalog
