#include "catalog/sql_catalog.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "iceberg/commit_retry.h"
#include "io/file_io.h"

namespace icesync::catalog {

namespace fs = std::filesystem;
using iceberg::Table;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;

namespace {

// The names both engines use; never configurable, or they would not find our rows.
constexpr const char* kTables = "iceberg_tables";
constexpr const char* kNamespaceProperties = "iceberg_namespace_properties";
// What PyIceberg's create_namespace (and Java's createNamespace) store for a namespace that
// has no other property: the row that makes it exist.
constexpr const char* kExistsKey = "exists";
constexpr const char* kExistsValue = "true";

std::string JoinNamespace(const std::vector<std::string>& ns) { return fmt::format("{}", fmt::join(ns, ".")); }

std::string TrimSlashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The location a metadata file's table lives at when its metadata names none: the parent of
// its metadata/ directory.
std::string LocationOfMetadataFile(const std::string& metadata_location) {
  std::string dir = metadata_location.substr(0, metadata_location.find_last_of('/') + 1);
  dir = TrimSlashes(dir);
  if (dir.ends_with("/metadata")) dir.resize(dir.size() - std::string_view("/metadata").size());
  return dir;
}

// Table::table_dir: the table's root is what its metadata says (where its data and next
// metadata go); metadata naming no location lives under the metadata/ directory holding it.
std::string TableDirOf(const TableMetadata& metadata, const std::string& metadata_location) {
  return metadata.location.empty() ? LocationOfMetadataFile(metadata_location)
                                   : TrimSlashes(io::StripFileScheme(metadata.location));
}

// A location whose purge would take more than one table: empty, a root ("/", "s3://bucket"),
// or the warehouse itself (metadata edited by hand can name any of them).
bool TooBroadToPurge(const std::string& location, const std::string& warehouse) {
  const std::string local = TrimSlashes(io::StripFileScheme(location));
  if (local.empty() || local == "/" || local == TrimSlashes(io::StripFileScheme(warehouse))) return true;
  const size_t scheme = local.find("://");
  return scheme != std::string::npos && local.find('/', scheme + 3) == std::string::npos;
}

}  // namespace

int SqlCatalogMetadataVersion(std::string_view metadata_location) {
  const size_t slash = metadata_location.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? metadata_location : metadata_location.substr(slash + 1);
  const size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9 || !name.ends_with(".metadata.json")) return -1;
  int v = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

SqlCatalog::SqlCatalog(std::string name, std::string warehouse, std::string shown_connection,
                       std::unique_ptr<db::Connection> conn)
    : name_(std::move(name)),
      warehouse_(std::move(warehouse)),
      shown_connection_(std::move(shown_connection)),
      conn_(std::move(conn)) {}

Result<std::shared_ptr<SqlCatalog>> SqlCatalog::Open(std::string catalog_name, std::string connection,
                                                     std::string warehouse) {
  if (catalog_name.empty()) return InvalidArgument("SQL catalog: the catalog name is empty");
  ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, db::Connection::Open(connection));
  const db::DialectKind kind = conn->dialect().kind();
  if (kind != db::DialectKind::kPostgres && kind != db::DialectKind::kSqlite) {
    return Unsupported("SQL catalog '{}' ({}): the catalog database must be SQLite or PostgreSQL, not {}",
                       catalog_name, conn->redacted(), conn->dialect().name());
  }
  if (!warehouse.empty()) {
    if (io::HasRemoteScheme(warehouse)) {
      warehouse = TrimSlashes(warehouse);
    } else {
      warehouse = TrimSlashes(fs::absolute(io::StripFileScheme(warehouse)).lexically_normal().string());
    }
  }
  // A sqlite: URL is a file name and holds no secret, so it is shown as typed. Anything else
  // may hold the password (postgresql://u:pw@..., percent-encoded or not, PWD=...): only the
  // resolved string with its password replaced is shown.
  std::string shown = connection.starts_with("sqlite:") ? connection : conn->redacted();
  std::shared_ptr<SqlCatalog> catalog(
      new SqlCatalog(std::move(catalog_name), std::move(warehouse), std::move(shown), std::move(conn)));
  RETURN_IF_ERROR(catalog->CreateCatalogTables());
  return catalog;
}

