#include "iceberg/table_ref.h"

#include "iceberg/filesystem_catalog.h"

namespace icesync::iceberg {

TableRef::TableRef(std::string table_dir) : dir_(std::move(table_dir)) {}
TableRef::TableRef(const char* table_dir) : dir_(table_dir) {}
TableRef::TableRef(std::shared_ptr<Catalog> catalog, TableIdentifier id)
    : catalog_(std::move(catalog)), id_(std::move(id)) {}

Result<Table> TableRef::Load() const { return catalog_ ? catalog_->LoadTable(id_) : LoadTableDir(dir_); }

Result<Table> TableRef::Commit(const MetadataUpdate& update, const CommitOptions& options) const {
  return catalog_ ? catalog_->CommitTable(id_, update, options) : CommitTable(dir_, update, options);
}

Result<Table> TableRef::Create(TableMetadata metadata) const {
  return catalog_ ? catalog_->CreateTable(id_, std::move(metadata)) : CreateTableWithMetadata(dir_, std::move(metadata));
}

Result<std::string> TableRef::Location() const {
  if (!catalog_) return dir_;
  return catalog_->DefaultLocation(id_);
}

std::string TableRef::ToString() const {
  return catalog_ ? id_.ToString() + " (" + catalog_->Describe() + ")" : dir_;
}

}  // namespace icesync::iceberg
