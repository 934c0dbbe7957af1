// The SQL catalog against real databases: a SQLite file and the test PostgreSQL server. Every
// behaviour test runs on both; rows are checked as PyIceberg's SqlCatalog and Java's
// JdbcCatalog query them.
#include "catalog/sql_catalog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <set>
#include <thread>

#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "testing/postgres_server.h"
#include "testing/test_util.h"

namespace icesync::catalog {
namespace {

namespace fs = std::filesystem;
using iceberg::Table;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using icesync::testing::PostgresServer;
using icesync::testing::TempDir;

Schema TestSchema() { return Schema({Field{1, "id", DataType::Int64(), true}}); }

// The next metadata with one more snapshot on main, tagged `tag` in its summary: a commit whose
// effect can be counted afterwards (no data files: the catalog never reads manifests).
Result<TableMetadata> AppendSnapshot(const Table& base, const std::string& tag) {
  TableMetadata next = base.metadata;
  iceberg::Snapshot s;
  static std::atomic<int64_t> ids{1000};
  s.snapshot_id = ids.fetch_add(1);
  s.parent_snapshot_id = base.metadata.current_snapshot_id;
  s.sequence_number = base.metadata.last_sequence_number + 1;
  s.timestamp_ms = iceberg::NowMillis();
  s.manifest_list = base.metadata.location + "/metadata/snap-" + std::to_string(s.snapshot_id) + ".avro";
  s.summary = {{"operation", "append"}, {"tag", tag}};
  s.schema_id = base.metadata.current_schema_id;
  next.last_sequence_number = s.sequence_number;
  next.current_snapshot_id = s.snapshot_id;
  next.refs["main"] = iceberg::SnapshotRef{s.snapshot_id};
  next.snapshot_log.push_back({s.timestamp_ms, s.snapshot_id});
  next.snapshots.push_back(std::move(s));
  return next;
}

std::vector<std::string> MetadataFiles(const std::string& table_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(table_dir) / "metadata", ec)) {
    if (e.path().filename().string().ends_with(".metadata.json")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SqlCatalogVersion, JavaAndPyIcebergNaming) {
  EXPECT_EQ(SqlCatalogMetadataVersion("/wh/ns/t/metadata/00000-0b6f2b5e-8c3f-4b8e-9d51-3a7d2a1f0c11.metadata.json"), 0);
  EXPECT_EQ(SqlCatalogMetadataVersion("s3://b/t/metadata/00012-abc.metadata.json"), 12);
  EXPECT_EQ(SqlCatalogMetadataVersion("00003-abc.gz.metadata.json"), 3);
  EXPECT_EQ(SqlCatalogMetadataVersion("/wh/ns/t/metadata/v1.metadata.json"), -1);
  EXPECT_EQ(SqlCatalogMetadataVersion("/wh/ns/t/metadata/x1-abc.metadata.json"), -1);
  EXPECT_EQ(SqlCatalogMetadataVersion("/wh/00001-x/metadata/abc.metadata.json"), -1);
}

class SqlCatalogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (postgres()) {
      std::string error;
      server_ = PostgresServer::Shared(&error);
      ASSERT_NE(server_, nullptr) << error;
      // One database per test: a plain lower-case name from the test's name.
      std::string db = "sqlcat_";
      for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        db += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
      }
      url_ = server_->FreshDatabase(db);
      db_name_ = db;
    } else {
      url_ = "sqlite://" + dir_.file("catalog.db");
    }
    warehouse_ = dir_.file("wh");
  }

  bool postgres() const { return GetParam() == "postgres"; }

  std::shared_ptr<SqlCatalog> OpenCatalog(const std::string& name = "prod") {
    auto c = SqlCatalog::Open(name, url_, warehouse_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : nullptr;
  }

  // A separate connection for looking at the rows as other engines do.
  std::unique_ptr<db::Connection> Raw() {
    auto c = db::Connection::Open(url_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  Result<Table> Create(SqlCatalog& catalog, const TableIdentifier& id) {
    ASSIGN_OR_RETURN(std::string location, catalog.DefaultLocation(id));
    return catalog.CreateTable(id, TableMetadata::NewTable(TestSchema(), iceberg::PartitionSpec::Unpartitioned(),
                                                           location, {}));
  }

  TempDir dir_;
  PostgresServer* server_ = nullptr;
  std::string url_, db_name_, warehouse_;
};

TEST_P(SqlCatalogTest, CreateLoadListDrop) {
  auto catalog = OpenCatalog();
  ASSERT_TRUE(catalog);
  const TableIdentifier t1{{"ns"}, "t1"}, t2{{"a", "b"}, "t2"};
  auto loc = catalog->DefaultLocation(t2);
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(*loc, warehouse_ + "/a/b/t2");  // Java's layout, not PyIceberg's a.b.db/t2

  auto c1 = Create(*catalog, t1);
  ASSERT_TRUE(c1.ok()) << c1.status().ToString();
  ASSERT_TRUE(Create(*catalog, t2).ok());
  EXPECT_EQ(c1->version, 0);
  EXPECT_EQ(c1->table_dir, warehouse_ + "/ns/t1");

  auto loaded = catalog->LoadTable(t1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_path, c1->metadata_path);
  EXPECT_EQ(loaded->version, 0);
  EXPECT_EQ(loaded->table_dir, warehouse_ + "/ns/t1");
  EXPECT_EQ(loaded->metadata.table_uuid, c1->metadata.table_uuid);
  EXPECT_TRUE(fs::path(loaded->metadata_path).filename().string().starts_with("00000-"));
  EXPECT_EQ(fs::path(loaded->metadata_path).parent_path().string(), warehouse_ + "/ns/t1/metadata");
  EXPECT_EQ(*catalog->TableExists(t1), true);
  EXPECT_EQ(*catalog->TableExists({{"ns"}, "nope"}), false);
  EXPECT_EQ(catalog->LoadTable({{"ns"}, "nope"}).status().code(), ErrorCode::kNotFound);

  // Creating it again: AlreadyExists, and no stray metadata file.
  auto again = Create(*catalog, t1);
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists) << again.status().ToString();
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t1").size(), 1u);

  auto list = catalog->ListTables({"ns"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0], t1);
  if (!postgres()) {
    EXPECT_EQ(catalog->Describe(), "SQL catalog 'prod' (" + url_ + ")");
  }
  auto nested = catalog->ListTables({"a", "b"});
  ASSERT_TRUE(nested.ok());
  ASSERT_EQ(nested->size(), 1u);
  EXPECT_EQ((*nested)[0], t2);
  // "a" exists (a namespace below it does), but holds no tables itself.
  auto parent = catalog->ListTables({"a"});
  ASSERT_TRUE(parent.ok()) << parent.status().ToString();
  EXPECT_TRUE(parent->empty());
  EXPECT_EQ(catalog->ListTables({"missing"}).status().code(), ErrorCode::kNotFound);

  // Another catalog name in the same database sees none of it.
  auto other = OpenCatalog("other");
  ASSERT_TRUE(other);
  EXPECT_EQ(*other->TableExists(t1), false);

  // Drop without purge: unregistered, files kept.
  ASSERT_TRUE(catalog->DropTable(t1, /*purge=*/false).ok());
  EXPECT_EQ(*catalog->TableExists(t1), false);
  EXPECT_TRUE(fs::exists(c1->metadata_path));
  EXPECT_EQ(catalog->DropTable(t1, false).code(), ErrorCode::kNotFound);
  auto empty = catalog->ListTables({"ns"});  // the namespace outlives its tables
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());

  // Drop with purge: the files under the location go too.
  ASSERT_TRUE(catalog->CommitTable(t2, [](const Table& b) { return AppendSnapshot(b, "x"); }).ok());
  ASSERT_EQ(MetadataFiles(warehouse_ + "/a/b/t2").size(), 2u);
  Status purged = catalog->DropTable(t2, /*purge=*/true);
  ASSERT_TRUE(purged.ok()) << purged.ToString();
  EXPECT_TRUE(MetadataFiles(warehouse_ + "/a/b/t2").empty());
  EXPECT_EQ(*catalog->TableExists(t2), false);
}