Status SqlCatalog::CreateCatalogTables() {
  // Java's V0 DDL (PyIceberg's is the same with property_value NOT NULL); see the header for
  // why iceberg_type is left out. Quoted lower-case names are the unquoted names on both DBMSs.
  const std::string tables = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} ({} VARCHAR(255) NOT NULL, {} VARCHAR(255) NOT NULL, {} VARCHAR(255) NOT NULL, "
      "{} VARCHAR(1000), {} VARCHAR(1000), PRIMARY KEY ({}, {}, {}))",
      Quote(kTables), Quote("catalog_name"), Quote("table_namespace"), Quote("table_name"),
      Quote("metadata_location"), Quote("previous_metadata_location"), Quote("catalog_name"),
      Quote("table_namespace"), Quote("table_name"));
  const std::string namespaces = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} ({} VARCHAR(255) NOT NULL, {} VARCHAR(255) NOT NULL, {} VARCHAR(255) NOT NULL, "
      "{} VARCHAR(1000), PRIMARY KEY ({}, {}, {}))",
      Quote(kNamespaceProperties), Quote("catalog_name"), Quote("namespace"), Quote("property_key"),
      Quote("property_value"), Quote("catalog_name"), Quote("namespace"), Quote("property_key"));
  for (const std::string& ddl : {tables, namespaces}) {
    // Two processes starting together may both pass IF NOT EXISTS on PostgreSQL and one then
    // fails on the catalog's unique index; the second try sees the table.
    Result<int64_t> r = Update(ddl, {});
    if (!r.ok()) r = Update(ddl, {});
    RETURN_IF_ERROR(r.status().WithContext(fmt::format("{}: creating the catalog tables", Describe())));
  }
  // A database set up by Java's schema V1 has iceberg_type (TABLE, VIEW, or NULL for rows
  // written by V0 clients, PyIceberg and icesync): views are then none of our business.
  // Asked of the DBMS's catalog, not by selecting the column: SQLite takes a double-quoted
  // name that is no column for a string literal, so that SELECT would always succeed.
  const db::CatalogQuery columns = conn_->dialect().ColumnsQuery(db::TableName{"", kTables});
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, Query(columns.sql, columns.params));
  for (const db::TextRow& row : rows) {
    if (!row.empty() && row[0] && *row[0] == "iceberg_type") {
      type_filter_ = fmt::format(" AND ({0} = 'TABLE' OR {0} IS NULL)", Quote("iceberg_type"));
    }
  }
  return Status::OK();
}

std::string SqlCatalog::Describe() const {
  return fmt::format("SQL catalog '{}' ({})", name_, shown_connection_);
}

std::string SqlCatalog::TableForMessages(const TableIdentifier& id) const {
  return fmt::format("table {} in SQL catalog '{}'", id.ToString(), name_);
}

Result<std::vector<db::TextRow>> SqlCatalog::Query(const std::string& sql, const std::vector<std::string>& params) const {
  std::lock_guard<std::mutex> lock(mu_);
  return conn_->QueryText(sql, params);
}

Result<int64_t> SqlCatalog::Update(const std::string& sql, const std::vector<std::string>& params) const {
  std::lock_guard<std::mutex> lock(mu_);
  return conn_->ExecuteCount(sql, params);
}

std::string SqlCatalog::TableKeyWhere() const {
  return fmt::format("{} = ? AND {} = ? AND {} = ?{}", Quote("catalog_name"), Quote("table_namespace"),
                     Quote("table_name"), type_filter_);
}

Result<std::string> SqlCatalog::DefaultLocation(const TableIdentifier& id) const {
  if (warehouse_.empty()) {
    return InvalidArgument("{} has no warehouse: give one, or create {} with an explicit location", Describe(),
                           id.ToString());
  }
  std::string location = warehouse_;
  for (const std::string& part : id.ns) location = io::JoinLocation(location, part);
  return io::JoinLocation(location, id.name);
}

