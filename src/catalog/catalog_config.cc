#include "catalog/catalog_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "catalog/rest_catalog.h"
#include "catalog/sql_catalog.h"
#include "iceberg/filesystem_catalog.h"

namespace icesync::catalog {
namespace {

std::string ConfigPath() {
  if (const char* p = std::getenv("ICESYNC_CONFIG"); p && *p) return p;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.icesync.yaml";
  return "";
}

// ${NAME} from the environment; an unset variable is an error naming it (never its value).
Result<std::string> ExpandEnv(const std::string& raw, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 2, "${") != 0) {
      out.push_back(raw[i]);
      continue;
    }
    const size_t end = raw.find('}', i + 2);
    if (end == std::string::npos) return InvalidArgument("{}: unclosed ${{ (write ${{NAME}})", where);
    const std::string name = raw.substr(i + 2, end - i - 2);
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return InvalidArgument("{} uses ${{{}}}, which is not set in the environment; export it first", where, name);
    }
    out += value;
    i = end;
  }
  return out;
}

Result<CatalogConfig> FromConfigFile(const std::string& name) {
  const std::string path = ConfigPath();
  YAML::Node root;
  try {
    if (path.empty() || !std::filesystem::exists(path)) {
      return NotFound("--catalog {}: not filesystem, sql:<connection> or rest:<url>, and there is no {} defining it",
                      name, path.empty() ? std::string("~/.icesync.yaml") : path);
    }
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("{}: not valid YAML: {}", path, e.msg);
  }
  const YAML::Node catalogs = root["catalog"];
  if (!catalogs || !catalogs.IsMap()) {
    return InvalidArgument("{}: expected a 'catalog:' mapping of catalog names (see icesync --help)", path);
  }
  const YAML::Node entry = catalogs[name];
  if (!entry || !entry.IsMap()) {
    std::string names;
    for (auto it = catalogs.begin(); it != catalogs.end(); ++it) {
      names += (names.empty() ? "" : ", ") + it->first.as<std::string>("?");
    }
    return NotFound("--catalog {}: {} defines no such catalog (it defines: {})", name, path,
                    names.empty() ? std::string("none") : names);
  }
  CatalogConfig c;
  c.name = name;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    const std::string key = it->first.as<std::string>("");
    if (!it->second.IsScalar()) return InvalidArgument("{}: catalog.{}.{} must be a single value", path, name, key);
    const std::string where = fmt::format("{}: catalog.{}.{}", path, name, key);
    ASSIGN_OR_RETURN(std::string value, ExpandEnv(it->second.as<std::string>(), where));
    if (key == "type") c.type = value;
    else if (key == "uri") c.uri = value;
    else if (key == "warehouse") c.warehouse = value;
    else if (key == "credential") c.credential = value;
    else if (key == "token") c.token = value;
    else if (key == "scope") c.scope = value;
    else return InvalidArgument("{}: unknown key (known: type, uri, warehouse, credential, token, scope)", where);
  }
  if (c.type != "sql" && c.type != "rest" && c.type != "filesystem") {
    return InvalidArgument("{}: catalog.{}.type is '{}'; expected sql, rest or filesystem", path, name, c.type);
  }
  return c;
}

}  // namespace

Result<CatalogConfig> ResolveCatalogConfig(const std::string& spec, const std::string& warehouse) {
  CatalogConfig c;
  if (spec.empty() || spec == "filesystem") {
    c.type = "filesystem";
  } else if (spec.starts_with("sql:")) {
    c.type = "sql";
    c.uri = spec.substr(4);
  } else if (spec.starts_with("rest:")) {
    c.type = "rest";
    c.uri = spec.substr(5);
  } else {
    ASSIGN_OR_RETURN(c, FromConfigFile(spec));
  }
  if (c.type == "rest") {
    if (c.credential.empty()) {
      if (const char* v = std::getenv("ICESYNC_REST_CREDENTIAL"); v && *v) c.credential = v;
    }
    if (c.token.empty()) {
      if (const char* v = std::getenv("ICESYNC_REST_TOKEN"); v && *v) c.token = v;
    }
  }
  if (!warehouse.empty()) c.warehouse = warehouse;
  if ((c.type == "sql" || c.type == "rest") && c.uri.empty()) {
    return InvalidArgument("--catalog {}: a {} catalog needs a uri ({}:<{}>)", spec, c.type, c.type,
                           c.type == "sql" ? "connection" : "url");
  }
  return c;
}

Result<std::shared_ptr<iceberg::Catalog>> OpenCatalog(const CatalogConfig& c) {
  if (c.type == "filesystem") {
    if (c.warehouse.empty()) return InvalidArgument("--warehouse is required (a directory or s3:// prefix)");
    return std::shared_ptr<iceberg::Catalog>(std::make_shared<iceberg::FilesystemCatalog>(c.warehouse));
  }
  if (c.type == "sql") {
    if (c.warehouse.empty()) {
      return InvalidArgument("the SQL catalog needs --warehouse (a directory or s3:// prefix) for new tables' files");
    }
    ASSIGN_OR_RETURN(auto sql, SqlCatalog::Open(c.name, c.uri, c.warehouse));
    return std::shared_ptr<iceberg::Catalog>(std::move(sql));
  }
  RestCatalogOptions o;
  o.uri = c.uri;
  o.warehouse = c.warehouse;
  o.credential = c.credential;
  o.token = c.token;
  if (!c.scope.empty()) o.scope = c.scope;
  ASSIGN_OR_RETURN(auto rest, RestCatalog::Open(std::move(o)));
  return std::shared_ptr<iceberg::Catalog>(std::move(rest));
}

Result<std::shared_ptr<iceberg::Catalog>> OpenCatalogFlag(const std::string& spec, const std::string& warehouse) {
  if (spec.empty() || spec == "filesystem") return std::shared_ptr<iceberg::Catalog>();
  ASSIGN_OR_RETURN(CatalogConfig c, ResolveCatalogConfig(spec, warehouse));
  return OpenCatalog(c);
}

}  // namespace icesync::catalog
