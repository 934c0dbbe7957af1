#include "iceberg/filesystem_catalog.h"


#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "core/crash_point.h"
#include "core/durable_file.h"
#include "iceberg/commit_retry.h"

namespace icesync::iceberg {

namespace fs = std::filesystem;

namespace {
constexpr const char* kHintFile = "version-hint.text";
constexpr const char* kOldHintFile = "version-hint.txt";

std::string VersionFileName(int n) { return fmt::format("v{}.metadata.json", n); }

// N of "vN.metadata.json" or "NNNNN-<uuid>.metadata.json" (kind 'v' or 'u'); -1 otherwise.
int VersionOf(const std::string& name, char* kind = nullptr) {
  static const std::regex v_re(R"(v(\d+)\.metadata\.json)");
  static const std::regex u_re(R"((\d+)-[0-9a-fA-F-]+\.metadata\.json)");
  std::smatch m;
  if (std::regex_match(name, m, v_re)) {
    if (kind) *kind = 'v';
    return m[1].str().size() > 9 ? -1 : std::stoi(m[1].str());
  }
  if (std::regex_match(name, m, u_re)) {
    if (kind) *kind = 'u';
    return m[1].str().size() > 9 ? -1 : std::stoi(m[1].str());
  }
  return -1;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool ReadSmallFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Points version-hint.text at `version`, or at a later version that already exists. Best
// effort: our loading tolerates a stale or missing hint, so failure here fails nothing. Other
// engines (icebird, DuckDB) read the hint and trust it, though, so after writing it looks again:
// a slower writer that rewrites the hint after a faster writer committed v(N+1) puts it forward
// again instead of leaving it behind; the hint only ever settles on the newest version.
void WriteVersionHint(const std::string& metadata_dir, int version) {
  std::error_code ec;
  for (;;) {
    if (!ReplaceFile(metadata_dir + "/" + kHintFile, std::to_string(version)).ok()) return;
    const int written = version;
    while (fs::exists(fs::path(metadata_dir) / VersionFileName(version + 1), ec)) ++version;
    if (version == written) return;
  }
}

// Creates metadata/vN.metadata.json with `contents` iff no such file exists. Returns
// AlreadyExists when another writer took N.
Status WriteVersionExclusive(const std::string& metadata_dir, int version, const std::string& contents) {
  return WriteNewFile(metadata_dir + "/" + VersionFileName(version), contents);
}

Result<Table> LoadVersion(const fs::path& table_dir, const fs::path& file, int version) {
  ASSIGN_OR_RETURN(TableMetadata m, ReadTableMetadata(file.string()));
  Table t;
  t.table_dir = table_dir.string();
  t.metadata_path = file.string();
  t.version = version;
  t.metadata = std::move(m);
  return t;
}
}  // namespace

Result<Table> LoadTableDir(const std::string& table_dir_arg) {
  fs::path table_dir = fs::absolute(table_dir_arg).lexically_normal();
  if (table_dir.has_filename() == false) table_dir = table_dir.parent_path();
  fs::path md = table_dir / "metadata";
  std::error_code ec;
  if (!fs::is_directory(md, ec)) {
    return NotFound("no Iceberg table at {}: {} does not exist", table_dir.string(), md.string());
  }
  std::string hint;
  bool has_hint = ReadSmallFile(md / kHintFile, &hint) || ReadSmallFile(md / kOldHintFile, &hint);
  hint = Trim(hint);
  if (has_hint && !hint.empty()) {
    bool numeric = std::all_of(hint.begin(), hint.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numeric && hint.size() <= 9) {
      int n = std::stoi(hint);
      if (fs::exists(md / VersionFileName(n), ec)) {
        // The hint may be stale (written after the commit, possibly by a slower writer).
        const int hinted = n;
        while (fs::exists(md / VersionFileName(n + 1), ec)) ++n;
        // A writer killed between its commit and its hint leaves the hint behind; repair it here
        // (the next load of any icesync command) so that engines which trust it see the commit.
        if (n != hinted) WriteVersionHint(md.string(), n);
        return LoadVersion(table_dir, md / VersionFileName(n), n);
      }
    } else {
      for (const std::string& name : {hint + ".metadata.json", hint}) {
        if (fs::is_regular_file(md / name, ec)) return LoadVersion(table_dir, md / name, VersionOf(name));
      }
    }
    // A hint naming nothing that exists: fall through to listing.
  }
  int best_v = -1, best_u = -1;
  std::string best_u_name, sole_name;
  int metadata_files = 0;
  for (const auto& entry : fs::directory_iterator(md, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".metadata.json") || name.starts_with(".")) continue;
    ++metadata_files;
    sole_name = name;
    char kind = 0;
    int n = VersionOf(name, &kind);
    if (kind == 'v') best_v = std::max(best_v, n);
    if (kind == 'u' && n > best_u) {
      best_u = n;
      best_u_name = name;
    }
  }
  if (best_v >= 0) return LoadVersion(table_dir, md / VersionFileName(best_v), best_v);
  if (best_u >= 0) return LoadVersion(table_dir, md / best_u_name, best_u);
  if (metadata_files == 1) return LoadVersion(table_dir, md / sole_name, -1);
  if (metadata_files > 1) {
    return NotFound("table {}: cannot tell which of {} metadata files in {} is current (no version hint)",
                    table_dir.string(), metadata_files, md.string());
  }
  return NotFound("no Iceberg table at {}: no *.metadata.json in {}", table_dir.string(), md.string());
}

Result<Table> LoadMetadataFile(const std::string& metadata_path) {
  fs::path p = fs::absolute(metadata_path).lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return NotFound("table metadata file {} does not exist", p.string());
  fs::path dir = p.parent_path();
  fs::path table_dir = dir.filename() == "metadata" ? dir.parent_path() : dir;
  return LoadVersion(table_dir, p, VersionOf(p.filename().string()));
}

Result<Table> LoadTableArgument(const std::string& warehouse, const std::string& table_arg) {
  std::error_code ec;
  if (table_arg.empty()) return InvalidArgument("no table given");
  bool is_path = fs::exists(table_arg, ec);
  if (!warehouse.empty() && !is_path) {
    ASSIGN_OR_RETURN(TableIdentifier id, TableIdentifier::Parse(table_arg));
    return FilesystemCatalog(warehouse).LoadTable(id);
  }
  if (!is_path) {
    return NotFound(
        "'{}' is neither a table directory nor a metadata file; to name a table as namespace.table, "
        "also pass --warehouse DIR",
        table_arg);
  }
  if (fs::is_directory(table_arg, ec)) {
    if (fs::path(table_arg).filename() == "metadata" && !fs::exists(fs::path(table_arg) / "metadata", ec)) {
      return LoadTableDir(fs::path(table_arg).parent_path().string());
    }
    return LoadTableDir(table_arg);
  }
  return LoadMetadataFile(table_arg);
}

Result<Table> CommitTable(const std::string& table_dir, const MetadataUpdate& update, const CommitOptions& options) {
  return RetryCommit(table_dir, options, [&](int) -> Result<std::optional<Table>> {
    ASSIGN_OR_RETURN(Table base, LoadTableDir(table_dir));
    if (base.version < 0 || !fs::path(base.metadata_path).filename().string().starts_with("v")) {
      return Unsupported("table {}: commits need metadata files named vN.metadata.json, but the current one is {}",
                         base.table_dir, base.metadata_path);
    }
    ASSIGN_OR_RETURN(TableMetadata next, update(base));
    FinishCommittedMetadata(base, &next);
    const std::string md = base.table_dir + "/metadata";
    const int version = base.version + 1;
    Status st = WriteVersionExclusive(md, version, SerializeTableMetadata(next));
    if (!st.ok() && st.code() == ErrorCode::kAlreadyExists) return std::optional<Table>();  // lost the race
    RETURN_IF_ERROR(st);
    CrashPoint("committed");
    WriteVersionHint(md, version);
    Table t;
    t.table_dir = base.table_dir;
    t.metadata_path = md + "/" + VersionFileName(version);
    t.version = version;
    t.metadata = std::move(next);
    return std::optional<Table>(std::move(t));
  });
}

Result<Table> UpdateTableProperties(const std::string& table_dir, const std::map<std::string, std::string>& set,
                                    const std::vector<std::string>& remove, const CommitOptions& options) {
  return CommitTable(
      table_dir,
      [&](const Table& base) -> Result<TableMetadata> {
        TableMetadata next = base.metadata;
        for (const auto& k : remove) next.properties.erase(k);
        for (const auto& [k, v] : set) next.properties[k] = v;
        return next;
      },
      options);
}

Result<TableIdentifier> TableIdentifier::Parse(std::string_view text) {
  TableIdentifier id;
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.find('/') != std::string_view::npos) {
      return InvalidArgument("bad table name '{}': expected namespace.table (e.g. sales.orders or a.b.orders)", text);
    }
    parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() < 2) {
    return InvalidArgument("bad table name '{}': expected namespace.table (e.g. sales.orders)", text);
  }
  id.name = parts.back();
  parts.pop_back();
  id.ns = std::move(parts);
  return id;
}