Result<std::optional<std::string>> SqlCatalog::CurrentMetadataLocation(const TableIdentifier& id) const {
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                   Query(fmt::format("SELECT {} FROM {} WHERE {}", Quote("metadata_location"), Quote(kTables),
                                     TableKeyWhere()),
                         {name_, JoinNamespace(id.ns), id.name}));
  if (rows.empty()) return std::optional<std::string>();
  if (rows[0].empty() || !rows[0][0] || rows[0][0]->empty()) {
    return Corrupt("{}: its catalog row has no metadata_location", TableForMessages(id));
  }
  return std::optional<std::string>(*rows[0][0]);
}

Result<Table> SqlCatalog::ReadVersion(const TableIdentifier& id, const std::string& metadata_location) const {
  Result<std::string> text = io::ReadFileAt(metadata_location);
  if (!text.ok()) return text.status().WithContext(TableForMessages(id));
  ASSIGN_OR_RETURN(TableMetadata metadata, iceberg::ParseTableMetadata(*text, metadata_location));
  Table t;
  t.table_dir = TableDirOf(metadata, metadata_location);
  t.metadata_path = metadata_location;
  t.version = SqlCatalogMetadataVersion(metadata_location);
  t.metadata = std::move(metadata);
  return t;
}

Result<std::string> SqlCatalog::WriteVersion(const TableMetadata& metadata, int version) const {
  if (metadata.location.empty()) return InvalidArgument("{}: the table metadata has no location", Describe());
  const std::string location = TrimSlashes(metadata.location);
  const std::string path =
      io::JoinLocation(location, fmt::format("metadata/{:05d}-{}.metadata.json", version, iceberg::NewUuid()));
  // A fresh uuid per attempt: this name is ours alone, and WriteNew never replaces a file.
  RETURN_IF_ERROR(io::WriteNewAt(path, iceberg::SerializeTableMetadata(metadata)));
  return path;
}

Result<Table> SqlCatalog::LoadTable(const TableIdentifier& id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> location, CurrentMetadataLocation(id));
  if (!location) return NotFound("{} does not exist", TableForMessages(id));
  return ReadVersion(id, *location);
}

Result<bool> SqlCatalog::TableExists(const TableIdentifier& id) const {
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                   Query(fmt::format("SELECT 1 FROM {} WHERE {}", Quote(kTables), TableKeyWhere()),
                         {name_, JoinNamespace(id.ns), id.name}));
  return !rows.empty();
}