TEST_P(SqlCatalogTest, CommitAdvancesVersionsAndLogs) {
  auto catalog = OpenCatalog();
  ASSERT_TRUE(catalog);
  const TableIdentifier id{{"ns"}, "t"};
  auto created = Create(*catalog, id);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::vector<std::string> paths{created->metadata_path};
  for (int i = 1; i <= 3; ++i) {
    auto t = catalog->CommitTable(id, [&](const Table& b) { return AppendSnapshot(b, std::to_string(i)); });
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->version, i);
    EXPECT_TRUE(fs::path(t->metadata_path).filename().string().starts_with(fmt::format("{:05d}-", i)))
        << t->metadata_path;
    EXPECT_EQ(t->metadata.snapshots.size(), static_cast<size_t>(i));
    // The metadata log names every earlier file, oldest first.
    ASSERT_EQ(t->metadata.metadata_log.size(), static_cast<size_t>(i));
    for (int k = 0; k < i; ++k) EXPECT_EQ(t->metadata.metadata_log[k].metadata_file, paths[k]);
    paths.push_back(t->metadata_path);

    auto raw = Raw();
    ASSERT_TRUE(raw);
    auto rows = raw->QueryText(
        "SELECT metadata_location, previous_metadata_location FROM iceberg_tables "
        "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
        {"prod", "ns", "t"});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0][0], paths[i]);
    EXPECT_EQ((*rows)[0][1], paths[i - 1]);
  }
  auto loaded = catalog->LoadTable(id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata_path, paths.back());
  EXPECT_EQ(loaded->version, 3);
  ASSERT_NE(loaded->metadata.CurrentSnapshot(), nullptr);
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->summary.at("tag"), "3");
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t").size(), 4u);

  // An update that refuses stops the commit; nothing is written.
  auto refused = catalog->CommitTable(id, [](const Table&) -> Result<TableMetadata> { return Conflict("no"); });
  EXPECT_EQ(refused.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t").size(), 4u);
  EXPECT_EQ(catalog->CommitTable({{"ns"}, "nope"}, [](const Table& b) { return AppendSnapshot(b, "x"); })
                .status()
                .code(),
            ErrorCode::kNotFound);
}

