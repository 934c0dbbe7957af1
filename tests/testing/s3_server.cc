#include "testing/s3_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "testing/test_util.h"

namespace icesync::testing {
namespace fs = std::filesystem;

S3Server* S3Server::Shared(std::string* error) {
  static std::unique_ptr<S3Server> server;
  static std::string start_error;
  static bool tried = false;
  if (!tried) {
    tried = true;
    std::unique_ptr<S3Server> s(new S3Server());
    if (s->Start(&start_error)) server = std::move(s);
  }
  if (!server && error != nullptr) *error = start_error;
  return server.get();
}

bool S3Server::Start(std::string* error) {
  if (RunCommand("command -v node").exit_code != 0) {
    *error = "node is not installed (scripts/install-deps.sh installs it): the S3 tests need s3rver";
    return false;
  }
  if (!fs::exists(SourceDir() + "/node_modules/s3rver/package.json")) {
    *error = "the npm package s3rver is not installed in " + SourceDir() +
             "/node_modules: run `npm ci` (scripts/install-deps.sh does)";
    return false;
  }
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    *error = "pipe() failed";
    return false;
  }
  const std::string dir = SourceDir();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = "fork() failed";
    return false;
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copies: the server keeps exactly stdin and stdout.
    dup2(in[0], 0);
    dup2(out[1], 1);
    if (chdir(dir.c_str()) != 0) _exit(126);
    setenv("ICESYNC_S3_TEST_SECRET", kSecretKey, 1);
    // s3rver 3.7.1 makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17)
    // only offers through its legacy provider: without it every truncated listing is a 500.
    execlp("node", "node", "--openssl-legacy-provider", "tests/testing/s3_server.mjs", kBucket, kAccessKey, kSessionToken, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  pid_ = pid;
  stdin_fd_ = in[1];
  // The first line says where it listens; nothing within 60 s (a loaded machine) is a failure.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (line.find('\n') == std::string::npos) {
    const int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    pollfd p{out[0], POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) break;
    char buf[256];
    const ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (std::sscanf(line.c_str(), "{\"port\":%d,\"strictPort\":%d}", &port_, &strict_port_) != 2) {
    *error = "s3rver did not start (tests/testing/s3_server.mjs printed '" + line + "'; its errors are on stderr above)";
    return false;
  }
  return true;
}

S3Server::~S3Server() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the server sees end-of-input and exits
  if (pid_ <= 0) return;
  for (int i = 0; i < 100; ++i) {  // up to 5 s
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string S3Server::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string S3Server::strict_endpoint() const { return "http://127.0.0.1:" + std::to_string(strict_port_); }

io::S3Config S3Server::Config(bool strict) const {
  io::S3Config c;
  c.credentials = {kAccessKey, kSecretKey, strict ? kSessionToken : ""};
  c.credentials_source = "the test's S3 server credentials";
  c.endpoint = strict ? strict_endpoint() : endpoint();
  c.path_style = true;
  return c;
}

std::string S3Server::Location(const std::string& key) const { return std::string("s3://") + kBucket + "/" + key; }

void ReportMissingS3Server(const std::string& why) {
  std::fprintf(stderr,
               "\n**************************************************************\n"
               "*** S3 TESTS NOT RUN: %s\n"
               "**************************************************************\n\n",
               why.c_str());
  if (std::getenv("CI") != nullptr || std::getenv("ICESYNC_REQUIRE_S3RVER") != nullptr) {
    ADD_FAILURE() << "the S3 test server is required here (CI or ICESYNC_REQUIRE_S3RVER is set): " << why;
  }
}

}  // namespace icesync::testing
