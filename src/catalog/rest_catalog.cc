#include "catalog/rest_catalog.h"

#include <algorithm>
#include <cctype>

#include "catalog/rest_metadata_diff.h"
#include "core/schema_json.h"
#include "iceberg/commit_retry.h"
#include "iceberg/table_file_mapper.h"

namespace icesync::catalog {
namespace {
using nlohmann::json;
using iceberg::Table;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;

// Namespace levels in a path are joined with the unit separator (spec: "Namespace" parameter).
constexpr char kNamespaceSeparator = '\x1f';
// A token is refreshed this long before the expiry the server announced.
constexpr int64_t kTokenRefreshMarginMs = 60'000;

std::string JoinNamespace(const std::vector<std::string>& ns) {
  std::string s;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i) s += kNamespaceSeparator;
    s += ns[i];
  }
  return s;
}

std::string FormValue(const std::string& s) { return io::UrlEncode(s); }

// N of NNNNN-<uuid>.metadata.json or vN.metadata.json (the server's naming), else -1.
int VersionOf(const std::string& metadata_location) {
  const size_t slash = metadata_location.find_last_of('/');
  std::string name = slash == std::string::npos ? metadata_location : metadata_location.substr(slash + 1);
  if (!name.empty() && name[0] == 'v') name.erase(0, 1);
  size_t digits = 0;
  while (digits < name.size() && digits < 9 && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits == name.size() || (name[digits] != '-' && name[digits] != '.')) return -1;
  return std::stoi(name.substr(0, digits));
}

bool Is2xx(long status) { return status >= 200 && status < 300; }

// Commit answers after which the server may or may not have applied the commit (spec:
// CommitTableResponse 500 CommitStateUnknownException, 502 bad gateway, 504 gateway timeout).
bool StateUnknown(long status) { return status == 500 || status == 502 || status == 504; }

json IdentifierJson(const TableIdentifier& id) { return json{{"namespace", id.ns}, {"name", id.name}}; }

}  // namespace

RestCatalog::RestCatalog(RestCatalogOptions options) : options_(std::move(options)) {
  base_uri_ = options_.uri;
  while (!base_uri_.empty() && base_uri_.back() == '/') base_uri_.pop_back();
  http_ = std::make_unique<io::HttpClient>(options_.retry);
  io::HttpRetryPolicy once = options_.retry;
  once.max_attempts = 1;
  http_once_ = std::make_unique<io::HttpClient>(once);
}

Result<std::shared_ptr<RestCatalog>> RestCatalog::Open(RestCatalogOptions options) {
  if (options.uri.empty()) return InvalidArgument("REST catalog: no uri given (e.g. http://localhost:8181)");
  if (!options.token.empty() && !options.credential.empty()) {
    return InvalidArgument("REST catalog {}: give either a token or a credential, not both", options.uri);
  }
  std::shared_ptr<RestCatalog> c(new RestCatalog(std::move(options)));
  RETURN_IF_ERROR(c->Authenticate());
  RETURN_IF_ERROR(c->LoadConfig());
  return c;
}

std::string RestCatalog::Describe() const {
  std::string s = "REST catalog " + io::UrlForMessages(base_uri_);
  if (!options_.warehouse.empty()) s += " (warehouse '" + options_.warehouse + "')";
  return s;
}

std::string RestCatalog::Scrub(std::string message) const {
  std::vector<std::string> secrets = {options_.token};
  {
    std::lock_guard<std::mutex> lock(token_mu_);
    secrets.push_back(bearer_);
  }
  const size_t colon = options_.credential.find(':');
  secrets.push_back(colon == std::string::npos ? options_.credential : options_.credential.substr(colon + 1));
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t at = message.find(s); at != std::string::npos; at = message.find(s, at + 3)) {
      message.replace(at, s.size(), "***");
    }
  }
  return message;
}

Status RestCatalog::Authenticate() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!options_.token.empty()) {
    std::lock_guard<std::mutex> token_lock(token_mu_);
    bearer_ = options_.token;
    return Status::OK();
  }
  if (options_.credential.empty()) return Status::OK();  // an open catalog, or auth by headers
  return FetchToken();
}

