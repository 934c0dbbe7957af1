#pragma once
// The Iceberg REST catalog (spec: apache/iceberg open-api/rest-catalog-open-api.yaml), the
// protocol of Polaris, Nessie, Unity, Gravitino, Tabular, Lakekeeper and S3 Tables.
//
// What the server owns and what we own:
//   - The server writes every metadata file and decides which one is current. A commit sends
//     requirements and updates (rest_metadata_diff.h), never a metadata file.
//   - Data and manifest files are ours, written under the table's location (which the server
//     reports) through FileIO; a returned Table has table_dir = location and metadata_path =
//     the server's metadata-location.
//
// Flow: credentials (a static bearer token, or OAuth2 client_credentials at
// <uri>/v1/oauth/tokens or the configured oauth2-server-uri; the token is refreshed before it
// expires and once on a 401), then GET /v1/config?warehouse=… whose defaults and overrides
// (`prefix` goes into every path) are merged over ours, then the namespace and table routes.
//
// Commits (CommitTable) follow iceberg::Catalog's contract on iceberg::RetryCommit: load,
// run the update, derive the commit body, POST it. 409 (CommitFailedException: a requirement
// failed, another writer won) → retried on a fresh load. 500/502/504 or a lost connection
// after sending = commit state unknown: the request is never re-sent as is; the table is
// reloaded and the commit counts as landed when the reloaded metadata holds it (its snapshots,
// or for a commit without snapshots every change it made); otherwise the error says the state
// is unknown. Mutating requests therefore go through an HttpClient without transport retries.
//
// CreateTable with a metadata that may already hold a snapshot: a staged create
// (stage-create: true, which persists nothing and tells where the table would live), then one
// commit carrying assert-create and every update from nothing to the metadata (Java's create
// transaction). The table therefore appears atomically, with its first snapshot, the uuid and
// ids the caller computed, or not at all. The other spec-valid way, a plain create then a
// commit of the snapshot, would show an empty table in between and leave one behind on a crash.
//
// Secrets (client secret, tokens) appear in no message: Describe() omits them, and every
// message that may quote the server is scrubbed of them before it is returned.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iceberg/catalog.h"
#include "io/http_client.h"

namespace icesync::catalog {

struct RestCatalogOptions {
  std::string uri;        // "http://host:8181" (the part before /v1/)
  std::string warehouse;  // optional, sent to /v1/config
  // OAuth2 client credentials "client_id:client_secret" (or just a secret); empty: none.
  std::string credential;
  std::string oauth2_server_uri;  // token endpoint; default <uri>/v1/oauth/tokens
  std::string scope = "catalog";
  std::string token;  // a static bearer token, used as is
  std::vector<std::pair<std::string, std::string>> headers;  // sent with every request
  io::HttpRetryPolicy retry;  // for idempotent requests (GET, HEAD, token)
};

class RestCatalog : public iceberg::Catalog {
 public:
  // Authenticates and reads /v1/config. Errors name the URI and the server's ErrorModel.
  static Result<std::shared_ptr<RestCatalog>> Open(RestCatalogOptions options);

  std::string Describe() const override;
  Result<std::string> DefaultLocation(const iceberg::TableIdentifier& id) const override;
  Result<iceberg::Table> LoadTable(const iceberg::TableIdentifier& id) const override;
  Result<bool> TableExists(const iceberg::TableIdentifier& id) const override;
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const std::vector<std::string>& ns) const override;
  Result<iceberg::Table> CreateTable(const iceberg::TableIdentifier& id, iceberg::TableMetadata metadata) override;
  Result<iceberg::Table> CommitTable(const iceberg::TableIdentifier& id, const iceberg::MetadataUpdate& update,
                                     const iceberg::CommitOptions& options = {}) override;
  Status DropTable(const iceberg::TableIdentifier& id, bool purge) override;

  // Namespaces (multi-level), and creation of one (AlreadyExists when it exists).
  Result<std::vector<std::vector<std::string>>> ListNamespaces(const std::vector<std::string>& parent = {}) const;
  Result<bool> NamespaceExists(const std::vector<std::string>& ns) const;
  Status CreateNamespace(const std::vector<std::string>& ns, const std::map<std::string, std::string>& properties = {});

  // The merged catalog configuration (server defaults < client < server overrides).
  const std::map<std::string, std::string>& config() const { return config_; }
  // The `prefix` the configuration gave ("" for none).
  const std::string& prefix() const { return prefix_; }

 private:
  struct Response {
    long status = 0;
    nlohmann::json body;  // null when empty or not JSON
    std::string raw;
  };
  enum class Send { kRetrying, kOnce };

  explicit RestCatalog(RestCatalogOptions options);
  Status Authenticate();
  Status FetchToken() const;  // caller holds mu_
  Status LoadConfig();

  // Sends one request to the catalog (path under uri, e.g. "/v1/config"); refreshes the
  // token once on a 401. Transport failures are IOError naming method and route.
  Result<Response> Request(const std::string& method, const std::string& path, const nlohmann::json* body,
                           Send mode) const;
  // A non-2xx answer as a Status: the ErrorModel's type and message (or OAuth2's error),
  // the HTTP status, the route; code from the status (404 NotFound, 409 AlreadyExists/Conflict,
  // 401/403 InvalidArgument naming the credentials, else IOError).
  Status ErrorFrom(const std::string& what, const Response& r) const;
  // Removes the client secret and tokens from a message that may quote a server.
  std::string Scrub(std::string message) const;

  std::string NamespacePath(const std::vector<std::string>& ns) const;
  std::string TablePath(const iceberg::TableIdentifier& id) const;
  Result<iceberg::Table> TableFromResult(const nlohmann::json& body, const std::string& what) const;
  Status EnsureNamespace(const std::vector<std::string>& ns);
  // The commit whose answer was lost (5xx, connection dropped): landed or unknown.
  Result<iceberg::Table> ResolveUnknownCommit(const iceberg::TableIdentifier& id, const iceberg::TableMetadata& next,
                                              const std::vector<iceberg::SnapshotId>& added, const std::string& why);

  RestCatalogOptions options_;
  std::map<std::string, std::string> config_;
  std::string base_uri_;  // options_.uri without trailing '/'
  std::string prefix_;
  std::string prefix_path_;  // "" or "/<prefix, URL-encoded>", after /v1

  // HttpClient serves one request at a time; the catalog may be shared by tables committing in
  // parallel (icesync run), so requests are serialised here.
  mutable std::mutex mu_;
  mutable std::unique_ptr<io::HttpClient> http_;       // GET/HEAD/token: transport retries
  mutable std::unique_ptr<io::HttpClient> http_once_;  // POST/DELETE: never re-sent blindly
  mutable std::string bearer_;  // current access token ("" = none); written under mu_ and token_mu_
  // Scrub() reads bearer_ from any thread, also while another thread refreshes it under mu_.
  mutable std::mutex token_mu_;
  mutable int64_t bearer_expires_ms_ = 0;               // 0 = does not expire / unknown
};

}  // namespace icesync::catalog