Result<std::vector<TableIdentifier>> SqlCatalog::ListTables(const std::vector<std::string>& ns) const {
  if (ns.empty()) return InvalidArgument("{}: list tables of which namespace?", Describe());
  const std::string ns_text = JoinNamespace(ns);
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                   Query(fmt::format("SELECT {} FROM {} WHERE {} = ? AND {} = ?{}", Quote("table_name"),
                                     Quote(kTables), Quote("catalog_name"), Quote("table_namespace"), type_filter_),
                         {name_, ns_text}));
  std::vector<TableIdentifier> out;
  for (const db::TextRow& row : rows) {
    if (!row.empty() && row[0]) out.push_back(TableIdentifier{ns, *row[0]});
  }
  if (out.empty()) {
    // An empty namespace, or no namespace at all? PyIceberg's rule (namespace_exists): one
    // exists while a property row names it or a namespace below it, or a table lies below it.
    std::string like;  // "<ns>.%" with LIKE's wildcards in the name escaped by '!'
    for (char c : ns_text) {
      if (c == '!' || c == '_' || c == '%') like += '!';
      like += c;
    }
    like += ".%";
    ASSIGN_OR_RETURN(
        std::vector<db::TextRow> found,
        Query(fmt::format("SELECT 1 FROM {0} WHERE {1} = ? AND ({2} = ? OR {2} LIKE ? ESCAPE '!') UNION ALL "
                          "SELECT 1 FROM {3} WHERE {1} = ? AND {4} LIKE ? ESCAPE '!'",
                          Quote(kNamespaceProperties), Quote("catalog_name"), Quote("namespace"), Quote(kTables),
                          Quote("table_namespace")),
              {name_, ns_text, like, name_, like}));
    if (found.empty()) return NotFound("namespace '{}' does not exist in {}", ns_text, Describe());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status SqlCatalog::EnsureNamespace(const std::string& ns) {
  // Only when the namespace has no property row at all: one created by PyIceberg or Java with
  // its own properties is left as it is.
  const std::string insert = fmt::format(
      "INSERT INTO {0} ({1}, {2}, {3}, {4}) SELECT ?, ?, ?, ? WHERE NOT EXISTS "
      "(SELECT 1 FROM {0} WHERE {1} = ? AND {2} = ?)",
      Quote(kNamespaceProperties), Quote("catalog_name"), Quote("namespace"), Quote("property_key"),
      Quote("property_value"));
  Result<int64_t> r = Update(insert, {name_, ns, kExistsKey, kExistsValue, name_, ns});
  if (r.ok()) return Status::OK();
  // Another writer inserted the same row between our check and insert (a primary-key
  // violation): the namespace exists, which is all we wanted.
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows,
                   Query(fmt::format("SELECT 1 FROM {} WHERE {} = ? AND {} = ?", Quote(kNamespaceProperties),
                                     Quote("catalog_name"), Quote("namespace")),
                         {name_, ns}));
  if (!rows.empty()) return Status::OK();
  return r.status().WithContext(fmt::format("{}: recording namespace '{}'", Describe(), ns));
}

Result<Table> SqlCatalog::CreateTable(const TableIdentifier& id, TableMetadata metadata) {
  if (metadata.location.empty()) {
    return InvalidArgument("creating {}: the metadata has no location (use DefaultLocation)", TableForMessages(id));
  }
  ASSIGN_OR_RETURN(bool exists, TableExists(id));
  if (exists) return AlreadyExists("{} already exists", TableForMessages(id));
  const std::string ns = JoinNamespace(id.ns);
  RETURN_IF_ERROR(EnsureNamespace(ns));
  // Version 0, as Java and PyIceberg number a new table's first file.
  ASSIGN_OR_RETURN(std::string path, WriteVersion(metadata, 0));
  // previous_metadata_location NULL: a new table has none (both engines insert NULL).
  Result<int64_t> inserted = Update(
      fmt::format("INSERT INTO {} ({}, {}, {}, {}, {}) VALUES (?, ?, ?, ?, NULL)", Quote(kTables),
                  Quote("catalog_name"), Quote("table_namespace"), Quote("table_name"), Quote("metadata_location"),
                  Quote("previous_metadata_location")),
      {name_, ns, id.name, path});
  if (!inserted.ok() || *inserted != 1) {
    // Nothing names the file: remove it, then tell a lost race (the key exists now, so the
    // insert hit the primary key) from any other failure.
    (void)io::DeleteAt(path);  // best effort: an orphan at worst
    Result<bool> now = TableExists(id);
    if (now.ok() && *now) return AlreadyExists("{} already exists", TableForMessages(id));
    if (!inserted.ok()) return inserted.status().WithContext(fmt::format("registering {}", TableForMessages(id)));
    return DatabaseError("registering {}: the INSERT stored {} rows", TableForMessages(id), *inserted);
  }
  Table t;
  t.table_dir = TableDirOf(metadata, path);
  t.metadata_path = path;
  t.version = 0;
  t.metadata = std::move(metadata);
  return t;
}

