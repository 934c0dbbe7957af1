#pragma once
// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temporary directory,
// listen on a free port of 127.0.0.1 with password authentication, stop and delete on exit.
// PostgreSQL refuses to run as root (CI runs as root), so as root the server runs as the
// unprivileged system user `icesync-pg`, created when missing.
#include <memory>
#include <string>

namespace icesync::testing {

class PostgresServer {
 public:
  static constexpr const char* kUser = "icesync";
  static constexpr const char* kPassword = "icesync-test-pw";
  // Environment variable the URLs name for the password (set by Start()).
  static constexpr const char* kPasswordEnv = "ICESYNC_TEST_PG_PASSWORD";

  // The server shared by the whole process (started on first use, stopped at exit), or
  // nullptr when it cannot start; `error` then says why.
  static PostgresServer* Shared(std::string* error);
  ~PostgresServer();

  int port() const { return port_; }
  // postgresql://icesync@127.0.0.1:PORT/DB?password_env=ICESYNC_TEST_PG_PASSWORD
  std::string Url(const std::string& database = "postgres") const;
  // Drops `database` (a plain name) if it exists, creates it empty and returns its Url: tests
  // that run many times in one server (soaks, reused seeds) then never meet old tables.
  std::string FreshDatabase(const std::string& database) const;
  // Runs SQL through psql as the test user; returns psql's stdout, or fails the test.
  std::string Psql(const std::string& sql, const std::string& database = "postgres") const;
  // psql command line prefix (with PGPASSWORD) for benchmarks that pipe data through psql.
  std::string PsqlCommand(const std::string& database = "postgres") const;
  std::string bin_dir() const { return bin_dir_; }

 private:
  PostgresServer() = default;
  bool Start(std::string* error);
  std::string AsServerUser(const std::string& command) const;

  std::string bin_dir_;
  std::string dir_;
  std::string run_as_;  // empty when not root
  int port_ = 0;
  bool running_ = false;
};

// Picks a TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLocalPort();

}  // namespace icesync::testing