// The rows as PyIceberg's SqlCatalog (SQLAlchemy, unquoted names) and Java's JdbcCatalog query
// them: the same statements they run, and the values they expect.
TEST_P(SqlCatalogTest, RowsAreWhatPyIcebergQueries) {
  auto catalog = OpenCatalog();
  ASSERT_TRUE(catalog);
  const TableIdentifier id{{"sales", "eu"}, "orders"};
  auto created = Create(*catalog, id);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto raw = Raw();
  ASSERT_TRUE(raw);

  auto rows = raw->QueryText(
      "SELECT catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location "
      "FROM iceberg_tables");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const db::TextRow& r = (*rows)[0];
  EXPECT_EQ(r[0], "prod");
  EXPECT_EQ(r[1], "sales.eu");  // dotted, as both engines store namespaces
  EXPECT_EQ(r[2], "orders");
  EXPECT_EQ(r[3], created->metadata_path);
  EXPECT_TRUE(r[3]->starts_with(warehouse_ + "/sales/eu/orders/metadata/00000-")) << *r[3];
  EXPECT_EQ(r[4], std::nullopt);  // a new table has no previous metadata

  // PyIceberg's create_namespace row, which its namespace_exists/list_namespaces read.
  auto ns_rows = raw->QueryText(
      "SELECT catalog_name, namespace, property_key, property_value FROM iceberg_namespace_properties");
  ASSERT_TRUE(ns_rows.ok()) << ns_rows.status().ToString();
  ASSERT_EQ(ns_rows->size(), 1u);
  EXPECT_EQ((*ns_rows)[0], (db::TextRow{"prod", "sales.eu", "exists", "true"}));
  // PyIceberg's namespace_exists for the parent namespace (LIKE with '!' escapes).
  auto exists = raw->QueryText(
      "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
      "(namespace = ? OR namespace LIKE ? ESCAPE '!')",
      {"prod", "sales", "sales.%"});
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_EQ(exists->size(), 1u);

  // A second table in the namespace adds no second namespace row.
  ASSERT_TRUE(Create(*catalog, {{"sales", "eu"}, "returns"}).ok());
  EXPECT_EQ(*raw->QueryInt64("SELECT COUNT(*) FROM iceberg_namespace_properties"), 1);

  // The metadata file holds what the row's readers parse: the table's location and format v2.
  auto file = iceberg::ReadTableMetadata(*r[3]);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->location, warehouse_ + "/sales/eu/orders");
  EXPECT_EQ(file->format_version, 2);
}

