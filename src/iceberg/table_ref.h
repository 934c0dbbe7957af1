#pragma once
// The table a job loads and commits to: an identifier in a catalog (filesystem, SQL, REST), or
// a bare table root (a local directory or an s3:// prefix, as `icesync scan ./t` and the tests
// name tables), loaded and committed with the filesystem protocol (filesystem_catalog.h).
// Commits go through the catalog either way, so "which catalog" is decided once, where the
// TableRef is made (the CLI's --catalog, sync.yaml's catalog:), and nowhere else.
#include <memory>
#include <string>

#include "iceberg/catalog.h"

namespace icesync::iceberg {

class TableRef {
 public:
  // A bare table root. Implicit: wherever a table directory was passed, it still names a table.
  TableRef(std::string table_dir);  // NOLINT(google-explicit-constructor)
  TableRef(const char* table_dir);  // NOLINT(google-explicit-constructor)
  TableRef(std::shared_ptr<Catalog> catalog, TableIdentifier id);

  Result<Table> Load() const;
  Result<Table> Commit(const MetadataUpdate& update, const CommitOptions& options = {}) const;
  // Publishes the first metadata of a new table (AlreadyExists if it exists).
  Result<Table> Create(TableMetadata metadata) const;
  // Where the table's files go: the root, or the catalog's location for the identifier.
  Result<std::string> Location() const;

  bool has_catalog() const { return catalog_ != nullptr; }
  const std::shared_ptr<Catalog>& catalog() const { return catalog_; }
  const TableIdentifier& id() const { return id_; }
  // For messages: "sales.orders (SQL catalog 'prod' ...)" or the table root.
  std::string ToString() const;

 private:
  std::shared_ptr<Catalog> catalog_;  // null: a bare table root
  TableIdentifier id_;
  std::string dir_;
};

}  // namespace icesync::iceberg