// OAuth2 client_credentials (RFC 6749 4.4), form-encoded as the spec's OAuthTokenRequest.
// Caller holds mu_.
Status RestCatalog::FetchToken() const {
  const size_t colon = options_.credential.find(':');
  const std::string client_id = colon == std::string::npos ? "" : options_.credential.substr(0, colon);
  const std::string secret = colon == std::string::npos ? options_.credential : options_.credential.substr(colon + 1);
  io::HttpRequest req;
  req.method = "POST";
  req.url = options_.oauth2_server_uri.empty() ? base_uri_ + "/v1/oauth/tokens" : options_.oauth2_server_uri;
  req.headers = options_.headers;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  req.body = "grant_type=client_credentials&client_id=" + FormValue(client_id) + "&client_secret=" +
             FormValue(secret) + "&scope=" + FormValue(options_.scope);
  const std::string what = fmt::format("{}: requesting an OAuth2 token from {}", Describe(), io::UrlForMessages(req.url));
  // Token requests change nothing on the server: transport retries are safe.
  Result<io::HttpResponse> r = http_->Send(req);
  if (!r.ok()) return IOError("{}", Scrub(fmt::format("{}: {}", what, r.status().message())));
  Response resp{r->status, json::parse(r->body, nullptr, false), r->body};
  if (resp.body.is_discarded()) resp.body = nullptr;
  if (!Is2xx(resp.status)) return ErrorFrom(what, resp);
  if (!resp.body.is_object() || !resp.body.contains("access_token") || !resp.body["access_token"].is_string()) {
    return IOError("{}: the answer holds no access_token", what);
  }
  {
    std::lock_guard<std::mutex> token_lock(token_mu_);
    bearer_ = resp.body["access_token"].get<std::string>();
  }
  bearer_expires_ms_ = 0;
  if (resp.body.contains("expires_in") && resp.body["expires_in"].is_number()) {
    bearer_expires_ms_ = iceberg::NowMillis() + resp.body["expires_in"].get<int64_t>() * 1000;
  }
  return Status::OK();
}

Status RestCatalog::LoadConfig() {
  std::string path = "/v1/config";
  if (!options_.warehouse.empty()) path += "?warehouse=" + io::UrlEncode(options_.warehouse);
  ASSIGN_OR_RETURN(Response r, Request("GET", path, nullptr, Send::kRetrying));
  if (!Is2xx(r.status)) return ErrorFrom("reading the catalog configuration", r);
  auto merge = [&](const char* key) {
    if (!r.body.is_object() || !r.body.contains(key) || !r.body[key].is_object()) return;
    for (const auto& [k, v] : r.body[key].items()) {
      if (v.is_string()) config_[k] = v.get<std::string>();
    }
  };
  // Spec (CatalogConfig): defaults < client configuration < overrides.
  merge("defaults");
  if (!options_.warehouse.empty()) config_["warehouse"] = options_.warehouse;
  merge("overrides");
  auto p = config_.find("prefix");
  prefix_ = p == config_.end() ? "" : p->second;
  prefix_path_ = prefix_.empty() ? "" : "/" + io::UrlEncode(prefix_, /*keep_slash=*/true);
  return Status::OK();
}

Result<RestCatalog::Response> RestCatalog::Request(const std::string& method, const std::string& path,
                                                   const json* body, Send mode) const {
  std::lock_guard<std::mutex> lock(mu_);
  const bool oauth = options_.token.empty() && !options_.credential.empty();
  if (oauth && bearer_expires_ms_ != 0 && iceberg::NowMillis() + kTokenRefreshMarginMs >= bearer_expires_ms_) {
    RETURN_IF_ERROR(FetchToken());
  }
  io::HttpRequest req;
  req.method = method;
  req.url = base_uri_ + path;
  if (body) req.body = body->dump();
  io::HttpClient& client = mode == Send::kOnce ? *http_once_ : *http_;
  req.fresh_connection = mode == Send::kOnce;
  for (int attempt = 0;; ++attempt) {
    req.headers = options_.headers;
    req.headers.emplace_back("Accept", "application/json");
    if (body) req.headers.emplace_back("Content-Type", "application/json");
    if (!bearer_.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer_);
    Result<io::HttpResponse> r = client.Send(req);
    if (!r.ok()) return IOError("{}: {}", Describe(), Scrub(r.status().message()));
    // An expired or revoked OAuth2 token: one fresh token, then the request again. A 401 means
    // the request was not applied, so re-sending even a commit is safe.
    if (r->status == 401 && oauth && attempt == 0) {
      RETURN_IF_ERROR(FetchToken());
      continue;
    }
    Response resp{r->status, nullptr, std::move(r->body)};
    if (!resp.raw.empty()) {
      resp.body = json::parse(resp.raw, nullptr, false);
      if (resp.body.is_discarded()) resp.body = nullptr;
    }
    return resp;
  }
}