// A table registered by hand the way PyIceberg does it: its DDL (SQLAlchemy's CREATE TABLE,
// not IF NOT EXISTS), its namespace row and register_table's INSERT, naming a metadata file
// our filesystem catalog wrote (v1.metadata.json: no version number by Java's rule).
TEST_P(SqlCatalogTest, OpensTableRegisteredByPyIceberg) {
  auto raw = Raw();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Execute("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
                           "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
                           "metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), "
                           "PRIMARY KEY (catalog_name, table_namespace, table_name))")
                  .ok());
  ASSERT_TRUE(raw->Execute("CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, "
                           "namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL, "
                           "property_value VARCHAR(1000) NOT NULL, "
                           "PRIMARY KEY (catalog_name, namespace, property_key))")
                  .ok());
  iceberg::FilesystemCatalog fs_catalog(dir_.file("elsewhere"));
  auto fs_table = fs_catalog.CreateTable({{"db"}, "events"}, TestSchema(), iceberg::PartitionSpec::Unpartitioned());
  ASSERT_TRUE(fs_table.ok()) << fs_table.status().ToString();
  ASSERT_TRUE(raw->ExecuteCount("INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, "
                                "property_value) VALUES (?, ?, ?, ?)",
                                {"lake", "db", "owner", "ana"})
                  .ok());
  ASSERT_TRUE(raw->ExecuteCount("INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                                "metadata_location, previous_metadata_location) VALUES (?, ?, ?, ?, NULL)",
                                {"lake", "db", "events", fs_table->metadata_path})
                  .ok());

  auto catalog = OpenCatalog("lake");  // finds the tables: IF NOT EXISTS leaves them alone
  ASSERT_TRUE(catalog);
  const TableIdentifier id{{"db"}, "events"};
  auto t = catalog->LoadTable(id);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->version, -1);
  EXPECT_EQ(t->table_dir, fs_table->table_dir);
  EXPECT_EQ(t->metadata.table_uuid, fs_table->metadata.table_uuid);
  auto list = catalog->ListTables({"db"});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);

  // A commit continues it as Java and PyIceberg would: version 0 after an unnumbered file.
  auto c = catalog->CommitTable(id, [](const Table& b) { return AppendSnapshot(b, "first"); });
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->version, 0);
  EXPECT_EQ(fs::path(c->metadata_path).parent_path().string(), fs_table->table_dir + "/metadata");
  auto row = raw->QueryText("SELECT metadata_location, previous_metadata_location FROM iceberg_tables");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ((*row)[0], (db::TextRow{c->metadata_path, fs_table->metadata_path}));
  // The namespace PyIceberg created keeps its own properties; no "exists" row is added.
  ASSERT_TRUE(catalog->CreateTable({{"db"}, "more"}, TableMetadata::NewTable(TestSchema(), iceberg::PartitionSpec::Unpartitioned(), dir_.file("more"), {}))
                  .ok());
  EXPECT_EQ(*raw->QueryInt64("SELECT COUNT(*) FROM iceberg_namespace_properties"), 1);
}

