// Passwords never leak: every command that takes a connection (export, sync, import, run,
// status, diff) and maintain, on the real binary against the test PostgreSQL with a password
// typed into the URL or an ODBC string (PWD= / Password=), in runs that succeed and runs that
// fail (wrong table, unreachable host, a SQL Server nobody listens for). The password must
// appear nowhere: stdout, stderr, --json output, any file under the warehouse (metadata JSON,
// snapshot summaries, manifests, _icesync/) and the target's icesync_state table.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "db/connection_string.h"
#include "testing/export_support.h"
#include "testing/postgres_server.h"

namespace icesync::cli {
namespace {

using icesync::testing::PostgresServer;
using sync::testing::CommandResult;
using sync::testing::FilesUnder;
using sync::testing::Icesync;
using sync::testing::ShellQuote;

// Distinctive, and with characters ODBC strings must brace (';' '=' '{' '}' ' ') so that the
// typed forms differ from the driver's.
constexpr const char* kSecret = "Zq7-leak;me=not {x}}y 9";
// The same secret, percent-encoded for the URL's userinfo.
constexpr const char* kSecretInUrl = "Zq7-leak%3Bme%3Dnot%20%7Bx%7D%7Dy%209";
constexpr const char* kRole = "icesync_secret_role";
constexpr const char* kDatabase = "icesync_secrets";

class SecretsTest : public sync::testing::ExportFixture {
 protected:
  void SetUp() override {
    std::string error;
    server_ = PostgresServer::Shared(&error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Psql(std::string("DROP DATABASE IF EXISTS ") + kDatabase);
    server_->Psql(std::string("DROP ROLE IF EXISTS ") + kRole);
    // The password goes into SQL text here (test set-up, psql has no bind): doubled quotes.
    std::string literal = kSecret;
    server_->Psql(std::string("CREATE ROLE ") + kRole + " LOGIN PASSWORD '" + literal + "'");
    server_->Psql(std::string("CREATE DATABASE ") + kDatabase + " OWNER " + kRole);
    server_->Psql(std::string("SET ROLE ") + kRole +
                      "; CREATE TABLE customers (id integer PRIMARY KEY, name text, updated_at timestamp);"
                      "INSERT INTO customers VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02'), (3, 'c', '2024-01-03')",
                  kDatabase);
  }

  std::string Url(const std::string& port = "") const {
    return std::string("postgresql://") + kRole + ":" + kSecretInUrl + "@127.0.0.1:" +
           (port.empty() ? std::to_string(server_->port()) : port) + "/" + kDatabase;
  }
  // The same server as an ODBC string typed by hand, the password under `key` (PWD, Password).
  std::string Odbc(const std::string& key, const std::string& port = "") const {
    std::vector<db::OdbcAttribute> attrs = {{"Driver", std::string(db::kOdbcDriverDir) + "/psqlodbca.so"},
                                            {"Server", "127.0.0.1"},
                                            {"Port", port.empty() ? std::to_string(server_->port()) : port},
                                            {"Database", kDatabase},
                                            {"UID", kRole},
                                            {key, kSecret}};
    return db::FormatOdbcAttributes(attrs);
  }

  // Runs `icesync args` and checks that neither stream carries the secret; returns the result.
  CommandResult Run(const std::string& args, const std::string& env = "") {
    CommandResult r = Icesync(args, env);
    ExpectNoSecret(r.out, "stdout of icesync " + args);
    ExpectNoSecret(r.err, "stderr of icesync " + args);
    ran_.push_back(args);
    return r;
  }
  static void ExpectNoSecret(const std::string& text, const std::string& where) {
    for (const std::string& form : {std::string(kSecret), std::string(kSecretInUrl), std::string("Zq7-leak")}) {
      EXPECT_EQ(text.find(form), std::string::npos) << "the password (" << form << ") leaks into " << where << ":\n"
                                                    << text.substr(0, 4000);
    }
  }
  void ExpectNoSecretInWarehouse() {
    std::vector<std::string> files = FilesUnder(warehouse());
    EXPECT_FALSE(files.empty());
    bool saw_icesync_dir = false;
    for (const std::string& f : files) {
      saw_icesync_dir |= f.find("/_icesync/") != std::string::npos;
      ExpectNoSecret(icesync::testing::ReadFile(f), f);
    }
    EXPECT_TRUE(saw_icesync_dir) << "the sync wrote no _icesync/ files: the check would not cover them";
  }

  PostgresServer* server_ = nullptr;
  std::vector<std::string> ran_;
};

TEST_F(SecretsTest, NoCommandLeaksThePassword) {
  const std::string w = ShellQuote(warehouse());
  const std::string url = ShellQuote(Url());
  // Succeeding runs, through the URL and both ODBC spellings.
  EXPECT_EQ(Run("export --source " + url + " --table customers --warehouse " + w + " --to s.exported --json").exit_code,
            0);
  EXPECT_EQ(Run("export --source " + ShellQuote(Odbc("Password")) + " --table customers --warehouse " + w +
                " --to s.exported_odbc -q")
                .exit_code,
            0);
  const std::string sync = "sync --source " + url + " --table customers --warehouse " + w +
                           " --to s.synced --detect timestamp:updated_at --detect-deletes --json";
  EXPECT_EQ(Run(sync).exit_code, 0);
  server_->Psql("UPDATE customers SET name = 'b2', updated_at = '2024-02-01' WHERE id = 2; DELETE FROM customers WHERE id = 3",
                kDatabase);
  EXPECT_EQ(Run(sync).exit_code, 0);
  EXPECT_EQ(Run("sync --source " + ShellQuote(Odbc("PWD")) + " --table customers --warehouse " + w +
                " --to s.synced --detect timestamp:updated_at --detect-deletes --json")
                .exit_code,
            0);
  EXPECT_EQ(Run("import --warehouse " + w + " --from s.synced --target " + url +
                " --table customers_copy --strategy upsert --create --json")
                .exit_code,
            0);
  EXPECT_EQ(Run("import --warehouse " + w + " --from s.synced --target " + ShellQuote(Odbc("PWD")) +
                " --table customers_scd2 --strategy scd2 --create --json")
                .exit_code,
            0);
  EXPECT_EQ(Run("diff --source " + url + " --table customers --warehouse " + w + " --iceberg s.synced --target " + url +
                " --target-table customers_copy --json")
                .exit_code,
            0);
  EXPECT_EQ(Run("diff --source " + url + " --table customers --warehouse " + w + " --iceberg s.synced").exit_code, 0);
  EXPECT_EQ(Run("status --warehouse " + w + " s.synced --json").exit_code, 0);
  EXPECT_EQ(Run("status --warehouse " + w + " s.synced").exit_code, 0);
  EXPECT_EQ(Run("maintain --warehouse " + w + " s.synced --compact --expire-snapshots --remove-orphans --json").exit_code,
            0);
  EXPECT_EQ(Run("maintain --warehouse " + w + " s.synced --compact --expire-snapshots --remove-orphans --dry-run")
                .exit_code,
            0);
  EXPECT_EQ(Run("scan --warehouse " + w + " s.synced --limit 5").exit_code, 0);

  // sync.yaml: the password typed into the file once, and from the environment once.
  icesync::testing::WriteFile(dir_.file("sync.yaml"),
                              "warehouse: " + warehouse() + "\nconnections:\n  pg: '" + Url() + "'\n  env: ${SECRET_URL}\n" +
                                  "  down: '" + Url("1") + "'\n" + R"(tables:
  - name: customers
    source: {connection: pg, table: customers}
    iceberg: s.piped
    detect: timestamp:updated_at
    import: {connection: env, table: customers_piped, strategy: upsert, create: true}
    maintain: {compact_min_files: 2, retain_last: 1}
  - name: missing
    source: {connection: pg, table: no_such_table}
    iceberg: s.missing
  - name: unreachable
    source: {connection: down, table: customers}
    iceberg: s.unreachable
)");
  const std::string env = "SECRET_URL=" + ShellQuote(Odbc("Password"));
  const std::string config = ShellQuote(dir_.file("sync.yaml"));
  EXPECT_EQ(Run("run -c " + config + " --json", env).exit_code, 1);
  EXPECT_EQ(Run("run -c " + config, env).exit_code, 1);
  EXPECT_NE(Run("status -c " + config + " --json", env).exit_code, 2);
  EXPECT_NE(Run("status -c " + config, env).exit_code, 2);

  // Failing runs: a table that does not exist, a port nobody listens on, a SQL Server that is
  // not there (URL and ODBC string), a wrong key.
  const std::string down = ShellQuote(Url("1"));
  EXPECT_NE(Run("export --source " + url + " --table no_such_table --warehouse " + w + " --to s.bad --json").exit_code, 0);
  EXPECT_NE(Run("export --source " + down + " --table customers --warehouse " + w + " --to s.bad").exit_code, 0);
  EXPECT_NE(Run("export --source " + ShellQuote(Odbc("PWD", "1")) + " --table customers --warehouse " + w +
                " --to s.bad --json")
                .exit_code,
            0);
  EXPECT_NE(Run("sync --source " + down + " --table customers --warehouse " + w + " --to s.synced --detect full --json")
                .exit_code,
            0);
  EXPECT_NE(Run("sync --source " + url + " --table customers --warehouse " + w + " --to s.synced --detect id:nope")
                .exit_code,
            0);
  EXPECT_NE(Run("import --warehouse " + w + " --from s.synced --target " + down + " --table x --strategy upsert --json")
                .exit_code,
            0);
  EXPECT_NE(Run("import --warehouse " + w + " --from s.synced --target " + url + " --table no_such_target --strategy upsert")
                .exit_code,
            0);
  EXPECT_NE(Run("diff --source " + url + " --table no_such_table --warehouse " + w + " --iceberg s.synced --json")
                .exit_code,
            0);
  EXPECT_NE(Run("diff --source " + url + " --table customers --warehouse " + w + " --iceberg s.synced --target " + down)
                .exit_code,
            0);
  const std::string mssql_url = std::string("mssql://sa:") + kSecretInUrl + "@127.0.0.1:1/shop";
  const std::string mssql_odbc = db::FormatOdbcAttributes({{"Driver", std::string(db::kOdbcDriverDir) + "/libtdsodbc.so"},
                                                           {"Server", "127.0.0.1"},
                                                           {"Port", "1"},
                                                           {"UID", "sa"},
                                                           {"PWD", kSecret}});
  for (const std::string& mssql : {mssql_url, mssql_odbc}) {
    EXPECT_NE(Run("export --source " + ShellQuote(mssql) + " --table dbo.x --warehouse " + w + " --to s.bad --json")
                  .exit_code,
              0);
    EXPECT_NE(Run("import --warehouse " + w + " --from s.synced --target " + ShellQuote(mssql) +
                  " --table dbo.x --strategy upsert --json")
                  .exit_code,
              0);
  }
  // Malformed connection strings are reported without echoing the password or a piece of
  // it: raw '/', '?' and ';' inside it split the string in the wrong place.
  const std::string raw = "Zq7-leak";
  for (const std::string& bad : {std::string("postgresql://u:") + kSecretInUrl + "@h:notaport/db",
                                 "postgresql://u:" + raw + "/" + raw + "@127.0.0.1:1/db",
                                 "postgresql://u:" + raw + "?" + raw + "@127.0.0.1:1/db",
                                 "postgresql://u:" + raw + "?x=" + raw + "@127.0.0.1:1/db",
                                 "Driver=x;UID=u;PWD=" + raw + ";" + raw + ";Server=h",
                                 "Driver=x;UID=u;Password=" + raw + ";" + raw,
                                 "Server=h;PWD={" + std::string(kSecret) + "}"}) {
    CommandResult r = Run("export --source " + ShellQuote(bad) + " --table t --warehouse " + w + " --to s.bad");
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
  }
  // A sync.yaml whose connection line is broken (an unclosed ${) is reported by key.
  icesync::testing::WriteFile(dir_.file("broken.yaml"), "warehouse: w\nconnections:\n  pg: 'postgresql://u:" + raw +
                                                            "${@h/db'\ntables: []\n");
  CommandResult broken = Run("status -c " + ShellQuote(dir_.file("broken.yaml")));
  EXPECT_EQ(broken.exit_code, 2) << broken.err;
  EXPECT_NE(broken.err.find("unclosed"), std::string::npos) << broken.err;

  ExpectNoSecretInWarehouse();
  // The target's state table and everything else the imports wrote, as text.
  for (const char* table : {"icesync_state", "customers_copy", "customers_scd2", "customers_piped"}) {
    std::string rows = server_->Psql(std::string("SELECT t::text FROM ") + table + " t", kDatabase);
    EXPECT_FALSE(rows.empty()) << table;
    ExpectNoSecret(rows, table);
  }
}

}  // namespace
}  // namespace icesync::cli
