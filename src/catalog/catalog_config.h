#pragma once
// Which catalog a command works with, as PyIceberg users configure it:
//
//   --catalog filesystem            the warehouse directory (or s3:// prefix) is the catalog;
//                                   the default when --catalog is not given
//   --catalog sql:<connection>      the JDBC/PyIceberg SQL catalog in a database we reach
//                                   (sqlite:///cat.db, postgresql://user@host/db, an ODBC string);
//                                   catalog name "default"
//   --catalog rest:<url>            an Iceberg REST catalog (credentials from the environment:
//                                   ICESYNC_REST_CREDENTIAL=client_id:secret or ICESYNC_REST_TOKEN)
//   --catalog <name>                an entry of ~/.icesync.yaml (or $ICESYNC_CONFIG):
//
//     catalog:
//       prod:
//         type: sql                 # sql | rest | filesystem
//         uri: postgresql://etl@db1/lake?password_env=CATALOG_PW
//         warehouse: s3://lake/wh
//       polaris:
//         type: rest
//         uri: https://polaris.example.com/api/catalog
//         warehouse: analytics
//         credential: ${POLARIS_CLIENT_ID}:${POLARIS_SECRET}
//
// Values may use ${ENV}; secrets belong in the environment, never in messages (Describe()).
// --warehouse overrides the entry's warehouse.
#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "iceberg/catalog.h"

namespace icesync::catalog {

struct CatalogConfig {
  std::string name = "default";  // the SQL catalog's catalog_name; the ~/.icesync.yaml key
  std::string type = "filesystem";
  std::string uri;
  std::string warehouse;
  std::string credential;  // REST OAuth2 client_id:client_secret
  std::string token;       // REST bearer token
  std::string scope;       // REST OAuth2 scope (default "catalog")
};

// Resolves a --catalog value (see above) and --warehouse into a configuration. An unknown name
// lists the names that ~/.icesync.yaml defines.
Result<CatalogConfig> ResolveCatalogConfig(const std::string& spec, const std::string& warehouse);

// Opens the catalog. The filesystem catalog needs a warehouse; SQL needs a warehouse for new
// tables' files; REST's warehouse is whatever the server calls one (optional).
Result<std::shared_ptr<iceberg::Catalog>> OpenCatalog(const CatalogConfig& config);

// Both steps; for "" or "filesystem" it returns null, which every job reads as "the filesystem
// catalog at the warehouse" (iceberg::CatalogOrWarehouse).
Result<std::shared_ptr<iceberg::Catalog>> OpenCatalogFlag(const std::string& spec, const std::string& warehouse);

}  // namespace icesync::catalog