Result<Table> CreateTableWithMetadata(const std::string& table_dir, TableMetadata metadata) {
  const std::string md = table_dir + "/metadata";
  RETURN_IF_ERROR(WriteVersionExclusive(md, 1, SerializeTableMetadata(metadata)));
  WriteVersionHint(md, 1);
  Table t;
  t.table_dir = table_dir;
  t.metadata_path = md + "/" + VersionFileName(1);
  t.version = 1;
  t.metadata = std::move(metadata);
  return t;
}

std::string TableIdentifier::ToString() const {
  std::string s;
  for (const auto& n : ns) s += n + ".";
  return s + name;
}

FilesystemCatalog::FilesystemCatalog(std::string warehouse)
    : warehouse_(fs::absolute(warehouse).lexically_normal().string()) {
  while (warehouse_.size() > 1 && warehouse_.back() == '/') warehouse_.pop_back();
}

std::string FilesystemCatalog::TableDir(const TableIdentifier& id) const {
  fs::path p = warehouse_;
  for (const auto& n : id.ns) p /= n;
  return (p / id.name).string();
}

Result<Table> FilesystemCatalog::CreateTable(const TableIdentifier& id, const Schema& schema,
                                             const PartitionSpec& spec,
                                             const std::map<std::string, std::string>& properties) {
  RETURN_IF_ERROR(schema.Validate());
  const std::string dir = TableDir(id);
  if (TableExists(id)) return AlreadyExists("table {} already exists at {}", id.ToString(), dir);
  // The spec must fit the schema before anything is created.
  RETURN_IF_ERROR(spec.PartitionType(schema).status().WithContext(fmt::format("creating table {}", id.ToString())));
  std::error_code ec;
  fs::create_directories(dir + "/metadata", ec);
  if (!ec) fs::create_directories(dir + "/data", ec);
  if (ec) return IOError("cannot create table directory {}: {}", dir, ec.message());
  Result<Table> t = CreateTableWithMetadata(dir, TableMetadata::NewTable(schema, spec, dir, properties));
  if (!t.ok() && t.status().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExists("table {} already exists at {}", id.ToString(), dir);
  }
  return t;
}