// A database Java's JdbcCatalog upgraded to its schema V1 (iceberg_type): views are not
// tables, rows with a NULL type (V0 clients, PyIceberg, icesync) are.
TEST_P(SqlCatalogTest, JavaSchemaV1ViewsAreNotTables) {
  auto raw = Raw();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Execute("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
                           "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
                           "metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), "
                           "iceberg_type VARCHAR(5), PRIMARY KEY (catalog_name, table_namespace, table_name))")
                  .ok());
  ASSERT_TRUE(raw->ExecuteCount("INSERT INTO iceberg_tables VALUES (?, ?, ?, ?, NULL, ?)",
                                {"prod", "ns", "v", "/nowhere/v.metadata.json", "VIEW"})
                  .ok());
  auto catalog = OpenCatalog();
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(Create(*catalog, {{"ns"}, "t"}).ok());
  auto list = catalog->ListTables({"ns"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "t");
  EXPECT_EQ(*catalog->TableExists({{"ns"}, "v"}), false);
  ASSERT_TRUE(catalog->CommitTable({{"ns"}, "t"}, [](const Table& b) { return AppendSnapshot(b, "x"); }).ok());
  auto type = raw->QueryText("SELECT iceberg_type FROM iceberg_tables WHERE table_name = 't'");
  ASSERT_TRUE(type.ok());
  EXPECT_EQ((*type)[0][0], std::nullopt);
}

// Two catalogs (two connections) committing to one table from three threads: every commit lands
// exactly once, the losers' metadata files are gone, and the chain of versions is whole.
TEST_P(SqlCatalogTest, ConcurrentCommitsAllLandOnce) {
  auto a = OpenCatalog();
  auto b = OpenCatalog();
  ASSERT_TRUE(a && b);
  const TableIdentifier id{{"ns"}, "t"};
  ASSERT_TRUE(Create(*a, id).ok());
  constexpr int kCommits = 12;  // per writer
  constexpr int kWriters = 3;
  iceberg::CommitOptions options;
  options.max_attempts = 1000;  // two writers in a tight loop: no commit may give up
  std::atomic<int> attempts{0};
  auto writer = [&](SqlCatalog* c, const std::string& name, Status* result) {
    for (int i = 0; i < kCommits; ++i) {
      auto t = c->CommitTable(
          id,
          [&](const Table& base) {
            attempts.fetch_add(1);
            return AppendSnapshot(base, name + std::to_string(i));
          },
          options);
      if (!t.ok()) {
        *result = t.status();
        return;
      }
    }
  };
  // Two threads on catalog a (one connection, statements serialized by the catalog) and one
  // on catalog b (its own connection).
  Status ra, ra2, rb;
  std::thread ta(writer, a.get(), "a", &ra), ta2(writer, a.get(), "c", &ra2), tb(writer, b.get(), "b", &rb);
  ta.join();
  ta2.join();
  tb.join();
  ASSERT_TRUE(ra.ok()) << ra.ToString();
  ASSERT_TRUE(ra2.ok()) << ra2.ToString();
  ASSERT_TRUE(rb.ok()) << rb.ToString();

  auto t = a->LoadTable(id);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->version, kWriters * kCommits);
  ASSERT_EQ(t->metadata.snapshots.size(), static_cast<size_t>(kWriters * kCommits));
  std::set<std::string> tags;
  std::optional<iceberg::SnapshotId> parent;
  for (const auto& s : t->metadata.snapshots) {
    tags.insert(s.summary.at("tag"));
    EXPECT_EQ(s.parent_snapshot_id, parent);
    parent = s.snapshot_id;
  }
  EXPECT_EQ(tags.size(), static_cast<size_t>(kWriters * kCommits));  // none lost, none twice
  // Exactly one file per version: every lost race deleted the file it wrote.
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t").size(), static_cast<size_t>(kWriters * kCommits + 1));
  EXPECT_GE(attempts.load(), kWriters * kCommits);
  RecordProperty("attempts", attempts.load());  // above the commits: races were lost and retried
}

