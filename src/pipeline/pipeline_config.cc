#include "pipeline/pipeline_config.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "catalog/catalog_config.h"
#include "core/duration.h"
#include "io/file_io.h"
#include "sync/byte_size.h"

namespace icesync::pipeline {

namespace fs = std::filesystem;

namespace {

// Where a node is, as "file:line" (yaml-cpp counts lines from 0).
struct Where {
  std::string file;
  std::string Of(const YAML::Node& n) const { return fmt::format("{}:{}", file, n.Mark().line + 1); }
};

class Parser {
 public:
  Parser(std::string file, EnvLookup env) : at_{std::move(file)}, env_(std::move(env)) {}

  Status Error(const YAML::Node& n, const std::string& context, const std::string& message) const {
    return InvalidArgument("{}: {}{}", at_.Of(n), context.empty() ? "" : context + ": ", message);
  }

  // Rejects keys outside `known`, naming them all.
  Status CheckKeys(const YAML::Node& map, const std::string& context, const std::set<std::string>& known) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      // "? [a]" or "? {a: b}" makes a key a list or mapping, which as<std::string>() throws on
      // (found by sync_config_fuzz).
      if (!it->first.IsScalar()) return Error(it->first, context, "a key must be a plain name, not a list or mapping");
      const std::string key = it->first.as<std::string>();
      if (!known.count(key)) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        return Error(it->first, context, fmt::format("unknown key '{}'; expected one of: {}", key, list));
      }
    }
    return Status::OK();
  }

  // A scalar with ${NAME} expanded from the environment.
  Result<std::string> Text(const YAML::Node& n, const std::string& context, const std::string& key) const {
    if (!n.IsScalar()) return Error(n, context, fmt::format("'{}' must be a plain value", key));
    const std::string raw = n.as<std::string>();
    std::string out;
    for (size_t i = 0; i < raw.size();) {
      if (raw.compare(i, 2, "${") == 0) {
        const size_t end = raw.find('}', i);
        // Names the key, never the value: it may be a connection string holding a password.
        if (end == std::string::npos) return Error(n, context, fmt::format("'{}': unclosed ${{ (write ${{NAME}})", key));
        const std::string name = raw.substr(i + 2, end - i - 2);
        std::optional<std::string> value = Lookup(name);
        if (!value) {
          return Error(n, context, fmt::format("'{}' uses ${{{}}}, which is not set in the environment; export it "
                                               "before running (secrets stay out of the file this way)",
                                               key, name));
        }
        out += *value;
        i = end + 1;
      } else {
        out += raw[i++];
      }
    }
    return out;
  }

  Result<bool> Bool(const YAML::Node& n, const std::string& context, const std::string& key) const {
    ASSIGN_OR_RETURN(std::string t, Text(n, context, key));
    if (t == "true" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "no" || t == "off") return false;
    return Error(n, context, fmt::format("'{}' must be true or false, not '{}'", key, t));
  }

  // A list of names, or one name, or "a, b".
  Result<std::vector<std::string>> Names(const YAML::Node& n, const std::string& context, const std::string& key) const {
    std::vector<std::string> out;
    if (n.IsSequence()) {
      for (const YAML::Node& e : n) {
        ASSIGN_OR_RETURN(std::string s, Text(e, context, key));
        out.push_back(s);
      }
      return out;
    }
    ASSIGN_OR_RETURN(std::string s, Text(n, context, key));
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }

  // The per-table sync keys (also allowed under defaults:).
  Status SyncKey(const std::string& key, const YAML::Node& v, const std::string& context, sync::SyncOptions& o) const {
    if (key == "detect") {
      ASSIGN_OR_RETURN(o.detect, Text(v, context, key));
    } else if (key == "key") {
      ASSIGN_OR_RETURN(o.key, Names(v, context, key));
    } else if (key == "mode") {
      ASSIGN_OR_RETURN(std::string m, Text(v, context, key));
      if (m != "mirror" && m != "changelog") return Error(v, context, "mode must be mirror or changelog, not '" + m + "'");
      o.mode = m == "mirror" ? sync::SyncMode::kMirror : sync::SyncMode::kChangelog;
    } else if (key == "lag") {
      ASSIGN_OR_RETURN(std::string t, Text(v, context, key));
      Result<int64_t> lag = ParseDurationMicros(t);
      if (!lag.ok()) return Error(v, context, "lag: " + lag.status().message());
      o.detection.lag_micros = *lag;
    } else if (key == "detect_deletes") {
      ASSIGN_OR_RETURN(o.detect_deletes, Bool(v, context, key));
    } else if (key == "on_null_cursor") {
      ASSIGN_OR_RETURN(std::string t, Text(v, context, key));
      if (t == "fail") o.detection.on_null_cursor = sync::NullCursorPolicy::kFail;
      else if (t == "include") o.detection.on_null_cursor = sync::NullCursorPolicy::kInclude;
      else if (t == "exclude") o.detection.on_null_cursor = sync::NullCursorPolicy::kExclude;
      else return Error(v, context, "on_null_cursor must be fail, include or exclude, not '" + t + "'");
    } else if (key == "on_schema_change") {
      ASSIGN_OR_RETURN(std::string t, Text(v, context, key));
      if (t != "evolve" && t != "fail") return Error(v, context, "on_schema_change must be evolve or fail, not '" + t + "'");
      o.on_schema_change = t == "fail" ? iceberg::SchemaChangePolicy::kFail : iceberg::SchemaChangePolicy::kEvolve;
    } else if (key == "partition_by") {
      ASSIGN_OR_RETURN(o.partition_by, Text(v, context, key));
    } else if (key == "target_file_size") {
      ASSIGN_OR_RETURN(std::string t, Text(v, context, key));
      Result<int64_t> size = sync::ParseByteSize(t);
      if (!size.ok()) return Error(v, context, "target_file_size: " + size.status().message());
      o.target_file_size = *size;
    } else {
      return Error(v, context, "unknown sync key '" + key + "'");
    }
    return Status::OK();
  }

  std::optional<std::string> Lookup(const std::string& name) const {
    if (env_) return env_(name);
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }

  Where at_;

 private:
  EnvLookup env_;
};

