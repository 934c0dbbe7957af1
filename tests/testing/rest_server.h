#pragma once
// Starts tests/testing/rest_catalog_server.mjs (the spec-following stand-in for a REST catalog
// server, see its header) on a free port of 127.0.0.1 and stops it on destruction. Each
// instance is its own catalog: tests never share tables.
#include <sys/types.h>

#include <string>

namespace icesync::testing {

struct RestServerOptions {
  std::string warehouse;       // directory the server writes metadata under (required)
  std::string prefix;          // announced by /v1/config; "" for none
  std::string warehouse_name;  // when set, /v1/config requires ?warehouse=<this>
  std::string client_id = "icesync-test";
  std::string client_secret = "s3cr3t-for-tests";
  std::string token;  // a static bearer token the server accepts; "" for none
  int page_size = 100;
};

class RestServer {
 public:
  explicit RestServer(RestServerOptions options);
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Empty when the server started; else why not (node missing, no port announced).
  const std::string& error() const { return error_; }
  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const RestServerOptions& options() const { return options_; }

  // Test hooks of the server: the next commit fails as `kind` says ("conflict", "500-before",
  // "500-after", "drop-after", "503"); forget issued tokens; the state as JSON text
  // ({"commits": n, "last_commit": <the last commit request>}).
  void InjectCommitFailure(const std::string& kind) const;
  void RevokeTokens() const;
  std::string State() const;

 private:
  std::string Post(const std::string& path, const std::string& body) const;

  RestServerOptions options_;
  std::string error_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;  // the server exits when this closes
  int port_ = 0;
};

}  // namespace icesync::testing
