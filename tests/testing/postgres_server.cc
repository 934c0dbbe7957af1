#include "testing/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "testing/test_util.h"

namespace icesync::testing {
namespace fs = std::filesystem;

namespace {

std::string FindPostgresBin() {
  std::string best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path initdb = e.path() / "bin" / "initdb";
    if (fs::exists(initdb) && (best.empty() || e.path().string() > best)) best = (e.path() / "bin").string();
  }
  return best;
}

}  // namespace

int FreeLocalPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

PostgresServer* PostgresServer::Shared(std::string* error) {
  static std::unique_ptr<PostgresServer> server;
  static std::string start_error;
  static bool tried = false;
  if (!tried) {
    tried = true;
    std::unique_ptr<PostgresServer> s(new PostgresServer());
    if (s->Start(&start_error)) server = std::move(s);
  }
  if (!server && error != nullptr) *error = start_error;
  return server.get();
}

std::string PostgresServer::AsServerUser(const std::string& command) const {
  std::string c = "cd / && " + command;
  if (run_as_.empty()) return c;
  return "runuser -u " + run_as_ + " -- /bin/sh -c " + ShellQuote(c);
}

bool PostgresServer::Start(std::string* error) {
  bin_dir_ = FindPostgresBin();
  if (bin_dir_.empty()) {
    *error = "PostgreSQL server binaries not found under /usr/lib/postgresql (scripts/install-deps.sh installs them)";
    return false;
  }
  setenv(kPasswordEnv, kPassword, 1);
  std::random_device rd;
  const char* tmp = std::getenv("TMPDIR");
  dir_ = std::string(tmp ? tmp : "/tmp") + "/icesync-pg-" + std::to_string(getpid()) + "-" + std::to_string(rd());
  fs::create_directories(dir_);
  if (geteuid() == 0) {
    run_as_ = "icesync-pg";
    if (RunCommand("id -u icesync-pg").exit_code != 0) {
      CommandResult r = RunCommand("useradd --system --no-create-home --shell /usr/sbin/nologin icesync-pg");
      if (r.exit_code != 0 && RunCommand("id -u icesync-pg").exit_code != 0) {  // a parallel test may have won
        *error = "cannot create the unprivileged user icesync-pg to run PostgreSQL: " + r.err;
        return false;
      }
    }
    RunCommand("chown icesync-pg " + ShellQuote(dir_));
  }
  fs::permissions(dir_, fs::perms::owner_all);
  WriteFile(dir_ + "/pwfile", std::string(kPassword) + "\n");
  if (!run_as_.empty()) RunCommand("chown icesync-pg " + ShellQuote(dir_ + "/pwfile"));
  std::string data = dir_ + "/data";
  CommandResult init = RunCommand(AsServerUser(bin_dir_ + "/initdb -D " + ShellQuote(data) + " -U " + kUser +
                                               " --pwfile=" + ShellQuote(dir_ + "/pwfile") +
                                               " --auth=scram-sha-256 -E UTF8 --locale=C"));
  if (init.exit_code != 0) {
    *error = "initdb failed: " + init.out + init.err;
    return false;
  }
  // Two test processes may pick the same free port; retry with another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLocalPort();
    std::string opts = "-p " + std::to_string(port_) + " -k " + dir_ +
                       " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    CommandResult start = RunCommand(AsServerUser(bin_dir_ + "/pg_ctl -D " + ShellQuote(data) + " -l " +
                                                  ShellQuote(dir_ + "/log") + " -o " + ShellQuote(opts) + " -w -t 60 start"));
    if (start.exit_code == 0) {
      running_ = true;
      return true;
    }
    *error = "pg_ctl start failed: " + start.out + start.err + ReadFile(dir_ + "/log");
  }
  return false;
}

PostgresServer::~PostgresServer() {
  if (running_) RunCommand(AsServerUser(bin_dir_ + "/pg_ctl -D " + ShellQuote(dir_ + "/data") + " -m immediate -w stop"));
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::Url(const std::string& database) const {
  return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + database +
         "?password_env=" + kPasswordEnv;
}

std::string PostgresServer::FreshDatabase(const std::string& database) const {
  // Two calls: CREATE DATABASE cannot run in the transaction psql wraps several statements in.
  Psql("DROP DATABASE IF EXISTS \"" + database + "\"");
  Psql("CREATE DATABASE \"" + database + "\"");
  return Url(database);
}

std::string PostgresServer::PsqlCommand(const std::string& database) const {
  return "PGPASSWORD=" + std::string(kPassword) + " " + bin_dir_ + "/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
         std::to_string(port_) + " -U " + kUser + " -d " + ShellQuote(database);
}

std::string PostgresServer::Psql(const std::string& sql, const std::string& database) const {
  CommandResult r = RunCommand(PsqlCommand(database) + " -At -c " + ShellQuote(sql));
  if (r.exit_code != 0) throw std::runtime_error("psql failed: " + r.err);
  return r.out;
}

}  // namespace icesync::testing