const std::set<std::string> kSyncKeys = {"detect",         "key",          "mode",       "lag",
                                         "detect_deletes", "on_null_cursor", "on_schema_change",
                                         "partition_by",   "target_file_size"};

}  // namespace

Result<PipelineConfig> LoadPipelineConfig(const std::string& path, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFound("{}: cannot read the pipeline file (missing or unreadable)", path);
  } catch (const YAML::ParserException& e) {
    return InvalidArgument("{}:{}: not valid YAML: {}", path, e.mark.line + 1, e.msg);
  }
  Parser p(path, env);
  if (!root.IsMap()) return InvalidArgument("{}: a pipeline file is a mapping with warehouse, connections and tables", path);
  RETURN_IF_ERROR(p.CheckKeys(root, "", {"warehouse", "catalog", "connections", "defaults", "tables"}));
  PipelineConfig cfg;
  cfg.path = path;
  const fs::path base = fs::absolute(path).parent_path();
  try {
    if (!root["warehouse"]) return InvalidArgument("{}: 'warehouse' is missing (the warehouse directory, e.g. ./lake)", path);
    ASSIGN_OR_RETURN(std::string wh, p.Text(root["warehouse"], "", "warehouse"));
    cfg.warehouse = io::HasRemoteScheme(wh) ? wh
                                            : (fs::path(wh).is_absolute() ? fs::path(wh) : base / wh).lexically_normal().string();
    std::shared_ptr<iceberg::Catalog> catalog;
    if (root["catalog"]) {
      ASSIGN_OR_RETURN(cfg.catalog, p.Text(root["catalog"], "", "catalog"));
      Result<std::shared_ptr<iceberg::Catalog>> opened = catalog::OpenCatalogFlag(cfg.catalog, cfg.warehouse);
      if (!opened.ok()) return opened.status().WithContext(fmt::format("{}: catalog", path));
      catalog = *opened;
    }

    std::map<std::string, std::string> connections;
    if (root["connections"]) {
      const YAML::Node c = root["connections"];
      if (!c.IsMap()) return p.Error(c, "connections", "a mapping of names to connection strings");
      for (auto it = c.begin(); it != c.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        ASSIGN_OR_RETURN(connections[name], p.Text(it->second, "connections", name));
      }
    }
    sync::SyncOptions defaults;
    defaults.warehouse = cfg.warehouse;
    defaults.catalog = catalog;
    if (root["defaults"]) {
      const YAML::Node d = root["defaults"];
      if (!d.IsMap()) return p.Error(d, "defaults", "a mapping of sync keys (detect, mode, lag, ...)");
      RETURN_IF_ERROR(p.CheckKeys(d, "defaults", kSyncKeys));
      for (auto it = d.begin(); it != d.end(); ++it) {
        RETURN_IF_ERROR(p.SyncKey(it->first.as<std::string>(), it->second, "defaults", defaults));
      }
    }
    auto connection = [&](const YAML::Node& n, const std::string& context, std::string* name) -> Result<std::string> {
      ASSIGN_OR_RETURN(*name, p.Text(n, context, "connection"));
      auto found = connections.find(*name);
      if (found == connections.end()) {
        std::string names;
        for (const auto& [k, v] : connections) names += (names.empty() ? "" : ", ") + k;
        return p.Error(n, context, fmt::format("connection '{}' is not defined under connections: ({})", *name,
                                               names.empty() ? "none defined" : names));
      }
      return found->second;
    };
    const YAML::Node tables = root["tables"];
    if (!tables || !tables.IsSequence() || tables.size() == 0) {
      return InvalidArgument("{}: 'tables' must list at least one table (name, source, iceberg)", path);
    }
    std::set<std::string> names;
    for (size_t i = 0; i < tables.size(); ++i) {
      const YAML::Node t = tables[i];
      std::string context = fmt::format("tables[{}]", i);
      if (!t.IsMap()) return p.Error(t, context, "a table is a mapping with name, source and iceberg");
      TableConfig tc;
      tc.line = t.Mark().line + 1;
      if (!t["name"]) return p.Error(t, context, "'name' is missing (a unique name for the table in this pipeline)");
      ASSIGN_OR_RETURN(tc.name, p.Text(t["name"], context, "name"));
      context += " (" + tc.name + ")";
      if (!names.insert(tc.name).second) return p.Error(t["name"], context, "the name is used twice; names must be unique");
      std::set<std::string> known = kSyncKeys;
      known.insert({"name", "source", "iceberg", "import", "maintain"});
      RETURN_IF_ERROR(p.CheckKeys(t, context, known));
      tc.sync = defaults;
      const YAML::Node src = t["source"];
      if (!src || !src.IsMap()) return p.Error(src ? src : t, context, "'source' must be {connection: NAME, table: [schema.]table}");
      RETURN_IF_ERROR(p.CheckKeys(src, context + " source", {"connection", "table"}));
      if (!src["connection"] || !src["table"]) return p.Error(src, context, "source needs both connection and table");
      ASSIGN_OR_RETURN(tc.sync.source, connection(src["connection"], context + " source", &tc.source_connection));
      ASSIGN_OR_RETURN(tc.sync.table, p.Text(src["table"], context, "source.table"));
      if (!t["iceberg"]) return p.Error(t, context, "'iceberg' is missing (the Iceberg table, namespace.table)");
      ASSIGN_OR_RETURN(tc.sync.target, p.Text(t["iceberg"], context, "iceberg"));
      for (auto it = t.begin(); it != t.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        if (kSyncKeys.count(key)) RETURN_IF_ERROR(p.SyncKey(key, it->second, context, tc.sync));
      }
      if (Status st = sync::ValidateSyncOptions(tc.sync); !st.ok()) return p.Error(t, context, st.message());
      if (const YAML::Node imp = t["import"]) {
        if (!imp.IsMap()) return p.Error(imp, context, "'import' must be {connection, table, strategy[, create, key]}");
        RETURN_IF_ERROR(p.CheckKeys(imp, context + " import", {"connection", "table", "strategy", "create", "key"}));
        if (!imp["connection"] || !imp["table"]) return p.Error(imp, context, "import needs connection and table");
        load::ImportOptions io;
        io.warehouse = cfg.warehouse;
        io.catalog = catalog;
        io.from = tc.sync.target;
        ASSIGN_OR_RETURN(io.target, connection(imp["connection"], context + " import", &tc.import_connection));
        ASSIGN_OR_RETURN(io.table, p.Text(imp["table"], context, "import.table"));
        if (imp["strategy"]) {
          ASSIGN_OR_RETURN(std::string s, p.Text(imp["strategy"], context, "import.strategy"));
          Result<load::Strategy> strategy = load::ParseStrategy(s);
          if (!strategy.ok()) return p.Error(imp["strategy"], context, strategy.status().message());
          io.strategy = *strategy;
        }
        if (imp["create"]) {
          ASSIGN_OR_RETURN(io.create, p.Bool(imp["create"], context, "import.create"));
        }
        if (imp["key"]) {
          ASSIGN_OR_RETURN(io.key, p.Names(imp["key"], context, "import.key"));
        }
        tc.import = std::move(io);
      }
      if (const YAML::Node m = t["maintain"]) {
        if (!m.IsMap()) return p.Error(m, context, "'maintain' must be a mapping, e.g. {compact_min_files: 10}");
        RETURN_IF_ERROR(p.CheckKeys(m, context + " maintain",
                                    {"compact_min_files", "expire_older_than", "retain_last", "remove_orphans_older_than"}));
        MaintainConfig mc;
        auto duration = [&](const char* key) -> Result<std::optional<int64_t>> {
          if (!m[key]) return std::optional<int64_t>();
          ASSIGN_OR_RETURN(std::string text, p.Text(m[key], context, key));
          Result<int64_t> micros = ParseDurationMicros(text);
          if (!micros.ok()) return p.Error(m[key], context, std::string(key) + ": " + micros.status().message());
          return std::optional<int64_t>(*micros);
        };
        auto count = [&](const char* key, int min) -> Result<std::optional<int>> {
          if (!m[key]) return std::optional<int>();
          ASSIGN_OR_RETURN(std::string text, p.Text(m[key], context, key));
          char* end = nullptr;
          const long v = std::strtol(text.c_str(), &end, 10);
          if (text.empty() || *end != '\0' || v < min || v > 1'000'000) {
            return p.Error(m[key], context, fmt::format("{} must be a whole number of at least {}", key, min));
          }
          return std::optional<int>(static_cast<int>(v));
        };
        ASSIGN_OR_RETURN(mc.compact_min_files, count("compact_min_files", 2));
        ASSIGN_OR_RETURN(mc.expire_older_than_micros, duration("expire_older_than"));
        ASSIGN_OR_RETURN(std::optional<int> retain, count("retain_last", 1));
        if (retain) mc.retain_last = *retain;
        ASSIGN_OR_RETURN(mc.remove_orphans_older_than_micros, duration("remove_orphans_older_than"));
        tc.maintain = mc;
      }
      cfg.tables.push_back(std::move(tc));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument("{}:{}: {}", path, e.mark.line + 1, e.msg);
  }
  return cfg;
}

}  // namespace icesync::pipeline