Result<Table> FilesystemCatalog::LoadTable(const TableIdentifier& id) const {
  auto t = LoadTableDir(TableDir(id));
  if (!t.ok() && t.status().code() == ErrorCode::kNotFound && !TableExists(id)) {
    return NotFound("table {} does not exist in warehouse {}", id.ToString(), warehouse_);
  }
  return t;
}

bool FilesystemCatalog::TableExists(const TableIdentifier& id) const {
  std::error_code ec;
  fs::path md = fs::path(TableDir(id)) / "metadata";
  if (!fs::is_directory(md, ec)) return false;
  for (const auto& e : fs::directory_iterator(md, ec)) {
    std::string name = e.path().filename().string();
    if (name.ends_with(".metadata.json") && !name.starts_with(".")) return true;
  }
  return false;
}

Result<std::vector<TableIdentifier>> FilesystemCatalog::ListTables(const std::vector<std::string>& ns) const {
  fs::path dir = warehouse_;
  for (const auto& n : ns) dir /= n;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("namespace '{}' does not exist in warehouse {}", fmt::join(ns, "."), warehouse_);
  std::vector<TableIdentifier> out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory()) continue;
    TableIdentifier id{ns, e.path().filename().string()};
    if (TableExists(id)) out.push_back(std::move(id));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status FilesystemCatalog::DropTable(const TableIdentifier& id, bool purge) {
  if (!TableExists(id)) return NotFound("table {} does not exist in warehouse {}", id.ToString(), warehouse_);
  std::error_code ec;
  const std::string dir = TableDir(id);
  fs::remove_all(purge ? fs::path(dir) : fs::path(dir) / "metadata", ec);
  if (ec) return IOError("cannot drop table {} ({}): {}", id.ToString(), dir, ec.message());
  return Status::OK();
}

}  // namespace icesync::iceberg
