// The whole product through each catalog, on the real binary: sync (first run, then changes
// with updates and deletes), scan, snapshots, import (first, then incremental), diff and
// maintain, with the same flags a user types (--warehouse, --catalog). After every step the
// rows are compared with the SQLite source (or target) row by row, and icebird reads the table
// from the metadata file the catalog names.
//
// Catalogs: the filesystem warehouse (the baseline), the SQL catalog on a SQLite file (and on
// the test PostgreSQL with the warehouse in s3://), and the
// REST catalog (against tests/testing/rest_catalog_server.mjs, a stand-in written from the
// spec: no REST catalog server can be installed here), and on s3:// (see below).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include "testing/export_support.h"
#include "io/s3_file_io.h"
#include "testing/postgres_server.h"
#include "testing/rest_server.h"
#include "testing/s3_server.h"
#include "testing/test_util.h"

namespace icesync::cli {
namespace {

using icesync::testing::RestServer;
using icesync::testing::RestServerOptions;
using icesync::testing::RunCommand;
using sync::testing::CommandResult;
using sync::testing::Icesync;
using sync::testing::ShellQuote;
using sync::testing::TempDir;

// One row as comparable text: canonical JSON writes longs as strings and doubles the ECMAScript
// way (3), sqlite3 -json numbers (3.0): every number and every integer-looking string of the
// integer columns becomes a double.
std::string Comparable(nlohmann::json row) {
  for (auto& [k, v] : row.items()) {
    if (v.is_string() && (k == "id" || k == "qty")) v = std::stod(v.get<std::string>());
    if (v.is_number()) v = v.get<double>();
  }
  return row.dump();
}

// The rows of a SQLite table as a set of JSON objects (sqlite3 -json), keys as columns.
std::multiset<std::string> SqliteRows(const std::string& db, const std::string& table) {
  CommandResult r = RunCommand("sqlite3 -json " + ShellQuote(db) + " " + ShellQuote("SELECT * FROM " + table));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::multiset<std::string> rows;
  if (r.out.find_first_not_of(" \n") == std::string::npos) return rows;  // sqlite3 prints nothing for no rows
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(j.is_array()) << r.out;
  if (!j.is_array()) return rows;
  for (auto& row : j) rows.insert(Comparable(row));
  return rows;
}

// `icesync scan` rows (JSON Lines) as the same set of objects, with only `columns` kept (the
// source's columns: a target may add none, scan shows exactly the table's).
std::multiset<std::string> JsonLines(const std::string& text) {
  std::multiset<std::string> rows;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    rows.insert(Comparable(j));
  }
  return rows;
}

void Sqlite(const std::string& db, const std::string& sql) {
  CommandResult r = RunCommand("sqlite3 " + ShellQuote(db) + " " + ShellQuote(sql));
  ASSERT_EQ(r.exit_code, 0) << sql << "\n" << r.err;
}

struct CatalogCase {
  std::string name;
  // Sets up the catalog in `dir`; returns the flags (--warehouse/--catalog), the environment
  // of icesync and that of the icebird check.
  std::function<void(const TempDir& dir, std::string* flags, std::string* env, std::string* icebird_env)> setup;
};

void PrintTo(const CatalogCase& c, std::ostream* os) { *os << c.name; }

class CatalogsTest : public ::testing::TestWithParam<CatalogCase> {
 protected:
  void SetUp() override {
    GetParam().setup(dir_, &flags_, &env_, &icebird_env_);
    if (HasFatalFailure() || IsSkipped()) return;
    src_ = dir_.file("src.db");
    dst_ = dir_.file("dst.db");
    Sqlite(src_, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL)");
    std::string insert = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                         "INSERT INTO items SELECT i, 'item ' || i, i % 7, i * 1.5 FROM n";
    Sqlite(src_, insert);
  }

