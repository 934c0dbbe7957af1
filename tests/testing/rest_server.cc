#include "testing/rest_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "io/http_client.h"
#include "testing/test_util.h"

namespace icesync::testing {

RestServer::RestServer(RestServerOptions options) : options_(std::move(options)) {
  std::vector<std::string> argv = {"node", SourceDir() + "/tests/testing/rest_catalog_server.mjs",
                                   "--warehouse", options_.warehouse,
                                   "--client-id", options_.client_id,
                                   "--client-secret", options_.client_secret,
                                   "--page-size", std::to_string(options_.page_size)};
  if (!options_.prefix.empty()) argv.insert(argv.end(), {"--prefix", options_.prefix});
  if (!options_.warehouse_name.empty()) argv.insert(argv.end(), {"--warehouse-name", options_.warehouse_name});
  if (!options_.token.empty()) argv.insert(argv.end(), {"--token", options_.token});
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) {
    error_ = "pipe failed";
    return;
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execvp("node", cargv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  // The first line is "PORT <n>"; EOF before it means the server did not start.
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  if (port_ <= 0) error_ = "the REST catalog test server did not start (is node installed?): '" + line + "'";
}

RestServer::~RestServer() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string RestServer::Post(const std::string& path, const std::string& body) const {
  io::HttpClient http;
  io::HttpRequest req;
  req.method = body.empty() && path == "/test/state" ? "GET" : "POST";
  req.url = uri() + path;
  req.body = body;
  auto r = http.Send(req);
  return r.ok() ? r->body : std::string();
}

void RestServer::InjectCommitFailure(const std::string& kind) const { Post("/test/inject", "{\"commit\":\"" + kind + "\"}"); }
void RestServer::RevokeTokens() const { Post("/test/revoke-tokens", "{}"); }
std::string RestServer::State() const { return Post("/test/state", ""); }

}  // namespace icesync::testing