Result<Table> SqlCatalog::CommitTable(const TableIdentifier& id, const iceberg::MetadataUpdate& update,
                                      const iceberg::CommitOptions& options) {
  const std::string ns = JoinNamespace(id.ns);
  const std::string commit_sql =
      fmt::format("UPDATE {} SET {} = ?, {} = ? WHERE {} AND {} = ?", Quote(kTables), Quote("metadata_location"),
                  Quote("previous_metadata_location"), TableKeyWhere(), Quote("metadata_location"));
  return iceberg::RetryCommit(
      TableForMessages(id), options, [&](int) -> Result<std::optional<Table>> {
        ASSIGN_OR_RETURN(std::optional<std::string> base_location, CurrentMetadataLocation(id));
        if (!base_location) return NotFound("{} does not exist", TableForMessages(id));
        ASSIGN_OR_RETURN(Table base, ReadVersion(id, *base_location));
        ASSIGN_OR_RETURN(TableMetadata next, update(base));
        iceberg::FinishCommittedMetadata(base, &next);
        // base.version is -1 for a file not named NNNNN-..., after which Java and PyIceberg
        // write version 0 too.
        const int version = base.version + 1;
        ASSIGN_OR_RETURN(std::string path, WriteVersion(next, version));
        Result<int64_t> updated = Update(commit_sql, {path, *base_location, name_, ns, id.name, *base_location});
        if (!updated.ok()) {
          // The statement failed, but a connection lost after the server committed fails the
          // same way: only the row says whether our file became current. Never delete a file
          // the row may name.
          Result<std::optional<std::string>> now = CurrentMetadataLocation(id);
          if (!now.ok()) {
            return updated.status().WithContext(fmt::format(
                "committing {} (state unknown: {} may or may not be current)", TableForMessages(id), path));
          }
          if (*now != path) {
            (void)io::DeleteAt(path);  // best effort: an orphan at worst
            return updated.status().WithContext(fmt::format("committing {}", TableForMessages(id)));
          }
        } else if (*updated == 0) {
          // Lost the race: the row moved past our base. Our file is named by nothing.
          (void)io::DeleteAt(path);  // best effort: an orphan at worst
          return std::optional<Table>();
        }
        Table t;
        t.table_dir = TableDirOf(next, path);
        t.metadata_path = path;
        t.version = version;
        t.metadata = std::move(next);
        return std::optional<Table>(std::move(t));
      });
}

Status SqlCatalog::DropTable(const TableIdentifier& id, bool purge) {
  ASSIGN_OR_RETURN(std::optional<std::string> metadata_location, CurrentMetadataLocation(id));
  if (!metadata_location) return NotFound("{} does not exist", TableForMessages(id));
  std::string location;
  if (purge) {
    // Learn where the files are before the row that leads to them is gone. Unreadable
    // metadata still has a directory: the one holding it.
    Result<Table> t = ReadVersion(id, *metadata_location);
    location = t.ok() && !t->metadata.location.empty() ? TrimSlashes(t->metadata.location)
                                                       : LocationOfMetadataFile(*metadata_location);
    if (TooBroadToPurge(location, warehouse_)) {
      return InvalidArgument("{}: refusing to purge location '{}' (the whole warehouse or a root)",
                             TableForMessages(id), location);
    }
  }
  ASSIGN_OR_RETURN(int64_t deleted,
                   Update(fmt::format("DELETE FROM {} WHERE {}", Quote(kTables), TableKeyWhere()),
                          {name_, JoinNamespace(id.ns), id.name}));
  if (deleted == 0) return NotFound("{} does not exist", TableForMessages(id));
  if (!purge) return Status::OK();
  // The table is unregistered: no reader finds it, so its files go now. Every delete is tried;
  // the first failure is reported (a rerun cannot find the table, so say what is left).
  ASSIGN_OR_RETURN(io::FileIO * fio, io::ForLocation(location));
  ASSIGN_OR_RETURN(std::vector<io::FileInfo> files, fio->List(location));
  Status first;
  for (const io::FileInfo& f : files) {
    Status st = fio->Delete(f.location);
    if (!st.ok() && first.ok()) first = st;
  }
  return first.WithContext(
      fmt::format("{} was dropped, but purging its files under {} failed", TableForMessages(id), location));
}

}  // namespace icesync::catalog
