#pragma once
// The SQL ("JDBC") catalog: tables registered as rows of a relational database, in the schema
// Java Iceberg's JdbcCatalog and PyIceberg's SqlCatalog share, so a table icesync commits is
// one those engines open and commit to as well (and the reverse):
//
//   iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
//                   previous_metadata_location)              -- one row per table
//   iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
//
// Namespaces are stored dotted ("a.b"). Both tables are created when missing (CREATE TABLE IF
// NOT EXISTS, as both engines do on startup), with the columns of Java's schema V0, which is
// PyIceberg's schema: Java's V1 adds `iceberg_type` (TABLE or VIEW) and, since Iceberg 1.5.1,
// reads a NULL there as TABLE, while PyIceberg neither creates nor writes it. So icesync never
// creates or writes that column: its rows (iceberg_type NULL, when the column exists) are
// tables to every reader. In a database Java has moved to V1, icesync reads and updates only
// rows that are tables by Java's own condition (iceberg_type = 'TABLE' OR IS NULL), never views.
//
// A table's files live under its location (<warehouse>/<ns...>/<name> by default, Java's
// layout; PyIceberg's default is <warehouse>/<ns>.db/<name>, but any location a row names is
// read) and are read and written through io::FileIO. Metadata files are
// <location>/metadata/<NNNNN>-<uuid>.metadata.json, NNNNN the version (00000 for a new table),
// as both engines name them.
//
// Commit protocol (iceberg::Catalog's contract): read the row's metadata_location, build the
// next metadata from that version, write it to a new file, then
//   UPDATE iceberg_tables SET metadata_location = new, previous_metadata_location = base
//   WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = base
// in autocommit. That one conditional UPDATE is the atomic step: 0 rows means another writer
// made a different version current since the read, so the file just written is deleted and
// the attempt is retried on the new version (iceberg::RetryCommit).
//
// The connection is one ODBC connection (SQLite or PostgreSQL) guarded by a mutex: a catalog
// may be shared by threads. Messages show the connection only redacted (a sqlite: URL as typed).
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "iceberg/catalog.h"

namespace icesync::catalog {

class SqlCatalog : public iceberg::Catalog {
 public:
  // `connection`: what db::Connection::Open accepts (sqlite:///path.db, postgresql://...,
  // an ODBC string). `warehouse`: a local directory or an s3:// prefix under which new
  // tables get their default location. Creates the catalog tables when missing.
  static Result<std::shared_ptr<SqlCatalog>> Open(std::string catalog_name, std::string connection,
                                                  std::string warehouse);

  std::string Describe() const override;
  Result<std::string> DefaultLocation(const iceberg::TableIdentifier& id) const override;
  Result<iceberg::Table> LoadTable(const iceberg::TableIdentifier& id) const override;
  Result<bool> TableExists(const iceberg::TableIdentifier& id) const override;
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const std::vector<std::string>& ns) const override;
  // Also records the namespace (property exists=true, as PyIceberg's create_namespace does)
  // when the catalog has no row for it, so PyIceberg, which requires the namespace to exist,
  // lists and opens the table.
  Result<iceberg::Table> CreateTable(const iceberg::TableIdentifier& id, iceberg::TableMetadata metadata) override;
  Result<iceberg::Table> CommitTable(const iceberg::TableIdentifier& id, const iceberg::MetadataUpdate& update,
                                     const iceberg::CommitOptions& options = {}) override;
  // Deletes the row; with purge then every file under the table's location.
  Status DropTable(const iceberg::TableIdentifier& id, bool purge = false) override;

  const std::string& catalog_name() const { return name_; }
  const std::string& warehouse() const { return warehouse_; }

 private:
  SqlCatalog(std::string name, std::string warehouse, std::string shown_connection,
             std::unique_ptr<db::Connection> conn);

  Status CreateCatalogTables();
  Status EnsureNamespace(const std::string& ns);
  // The row's metadata_location; nullopt when the catalog has no such table.
  Result<std::optional<std::string>> CurrentMetadataLocation(const iceberg::TableIdentifier& id) const;
  // Reads one metadata file of `id` (its current version or one being committed).
  Result<iceberg::Table> ReadVersion(const iceberg::TableIdentifier& id, const std::string& metadata_location) const;
  // Writes `metadata` as version `version` under its location; returns the file's location.
  Result<std::string> WriteVersion(const iceberg::TableMetadata& metadata, int version) const;
  // "SQL catalog 'name' table ns.t", for messages.
  std::string TableForMessages(const iceberg::TableIdentifier& id) const;

  // Bound-parameter statements on the one connection, serialized.
  Result<std::vector<db::TextRow>> Query(const std::string& sql, const std::vector<std::string>& params) const;
  Result<int64_t> Update(const std::string& sql, const std::vector<std::string>& params) const;
  std::string Quote(std::string_view id) const { return conn_->dialect().QuoteIdentifier(id); }
  // "catalog_name = ? AND table_namespace = ? AND table_name = ?" plus the type filter.
  std::string TableKeyWhere() const;

  std::string name_;
  std::string warehouse_;  // no trailing '/'; a local warehouse is absolute
  std::string shown_connection_;  // the connection as Describe() shows it: never a password
  std::unique_ptr<db::Connection> conn_;
  // " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" when the database has Java's V1
  // column (Java V1's own condition), so views registered there are never taken for tables.
  std::string type_filter_;
  mutable std::mutex mu_;  // guards conn_: an ODBC connection runs one statement at a time
};

// The version of a metadata file named <NNNNN>-<anything>.metadata.json, by Java's and
// PyIceberg's rule (the digits before the first '-' of the file name); -1 for any other name,
// after which the next commit writes version 0, as they do.
int SqlCatalogMetadataVersion(std::string_view metadata_location);

}  // namespace icesync::catalog
