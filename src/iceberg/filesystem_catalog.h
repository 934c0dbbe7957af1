#pragma once
// The filesystem ("Hadoop") catalog: a warehouse directory holding
//   <warehouse>/<ns...>/<table>/metadata/vN.metadata.json, version-hint.text
//   <warehouse>/<ns...>/<table>/data/...
// the layout Iceberg's HadoopCatalog, Spark, DuckDB and icebird read.
//
// Commit protocol (CommitTable): the new metadata is written in full to a temporary file in
// metadata/, fsynced, then hard-linked to metadata/v(N+1).metadata.json. link() fails with
// EEXIST when another writer already took N+1, so a version file appears only complete and is
// never overwritten. The loser re-reads the newest metadata, re-applies its update (which
// re-validates what it requires) and retries with jittered exponential backoff, giving up with
// a Conflict error after CommitOptions::max_attempts. version-hint.text is replaced afterwards
// via temp file + rename; it may lag (crash in between, or a slower winner), so loading probes
// for higher versions than the hint says.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "iceberg/catalog.h"

namespace icesync::iceberg {

// Loads the newest version of the table rooted at `table_dir`: version-hint.text (or .txt)
// holding N or a metadata file name, then probing for higher vN; without a hint the highest
// vN.metadata.json or NNNNN-<uuid>.metadata.json, or a sole *.metadata.json. NotFound when the
// directory has no metadata; Corrupt (naming the file) when the metadata is invalid.
Result<Table> LoadTableDir(const std::string& table_dir);
// Loads one specific metadata file; the table directory is its metadata/ directory's parent.
Result<Table> LoadMetadataFile(const std::string& metadata_path);
// Resolves a command-line table argument: "ns.table" in `catalog` when one is given, else in the
// filesystem catalog at `warehouse`; or a table root (a directory or s3:// prefix) or a metadata
// file (an existing path is accepted with a warehouse or catalog too).
Result<Table> LoadTableArgument(const std::string& warehouse, const std::string& table_arg,
                                const Catalog* catalog = nullptr);

// Commits an update to the table at `table_dir` (see the protocol above). The update's result
// gets last-updated-ms and a metadata-log entry for the base file filled in here. Returns the
// newly committed version. Tables whose metadata files are not named vN.metadata.json are
// Unsupported for commits.
Result<Table> CommitTable(const std::string& table_dir, const MetadataUpdate& update,
                          const CommitOptions& options = {});

// Sets and removes table properties in one commit (no new snapshot).
Result<Table> UpdateTableProperties(const std::string& table_dir, const std::map<std::string, std::string>& set,
                                    const std::vector<std::string>& remove = {}, const CommitOptions& options = {});

// Publishes `metadata` as metadata/v1.metadata.json of a new table at `table_dir` (whose
// metadata/ directory must exist), with the same no-overwrite protocol as CommitTable: a
// table that already has v1 gives AlreadyExists. The metadata may already hold a snapshot,
// so a table and its first data appear in one step.
Result<Table> CreateTableWithMetadata(const std::string& table_dir, TableMetadata metadata);

// The filesystem catalog (see the top of this file) as an iceberg::Catalog. On object storage
// (an s3:// warehouse) it commits only where the store refuses a second create of a key.
class FilesystemCatalog;

// `catalog`, or when it is null the filesystem catalog rooted at `warehouse`: what a job uses
// when no --catalog was given.
std::shared_ptr<Catalog> CatalogOrWarehouse(std::shared_ptr<Catalog> catalog, const std::string& warehouse);

class FilesystemCatalog : public Catalog {
 public:
  explicit FilesystemCatalog(std::string warehouse);

  const std::string& warehouse() const { return warehouse_; }
  std::string TableDir(const TableIdentifier& id) const;

  std::string Describe() const override;
  Result<std::string> DefaultLocation(const TableIdentifier& id) const override { return TableDir(id); }
  // Creates metadata/v1.metadata.json for an empty table; AlreadyExists if the table exists.
  Result<Table> CreateTable(const TableIdentifier& id, const Schema& schema, const PartitionSpec& spec,
                            const std::map<std::string, std::string>& properties = {});
  // metadata.location must be TableDir(id).
  Result<Table> CreateTable(const TableIdentifier& id, TableMetadata metadata) override;
  Result<Table> LoadTable(const TableIdentifier& id) const override;
  Result<bool> TableExists(const TableIdentifier& id) const override;
  // Tables directly in a namespace (directories holding metadata/), sorted by name.
  Result<std::vector<TableIdentifier>> ListTables(const std::vector<std::string>& ns) const override;
  // Removes the metadata directory (and with purge the whole table directory, data included).
  Status DropTable(const TableIdentifier& id, bool purge = false) override;
  Result<Table> CommitTable(const TableIdentifier& id, const MetadataUpdate& update,
                            const CommitOptions& options = {}) override {
    return iceberg::CommitTable(TableDir(id), update, options);
  }

 private:
  std::string warehouse_;
};

}  // namespace icesync::iceberg