// The row moves between our read and our UPDATE (another catalog commits from inside our
// update on its first call): the UPDATE matches nothing, the attempt is retried on the new
// version and lands; nothing of the lost attempt remains.
TEST_P(SqlCatalogTest, StaleUpdateRetriesOnNewVersion) {
  auto a = OpenCatalog();
  auto b = OpenCatalog();
  ASSERT_TRUE(a && b);
  const TableIdentifier id{{"ns"}, "t"};
  ASSERT_TRUE(Create(*a, id).ok());
  int calls = 0;
  std::vector<int> base_versions;
  auto t = a->CommitTable(id, [&](const Table& base) -> Result<TableMetadata> {
    base_versions.push_back(base.version);
    if (calls++ == 0) {
      auto other = b->CommitTable(id, [](const Table& bb) { return AppendSnapshot(bb, "b"); });
      if (!other.ok()) return other.status();
    }
    return AppendSnapshot(base, "a");
  });
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(base_versions, (std::vector<int>{0, 1}));
  EXPECT_EQ(t->version, 2);
  ASSERT_EQ(t->metadata.snapshots.size(), 2u);
  EXPECT_EQ(t->metadata.snapshots[0].summary.at("tag"), "b");
  EXPECT_EQ(t->metadata.snapshots[1].summary.at("tag"), "a");
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t").size(), 3u);
}

// Catalogs creating the same table at once: one wins, the others get AlreadyExists, and the
// losers' first metadata files are gone (only the winner's is named by the row).
TEST_P(SqlCatalogTest, ConcurrentCreateOneWins) {
  constexpr int kWriters = 4;
  std::vector<std::shared_ptr<SqlCatalog>> catalogs;
  for (int i = 0; i < kWriters; ++i) catalogs.push_back(OpenCatalog());
  for (const auto& c : catalogs) ASSERT_TRUE(c);
  const TableIdentifier id{{"ns"}, "t"};
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] { results[i] = Create(*catalogs[i], id).status(); });
  }
  for (auto& t : threads) t.join();
  int won = 0;
  for (const Status& st : results) {
    if (st.ok()) {
      ++won;
    } else {
      EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists) << st.ToString();
    }
  }
  EXPECT_EQ(won, 1);
  auto t = catalogs[0]->LoadTable(id);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(MetadataFiles(warehouse_ + "/ns/t"), std::vector<std::string>{t->metadata_path});
}

// Purge deletes what lies under the table's location, so a location that is the warehouse
// itself (metadata edited by hand) is refused, and the table stays registered.
TEST_P(SqlCatalogTest, PurgeRefusesTheWarehouse) {
  auto catalog = OpenCatalog();
  ASSERT_TRUE(catalog);
  const TableIdentifier id{{"ns"}, "t"};
  ASSERT_TRUE(catalog->CreateTable(id, TableMetadata::NewTable(TestSchema(), iceberg::PartitionSpec::Unpartitioned(),
                                                               warehouse_ + "/", {}))
                  .ok());
  Status st = catalog->DropTable(id, /*purge=*/true);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(*catalog->TableExists(id), true);
  EXPECT_EQ(MetadataFiles(warehouse_).size(), 1u);
}

// A password typed into the URL appears in no description and no error.
TEST_P(SqlCatalogTest, PasswordNeverShown) {
  if (!postgres()) GTEST_SKIP() << "SQLite has no password";
  const std::string pw = PostgresServer::kPassword;
  const std::string url = fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", PostgresServer::kUser, pw,
                                      server_->port(), db_name_);
  auto catalog = SqlCatalog::Open("prod", url, warehouse_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ((*catalog)->Describe().find(pw), std::string::npos) << (*catalog)->Describe();
  EXPECT_NE((*catalog)->Describe().find("prod"), std::string::npos);
  std::vector<Status> errors;
  errors.push_back((*catalog)->LoadTable({{"ns"}, "missing"}).status());
  errors.push_back((*catalog)->ListTables({"missing"}).status());
  errors.push_back((*catalog)->DropTable({{"ns"}, "missing"}, true));
  // A database error: the catalog table gone behind its back.
  auto raw = Raw();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Execute("DROP TABLE iceberg_tables").ok());
  errors.push_back((*catalog)->LoadTable({{"ns"}, "t"}).status());
  // A refused login with a wrong password.
  const std::string wrong = "wr0ng-S3cret";
  errors.push_back(SqlCatalog::Open("prod",
                                    fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", PostgresServer::kUser, wrong,
                                                server_->port(), db_name_),
                                    warehouse_)
                       .status());
  for (const Status& st : errors) {
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.ToString().find(pw), std::string::npos) << st.ToString();
    EXPECT_EQ(st.ToString().find(wrong), std::string::npos) << st.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, SqlCatalogTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace icesync::catalog
