#include "sync/iceberg_target.h"

#include "iceberg/filesystem_catalog.h"
#include "sync/data_file_stage.h"

namespace icesync::sync {

Result<IcebergTarget> OpenIcebergTarget(const std::shared_ptr<iceberg::Catalog>& catalog_or_null,
                                        const std::string& warehouse, const iceberg::TableIdentifier& id) {
  const std::shared_ptr<iceberg::Catalog> catalog = iceberg::CatalogOrWarehouse(catalog_or_null, warehouse);
  IcebergTarget t;
  t.ref = iceberg::TableRef(catalog, id);
  ASSIGN_OR_RETURN(bool exists, catalog->TableExists(id));
  if (exists) {
    ASSIGN_OR_RETURN(t.base, catalog->LoadTable(id));
    t.table_dir = t.base->table_dir;
  } else {
    ASSIGN_OR_RETURN(t.table_dir, catalog->DefaultLocation(id));
  }
  RETURN_IF_ERROR(CheckWritable(t.table_dir));
  return t;
}

}  // namespace icesync::sync
