#pragma once
// The Iceberg table an export or a sync writes into, opened the same way by both: through the
// job's catalog (or the filesystem catalog at the warehouse), with the current version when
// the table exists and otherwise the location its files will go to, checked for writability
// before the job touches its source (a warehouse that cannot be written fails fast).
#include <memory>
#include <optional>
#include <string>

#include "iceberg/catalog.h"
#include "iceberg/table_ref.h"

namespace icesync::sync {

struct IcebergTarget {
  iceberg::TableRef ref{std::string()};  // what the job commits through
  std::optional<iceberg::Table> base;     // the current version; none for a new table
  std::string table_dir;                  // the table's root (its files go under data/)
};

// `catalog` null: the filesystem catalog at `warehouse`.
Result<IcebergTarget> OpenIcebergTarget(const std::shared_ptr<iceberg::Catalog>& catalog, const std::string& warehouse,
                                        const iceberg::TableIdentifier& id);

}  // namespace icesync::sync