Status RestCatalog::ErrorFrom(const std::string& what, const Response& r) const {
  std::string detail;
  const json& b = r.body;
  if (b.is_object() && b.contains("error") && b["error"].is_object()) {
    // ErrorModel: {"error": {"message", "type", "code"}}
    const json& e = b["error"];
    if (e.contains("type") && e["type"].is_string()) detail += e["type"].get<std::string>() + ": ";
    if (e.contains("message") && e["message"].is_string()) detail += e["message"].get<std::string>();
  } else if (b.is_object() && b.contains("error") && b["error"].is_string()) {
    // OAuthError: {"error": "invalid_client", "error_description": ...}
    detail = b["error"].get<std::string>();
    if (b.contains("error_description") && b["error_description"].is_string()) {
      detail += ": " + b["error_description"].get<std::string>();
    }
  } else {
    detail = r.raw.substr(0, 200);
  }
  std::string msg = Scrub(fmt::format("{}: {} answered HTTP {}{}{}", what, Describe(), r.status,
                                      detail.empty() ? "" : ": ", detail));
  switch (r.status) {
    case 404:
      return NotFound("{}", msg);
    case 409:
      return AlreadyExists("{}", msg);
    case 401:
    case 403:
    case 419:
      return InvalidArgument("{} (check the catalog credential or token)", msg);
    case 400:
    case 406:
    case 422:
      return InvalidArgument("{}", msg);
    default:
      return IOError("{}", msg);
  }
}

std::string RestCatalog::NamespacePath(const std::vector<std::string>& ns) const {
  return "/v1" + prefix_path_ + "/namespaces/" + io::UrlEncode(JoinNamespace(ns));
}

std::string RestCatalog::TablePath(const TableIdentifier& id) const {
  return NamespacePath(id.ns) + "/tables/" + io::UrlEncode(id.name);
}

Result<Table> RestCatalog::TableFromResult(const json& body, const std::string& what) const {
  if (!body.is_object() || !body.contains("metadata") || !body.contains("metadata-location") ||
      !body["metadata-location"].is_string()) {
    return Corrupt("{}: {} answered without metadata and metadata-location", what, Describe());
  }
  Table t;
  t.metadata_path = body["metadata-location"].get<std::string>();
  ASSIGN_OR_RETURN(t.metadata, iceberg::TableMetadataFromJson(body["metadata"], t.metadata_path));
  t.table_dir = iceberg::StripFileScheme(t.metadata.location);
  while (t.table_dir.size() > 1 && t.table_dir.back() == '/') t.table_dir.pop_back();
  t.version = VersionOf(t.metadata_path);
  return t;
}

Result<Table> RestCatalog::LoadTable(const TableIdentifier& id) const {
  const std::string what = "loading table " + id.ToString();
  ASSIGN_OR_RETURN(Response r, Request("GET", TablePath(id), nullptr, Send::kRetrying));
  if (!Is2xx(r.status)) return ErrorFrom(what, r);
  return TableFromResult(r.body, what);
}

Result<bool> RestCatalog::TableExists(const TableIdentifier& id) const {
  ASSIGN_OR_RETURN(Response r, Request("HEAD", TablePath(id), nullptr, Send::kRetrying));
  if (r.status == 404) return false;
  if (Is2xx(r.status)) return true;
  return ErrorFrom("checking table " + id.ToString(), r);
}