  CommandResult Run(const std::string& args) {
    CommandResult r = Icesync(args + " " + flags_, env_);
    EXPECT_EQ(r.exit_code, 0) << "icesync " << args << " " << flags_ << "\n" << r.out << r.err;
    return r;
  }
  std::string Source() const { return "--source " + ShellQuote("sqlite://" + src_); }
  std::string Target() const { return "--target " + ShellQuote("sqlite://" + dst_); }

  void ExpectTableMatchesSource(const std::string& what) {
    CommandResult scan = Run("scan shop.items --sort");
    EXPECT_EQ(JsonLines(scan.out), SqliteRows(src_, "items")) << what;
  }

  TempDir dir_;
  std::string flags_, env_, icebird_env_;
  std::string src_, dst_;
};

TEST_P(CatalogsTest, SyncImportMaintainRoundTrip) {
  // First sync creates the table (in the catalog) with the whole source.
  CommandResult first = Run("sync " + Source() + " --table items --to shop.items --detect full --json");
  ASSERT_EQ(first.exit_code, 0);
  ExpectTableMatchesSource("after the first sync");

  // Changes: updates, deletes, inserts; the second sync writes position deletes.
  Sqlite(src_, "UPDATE items SET qty = qty + 100 WHERE id <= 20");
  Sqlite(src_, "DELETE FROM items WHERE id BETWEEN 21 AND 40");
  Sqlite(src_, "INSERT INTO items VALUES (1001, 'new', 1, 2.5), (1002, 'newer', 2, 3.5)");
  CommandResult second = Run("sync " + Source() + " --table items --to shop.items --detect full --detect-deletes --json");
  nlohmann::json j = nlohmann::json::parse(second.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << second.out;
  EXPECT_EQ(j["updated"], 20) << second.out;
  EXPECT_EQ(j["deleted"], 20) << second.out;
  EXPECT_EQ(j["inserted"], 2) << second.out;
  ExpectTableMatchesSource("after the second sync");

  // A sync with nothing to do commits nothing.
  CommandResult idle = Run("sync " + Source() + " --table items --to shop.items --detect full --detect-deletes --json");
  EXPECT_NE(idle.out.find("unchanged"), std::string::npos) << idle.out;

  CommandResult snaps = Run("snapshots shop.items --format json");
  nlohmann::json sj = nlohmann::json::parse(snaps.out, nullptr, false);
  ASSERT_TRUE(sj.is_array()) << snaps.out;
  EXPECT_EQ(sj.size(), 2u);

  // Import: first a full load, then the net change of another sync.
  Run("import --from shop.items " + Target() + " --table items --strategy upsert --create --json");
  EXPECT_EQ(SqliteRows(dst_, "items"), SqliteRows(src_, "items"));
  Sqlite(src_, "DELETE FROM items WHERE id BETWEEN 41 AND 45");
  Sqlite(src_, "UPDATE items SET name = 'renamed' WHERE id = 50");
  Run("sync " + Source() + " --table items --to shop.items --detect full --detect-deletes");
  CommandResult inc = Run("import --from shop.items " + Target() + " --table items --strategy upsert --json");
  EXPECT_NE(inc.out.find("\"full_read\":false"), std::string::npos) << inc.out;
  EXPECT_EQ(SqliteRows(dst_, "items"), SqliteRows(src_, "items"));

  // diff agrees, by key and by value.
  CommandResult diff = Run("diff " + Source() + " --table items --iceberg shop.items --json");
  EXPECT_NE(diff.out.find("\"equal\":true"), std::string::npos) << diff.out;

  // maintain: compaction rewrites the files with deletes into one and commits through the
  // catalog; expiry keeps the last snapshot; rows stay the same.
  CommandResult m = Run("maintain shop.items --compact --min-input-files 2 --expire-snapshots --remove-orphans --older-than 0s --json");
  nlohmann::json mj = nlohmann::json::parse(m.out, nullptr, false);
  ASSERT_FALSE(mj.is_discarded()) << m.out;
  EXPECT_GT(mj["rewritten_data_files"].get<int>(), 0) << m.out;
  EXPECT_EQ(mj["delete_files_after"], 0) << m.out;
  ExpectTableMatchesSource("after maintain");

  // An independent reader opens the metadata the catalog points at.
  CommandResult describe = Run("describe shop.items --format json");
  nlohmann::json dj = nlohmann::json::parse(describe.out, nullptr, false);
  ASSERT_FALSE(dj.is_discarded());
  const std::string location = dj["location"];
  CommandResult status = Run("status shop.items --json");
  nlohmann::json st = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_FALSE(st.is_discarded()) << status.out;
  const std::string metadata_path = st.value("metadata", std::string());
  ASSERT_FALSE(metadata_path.empty()) << status.out;
  (void)location;
  // icebird reads the metadata file the catalog names (over HTTP for an s3:// table) and must
  // return exactly the rows `icesync scan` does.
  CommandResult icebird = RunCommand("cd " + ShellQuote(icesync::testing::SourceDir()) + " && " + icebird_env_ +
                                     " node tests/js/icebird_scan.mjs " + ShellQuote(metadata_path));
  ASSERT_EQ(icebird.exit_code, 0) << icebird.err;
  CommandResult scan = Run("scan shop.items --sort");
  EXPECT_EQ(icebird.out, scan.out);
  EXPECT_EQ(JsonLines(icebird.out).size(), SqliteRows(src_, "items").size());
}

TEST_P(CatalogsTest, ExportThenReplace) {
  Run("export " + Source() + " --table items --to shop.items --json");
  ExpectTableMatchesSource("after export");
  Sqlite(src_, "DELETE FROM items WHERE id > 100");
  // Again without --replace: refused, naming the table; nothing committed.
  CommandResult again = Icesync("export " + Source() + " --table items --to shop.items " + flags_, env_);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("shop.items"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--replace"), std::string::npos) << again.err;
  Run("export " + Source() + " --table items --to shop.items --replace --json");
  ExpectTableMatchesSource("after export --replace");
  // A table that is not there: NotFound naming it (exit 5).
  CommandResult missing = Icesync("scan shop.nothing " + flags_, env_);
  EXPECT_EQ(missing.exit_code, 5) << missing.err;
  EXPECT_NE(missing.err.find("shop.nothing"), std::string::npos) << missing.err;
}

CatalogCase Filesystem() {
  return {"filesystem", [](const TempDir& dir, std::string* flags, std::string*, std::string*) {
            *flags = "--warehouse " + ShellQuote(dir.file("wh"));
          }};
}

CatalogCase SqlOnSqlite() {
  return {"sql_sqlite", [](const TempDir& dir, std::string* flags, std::string*, std::string*) {
            *flags = "--warehouse " + ShellQuote(dir.file("wh")) + " --catalog " +
                     ShellQuote("sql:sqlite://" + dir.file("catalog.db"));
          }};
}

CatalogCase Rest() {
  return {"rest", [](const TempDir& dir, std::string* flags, std::string* env, std::string*) {
            static std::unique_ptr<RestServer> server;  // one per case run; replaced by the next
            RestServerOptions o;
            o.warehouse = dir.file("rest-wh");
            server = std::make_unique<RestServer>(o);
            ASSERT_TRUE(server->error().empty()) << server->error();
            *flags = "--catalog " + ShellQuote("rest:" + server->uri());
            *env = "ICESYNC_REST_CREDENTIAL=" + ShellQuote(o.client_id + ":" + o.client_secret);
          }};
}

// The S3 cases run on the test's S3-compatible server (tests/testing/s3_server.h), each in a
// prefix of its own: a SQL catalog with the warehouse in s3:// (s3rver), and the filesystem
// catalog on s3:// through the strict proxy, which refuses a second create of a key as S3
// does (s3rver alone does not, and the filesystem catalog refuses such a store: see
// FilesystemCatalogOnS3WithoutConditionalWritesIsRefused).
std::string S3Env(const icesync::testing::S3Server& s3, bool strict) {
  std::string env = std::string("AWS_ACCESS_KEY_ID=") + s3.kAccessKey + " AWS_SECRET_ACCESS_KEY=" + s3.kSecretKey +
                    " AWS_REGION=us-east-1 AWS_ENDPOINT_URL=" + ShellQuote(strict ? s3.strict_endpoint() : s3.endpoint());
  if (strict) env += std::string(" AWS_SESSION_TOKEN=") + s3.kSessionToken;
  return env;
}

CatalogCase SqlOnS3() {
  return {"sql_s3", [](const TempDir& dir, std::string* flags, std::string* env, std::string* icebird_env) {
            REQUIRE_S3_SERVER(s3);
            *flags = "--warehouse " + ShellQuote(s3->Location(dir.path().filename().string() + "/wh")) +
                     " --catalog " + ShellQuote("sql:sqlite://" + dir.file("catalog.db"));
            *env = S3Env(*s3, false);
            *icebird_env = "ICEBIRD_S3_ENDPOINT=" + ShellQuote(s3->endpoint());
          }};
}

CatalogCase SqlOnPostgresS3() {
  return {"sql_postgres_s3", [](const TempDir& dir, std::string* flags, std::string* env, std::string* icebird_env) {
            REQUIRE_S3_SERVER(s3);
            std::string error;
            icesync::testing::PostgresServer* pg = icesync::testing::PostgresServer::Shared(&error);
            ASSERT_NE(pg, nullptr) << error;
            // The catalog's password travels as password_env (set in this process's environment,
            // inherited by icesync), never in the URL.
            const std::string url = pg->FreshDatabase("icesync_catalogs");
            *flags = "--warehouse " + ShellQuote(s3->Location(dir.path().filename().string() + "/pgwh")) +
                     " --catalog " + ShellQuote("sql:" + url);
            *env = S3Env(*s3, false);
            *icebird_env = "ICEBIRD_S3_ENDPOINT=" + ShellQuote(s3->endpoint());
          }};
}

CatalogCase FilesystemOnS3() {
  return {"filesystem_s3", [](const TempDir& dir, std::string* flags, std::string* env, std::string* icebird_env) {
            REQUIRE_S3_SERVER(s3);
            *flags = "--warehouse " + ShellQuote(s3->Location(dir.path().filename().string() + "/fswh"));
            *env = S3Env(*s3, true);
            *icebird_env = "ICEBIRD_S3_ENDPOINT=" + ShellQuote(s3->endpoint());
          }};
}

TEST(CatalogsOnS3Test, FilesystemCatalogOnS3WithoutConditionalWritesIsRefused) {
  REQUIRE_S3_SERVER(s3);
  TempDir dir;
  const std::string db = dir.file("src.db");
  Sqlite(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
  const std::string wh = s3->Location(dir.path().filename().string() + "/wh");
  CommandResult r = Icesync("export --source " + ShellQuote("sqlite://" + db) + " --table t --to ns.t --warehouse " +
                                ShellQuote(wh),
                            S3Env(*s3, false));
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find("If-None-Match"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--catalog sql:"), std::string::npos) << r.err;
  // Nothing half-written is left: no data file, no metadata under the table.
  io::S3FileIO fio(s3->Config());
  Result<std::vector<io::FileInfo>> files = fio.List(wh);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_TRUE(files->empty()) << files->size() << " objects left, e.g. " << (files->empty() ? "" : (*files)[0].location);
}

// sync.yaml's catalog: key: `icesync run` syncs and imports through the SQL catalog, and
// `status -c` reads the tables back from it.
TEST(CatalogsPipelineTest, RunWithACatalogKey) {
  TempDir dir;
  const std::string src = dir.file("src.db"), dst = dir.file("dst.db");
  Sqlite(src, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); "
              "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  const std::string config = dir.file("sync.yaml");
  icesync::testing::WriteFile(config,
                              "warehouse: ./lake\n"
                              "catalog: sql:sqlite://" + dir.file("catalog.db") + "\n"
                              "connections:\n"
                              "  src: sqlite://" + src + "\n"
                              "  dst: sqlite://" + dst + "\n"
                              "tables:\n"
                              "  - name: items\n"
                              "    source: {connection: src, table: items}\n"
                              "    iceberg: shop.items\n"
                              "    import: {connection: dst, table: items, strategy: upsert, create: true}\n");
  CommandResult run = Icesync("run -c " + ShellQuote(config) + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(SqliteRows(dst, "items"), SqliteRows(src, "items"));
  // Registered in the catalog, files under the warehouse next to the file.
  CommandResult rows = RunCommand("sqlite3 " + ShellQuote(dir.file("catalog.db")) +
                                  " \"SELECT table_namespace, table_name, metadata_location FROM iceberg_tables\"");
  EXPECT_NE(rows.out.find("shop|items|" + dir.file("lake") + "/shop/items/metadata/"), std::string::npos) << rows.out;
  CommandResult status = Icesync("status -c " + ShellQuote(config) + " --json");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\"exists\":true"), std::string::npos) << status.out;
  CommandResult scan = Icesync("scan shop.items --warehouse " + ShellQuote(dir.file("lake")) + " --catalog " +
                               ShellQuote("sql:sqlite://" + dir.file("catalog.db")));
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(JsonLines(scan.out), SqliteRows(src, "items"));
}

// Secrets of the new places never show: a wrong S3 secret key (refused by the strict proxy's
// signature check) and a wrong REST client secret give clear errors without them.
TEST(CatalogsSecretsTest, WrongS3SecretAndRestCredentialAreNotEchoed) {
  REQUIRE_S3_SERVER(s3);
  TempDir dir;
  const std::string db = dir.file("src.db");
  Sqlite(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
  const std::string source = "--source " + ShellQuote("sqlite://" + db) + " --table t --to ns.t";
  const std::string s3_secret = "Wr0ng-S3-Secret-Zq7";
  CommandResult r = Icesync("export " + source + " --warehouse " + ShellQuote(s3->Location(dir.path().filename().string())),
                            std::string("AWS_ACCESS_KEY_ID=") + s3->kAccessKey + " AWS_SECRET_ACCESS_KEY=" + s3_secret +
                                " AWS_REGION=us-east-1 AWS_SESSION_TOKEN=" + s3->kSessionToken +
                                " AWS_ENDPOINT_URL=" + ShellQuote(s3->strict_endpoint()));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << r.err;  // the fix names the variable
  EXPECT_EQ((r.out + r.err).find(s3_secret), std::string::npos) << r.err;

  RestServerOptions o;
  o.warehouse = dir.file("rest-wh");
  RestServer rest(o);
  ASSERT_TRUE(rest.error().empty()) << rest.error();
  const std::string rest_secret = "Wr0ng-Rest-Secret-Zq7";
  CommandResult bad = Icesync("export " + source + " --catalog " + ShellQuote("rest:" + rest.uri()),
                              "ICESYNC_REST_CREDENTIAL=" + ShellQuote(o.client_id + ":" + rest_secret));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("401"), std::string::npos) << bad.err;
  EXPECT_EQ((bad.out + bad.err).find(rest_secret), std::string::npos) << bad.err;
}

INSTANTIATE_TEST_SUITE_P(Catalogs, CatalogsTest,
                         ::testing::Values(Filesystem(), SqlOnSqlite(), Rest(), SqlOnS3(), SqlOnPostgresS3(),
                                           FilesystemOnS3()),
                         [](const ::testing::TestParamInfo<CatalogCase>& info) { return info.param.name; });

}  // namespace
}  // namespace icesync::cli