Result<std::vector<TableIdentifier>> RestCatalog::ListTables(const std::vector<std::string>& ns) const {
  std::vector<TableIdentifier> out;
  std::string page;
  // Pages until the server gives no next-page-token (spec: pageToken / next-page-token).
  for (int pages = 0; pages < 100000; ++pages) {
    std::string path = NamespacePath(ns) + "/tables";
    if (!page.empty()) path += "?pageToken=" + io::UrlEncode(page);
    ASSIGN_OR_RETURN(Response r, Request("GET", path, nullptr, Send::kRetrying));
    if (!Is2xx(r.status)) return ErrorFrom("listing tables of namespace " + JoinNamespace(ns), r);
    if (r.body.is_object() && r.body.contains("identifiers") && r.body["identifiers"].is_array()) {
      for (const auto& j : r.body["identifiers"]) {
        TableIdentifier id;
        id.ns = j.value("namespace", std::vector<std::string>{});
        id.name = j.value("name", std::string());
        out.push_back(std::move(id));
      }
    }
    const json* next = r.body.is_object() && r.body.contains("next-page-token") ? &r.body["next-page-token"] : nullptr;
    if (next == nullptr || !next->is_string() || next->get<std::string>().empty()) break;
    page = next->get<std::string>();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<std::vector<std::string>>> RestCatalog::ListNamespaces(const std::vector<std::string>& parent) const {
  std::vector<std::vector<std::string>> out;
  std::string page;
  for (int pages = 0; pages < 100000; ++pages) {
    std::string path = "/v1" + prefix_path_ + "/namespaces";
    std::string sep = "?";
    if (!parent.empty()) {
      path += sep + "parent=" + io::UrlEncode(JoinNamespace(parent));
      sep = "&";
    }
    if (!page.empty()) path += sep + "pageToken=" + io::UrlEncode(page);
    ASSIGN_OR_RETURN(Response r, Request("GET", path, nullptr, Send::kRetrying));
    if (!Is2xx(r.status)) return ErrorFrom("listing namespaces", r);
    if (r.body.is_object() && r.body.contains("namespaces") && r.body["namespaces"].is_array()) {
      for (const auto& j : r.body["namespaces"]) out.push_back(j.get<std::vector<std::string>>());
    }
    const json* next = r.body.is_object() && r.body.contains("next-page-token") ? &r.body["next-page-token"] : nullptr;
    if (next == nullptr || !next->is_string() || next->get<std::string>().empty()) break;
    page = next->get<std::string>();
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<bool> RestCatalog::NamespaceExists(const std::vector<std::string>& ns) const {
  ASSIGN_OR_RETURN(Response r, Request("GET", NamespacePath(ns), nullptr, Send::kRetrying));
  if (r.status == 404) return false;
  if (Is2xx(r.status)) return true;
  return ErrorFrom("reading namespace " + JoinNamespace(ns), r);
}

Status RestCatalog::CreateNamespace(const std::vector<std::string>& ns, const std::map<std::string, std::string>& properties) {
  json body{{"namespace", ns}, {"properties", json::object()}};
  for (const auto& [k, v] : properties) body["properties"][k] = v;
  // Not re-sent by the transport: a repeat of a create that landed would answer 409.
  ASSIGN_OR_RETURN(Response r, Request("POST", "/v1" + prefix_path_ + "/namespaces", &body, Send::kOnce));
  if (!Is2xx(r.status)) return ErrorFrom("creating namespace " + JoinNamespace(ns), r);
  return Status::OK();
}

// Creates the namespace and each missing parent, top down (servers such as Polaris require
// the parent to exist). Another writer creating one meanwhile is fine.
Status RestCatalog::EnsureNamespace(const std::vector<std::string>& ns) {
  for (size_t n = 1; n <= ns.size(); ++n) {
    std::vector<std::string> level(ns.begin(), ns.begin() + n);
    ASSIGN_OR_RETURN(bool exists, NamespaceExists(level));
    if (exists) continue;
    Status st = CreateNamespace(level);
    if (!st.ok() && st.code() != ErrorCode::kAlreadyExists) return st;
  }
  return Status::OK();
}

Result<std::string> RestCatalog::DefaultLocation(const TableIdentifier& id) const {
  ASSIGN_OR_RETURN(bool ns_exists, NamespaceExists(id.ns));
  auto w = config_.find("warehouse");
  const bool warehouse_is_place = w != config_.end() && w->second.find('/') != std::string::npos;
  if (!ns_exists && !warehouse_is_place) {
    // A job that creates a table writes its first data files before the table exists, so it
    // needs the location now; only the server knows it, and only inside a namespace. The
    // namespace is created here, as CreateTable would create it moments later.
    RETURN_IF_ERROR(const_cast<RestCatalog*>(this)->EnsureNamespace(id.ns));
    ns_exists = true;
  }
  if (ns_exists) {
    // The server decides where a table lives (a namespace's location property, its warehouse
    // layout): a staged create persists nothing and reports the location it would use.
    json probe{{"name", id.name},
               {"schema", {{"type", "struct"}, {"schema-id", 0}, {"fields", json::array()}}},
               {"stage-create", true}};
    ASSIGN_OR_RETURN(Response r, Request("POST", NamespacePath(id.ns) + "/tables", &probe, Send::kOnce));
    if (r.status == 409) {
      ASSIGN_OR_RETURN(Table t, LoadTable(id));
      return t.metadata.location;
    }
    if (!Is2xx(r.status)) return ErrorFrom("asking where table " + id.ToString() + " would be created", r);
    if (r.body.is_object() && r.body.contains("metadata") && r.body["metadata"].contains("location") &&
        r.body["metadata"]["location"].is_string()) {
      return r.body["metadata"]["location"].get<std::string>();
    }
  }
  // No namespace yet (CreateTable will create it): the warehouse the configuration names.
  if (warehouse_is_place) {
    std::string loc = w->second;
    while (!loc.empty() && loc.back() == '/') loc.pop_back();
    for (const auto& n : id.ns) loc += "/" + n;
    return loc + "/" + id.name;
  }
  return NotFound("{}: cannot tell where table {} would live: namespace {} does not exist and the catalog "
                  "configuration names no warehouse location; create the namespace first",
                  Describe(), id.ToString(), JoinNamespace(id.ns));
}

Result<Table> RestCatalog::CreateTable(const TableIdentifier& id, TableMetadata metadata) {
  const std::string name = id.ToString();
  if (metadata.location.empty()) return InvalidArgument("creating table {}: the metadata has no location", name);
  const Schema* schema = metadata.CurrentSchema();
  const iceberg::PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) {
    return InvalidArgument("creating table {}: the metadata lacks its current schema or default spec", name);
  }
  ASSIGN_OR_RETURN(RestCommitBody body, DiffForCreate(metadata, name));
  RETURN_IF_ERROR(EnsureNamespace(id.ns));

  // 1. Staged create: the server checks name, schema and location and persists nothing.
  json stage{{"name", id.name},
             {"location", metadata.location},
             {"schema", SchemaToJson(*schema)},
             {"partition-spec", iceberg::PartitionSpecToJson(*spec)},
             {"properties", json::object()},
             {"stage-create", true}};
  for (const auto& o : metadata.sort_orders) {
    if (o.order_id == metadata.default_sort_order_id) stage["write-order"] = iceberg::SortOrderToJson(o);
  }
  for (const auto& [k, v] : metadata.properties) stage["properties"][k] = v;
  ASSIGN_OR_RETURN(Response staged, Request("POST", NamespacePath(id.ns) + "/tables", &stage, Send::kOnce));
  if (staged.status == 409) return ErrorFrom("creating table " + name, staged);  // AlreadyExists
  if (!Is2xx(staged.status)) return ErrorFrom("creating table " + name + " (staged)", staged);

  // 2. The create commit: assert-create and every update from nothing to `metadata`.
  json commit{{"identifier", IdentifierJson(id)}, {"requirements", body.requirements}, {"updates", body.updates}};
  Result<Response> r = Request("POST", TablePath(id), &commit, Send::kOnce);
  if (!r.ok() || StateUnknown(r->status)) {
    return ResolveUnknownCommit(id, metadata, body.added_snapshots,
                                r.ok() ? fmt::format("HTTP {}", r->status) : r.status().message());
  }
  if (r->status == 409) {
    Status st = ErrorFrom("creating table " + name, *r);
    return AlreadyExists("{}", st.message());
  }
  if (!Is2xx(r->status)) return ErrorFrom("creating table " + name, *r);
  return TableFromResult(r->body, "creating table " + name);
}

Result<Table> RestCatalog::CommitTable(const TableIdentifier& id, const iceberg::MetadataUpdate& update,
                                       const iceberg::CommitOptions& options) {
  const std::string name = id.ToString();
  return iceberg::RetryCommit(name, options, [&](int) -> Result<std::optional<Table>> {
    ASSIGN_OR_RETURN(Table base, LoadTable(id));
    ASSIGN_OR_RETURN(TableMetadata next, update(base));
    ASSIGN_OR_RETURN(RestCommitBody body, DiffForCommit(base.metadata, next, name));
    if (body.empty()) return std::optional<Table>(std::move(base));  // nothing to change
    json commit{{"identifier", IdentifierJson(id)}, {"requirements", body.requirements}, {"updates", body.updates}};
    Result<Response> r = Request("POST", TablePath(id), &commit, Send::kOnce);
    if (!r.ok() || StateUnknown(r->status)) {
      ASSIGN_OR_RETURN(Table landed, ResolveUnknownCommit(id, next, body.added_snapshots,
                                                          r.ok() ? fmt::format("HTTP {}", r->status)
                                                                 : r.status().message()));
      return std::optional<Table>(std::move(landed));
    }
    // 409: a requirement failed, another writer committed first. 503: the server was not ready
    // and applied nothing. Both: rebuild on a fresh load.
    if (r->status == 409 || r->status == 503) return std::optional<Table>();
    if (!Is2xx(r->status)) return ErrorFrom("committing to table " + name, *r);
    ASSIGN_OR_RETURN(Table t, TableFromResult(r->body, "committing to table " + name));
    return std::optional<Table>(std::move(t));
  });
}

// The commit may or may not have been applied. Only the table can tell: it landed when the
// reloaded metadata holds every snapshot it added (snapshot ids are random 63-bit numbers, so
// they are ours), or, for a commit without snapshots, when the reloaded metadata needs no
// update to become `next` (its uuid included, for a create). Never re-sent: a repeat of a
// commit that landed would be applied twice, or fail on its own requirements.
Result<Table> RestCatalog::ResolveUnknownCommit(const TableIdentifier& id, const TableMetadata& next,
                                                const std::vector<iceberg::SnapshotId>& added, const std::string& why) {
  const std::string name = id.ToString();
  Result<Table> reloaded = LoadTable(id);
  if (reloaded.ok() && reloaded->metadata.table_uuid == next.table_uuid) {
    bool landed = true;
    for (iceberg::SnapshotId s : added) landed = landed && reloaded->metadata.SnapshotById(s) != nullptr;
    if (landed && added.empty()) {
      Result<RestCommitBody> rest = DiffForCommit(reloaded->metadata, next, name);
      landed = rest.ok() && rest->empty();
    }
    if (landed) return std::move(reloaded).value();
  }
  return IOError(
      "table {}: commit state unknown: {} answered the commit with {} and the table, reloaded, does not show it "
      "({}); the commit may still land or may have been dropped. It was not re-sent; check the table before "
      "committing again",
      name, Describe(), Scrub(why),
      reloaded.ok() ? "its current metadata is " + reloaded->metadata_path : Scrub(reloaded.status().message()));
}

Status RestCatalog::DropTable(const TableIdentifier& id, bool purge) {
  const std::string path = TablePath(id) + (purge ? "?purgeRequested=true" : "?purgeRequested=false");
  ASSIGN_OR_RETURN(Response r, Request("DELETE", path, nullptr, Send::kOnce));
  if (!Is2xx(r.status)) return ErrorFrom("dropping table " + id.ToString(), r);
  return Status::OK();
}

}  // namespace icesync::catalog
