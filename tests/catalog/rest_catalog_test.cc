// catalog::RestCatalog against tests/testing/rest_catalog_server.mjs (an in-memory REST catalog
// written from the spec; no real server can be installed here). The key check: after every
// commit the server's metadata, which it built by applying our updates to its own copy, equals
// the `next` metadata our update computed. Anything the diff forgot to send shows up there.
#include "catalog/rest_catalog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "catalog/rest_metadata_diff.h"
#include "core/schema_json.h"
#include "testing/rest_server.h"
#include "testing/test_util.h"

namespace icesync::catalog {
namespace {
using iceberg::Table;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using nlohmann::json;
using testing::RestServer;
using testing::RestServerOptions;
using testing::TempDir;

Schema TestSchema() {
  return Schema({Field{1, "id", DataType::Int64(), true}, Field{2, "name", DataType::String(), false},
                 Field{3, "region", DataType::String(), false}},
                0, {1});
}

iceberg::PartitionSpec RegionSpec() {
  return iceberg::PartitionSpec(0, {iceberg::PartitionField{3, 1000, "region", iceberg::Transform::Identity()}});
}

TableIdentifier Id(const std::string& text) { return TableIdentifier::Parse(text).value(); }

// What a snapshot producer does to the metadata for one new snapshot on main (manifests are
// not the catalog's concern: the server never reads them).
TableMetadata WithSnapshot(const TableMetadata& base, const std::string& operation,
                           std::map<std::string, std::string> summary = {}) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  TableMetadata next = base;
  iceberg::Snapshot s;
  // Above 2^53 on purpose: the ids must survive JSON on both sides digit for digit.
  s.snapshot_id = static_cast<int64_t>((rng() >> 1) | (uint64_t{1} << 60));
  s.parent_snapshot_id = base.current_snapshot_id;
  s.sequence_number = base.last_sequence_number + 1;
  s.timestamp_ms = iceberg::NowMillis();
  s.manifest_list = base.location + "/metadata/snap-" + iceberg::SnapshotIdToString(s.snapshot_id) + ".avro";
  s.summary = std::move(summary);
  s.summary["operation"] = operation;
  s.schema_id = base.current_schema_id;
  next.snapshots.push_back(s);
  next.current_snapshot_id = s.snapshot_id;
  next.refs["main"] = iceberg::SnapshotRef{s.snapshot_id, "branch", json::object()};
  next.snapshot_log.push_back({s.timestamp_ms, s.snapshot_id});
  next.last_sequence_number = s.sequence_number;
  return next;
}

// Every field a commit can change, compared as the metadata JSON holds it. Not compared: the
// fields the server derives (last-updated-ms, snapshot-log, metadata-log).
void ExpectSameTable(const TableMetadata& server, const TableMetadata& expected) {
  json a = iceberg::TableMetadataToJson(server);
  json b = iceberg::TableMetadataToJson(expected);
  for (const char* k : {"last-updated-ms", "snapshot-log", "metadata-log"}) {
    a.erase(k);
    b.erase(k);
  }
  EXPECT_EQ(a.dump(1), b.dump(1));
}

class RestCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(RestServerOptions o) {
    o.warehouse = wh_.path().string();
    if (o.prefix.empty()) o.prefix = "cat1";
    catalog_.reset();
    server_.reset();
    server_ = std::make_unique<RestServer>(o);
    ASSERT_EQ(server_->error(), "");
    auto c = OpenCatalog(o.client_id + ":" + o.client_secret, "", o.warehouse_name);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = c.value();
  }

  Result<std::shared_ptr<RestCatalog>> OpenCatalog(const std::string& credential, const std::string& token = "",
                                                   const std::string& warehouse = "") {
    RestCatalogOptions o;
    o.uri = server_->uri();
    o.credential = credential;
    o.token = token;
    o.warehouse = warehouse;
    o.retry.initial_backoff_ms = 1;
    return RestCatalog::Open(o);
  }

  int ServerCommits() const { return json::parse(server_->State())["commits"].get<int>(); }
  json LastCommit() const { return json::parse(server_->State())["last_commit"]; }

  // A new table through the catalog, as an export makes one: location from the catalog,
  // optionally holding its first snapshot.
  Table Create(const TableIdentifier& id, bool with_snapshot, TableMetadata* created = nullptr) {
    std::string location = wh_.path().string();
    for (const auto& n : id.ns) location += "/" + n;
    location += "/" + id.name;
    TableMetadata m = TableMetadata::NewTable(TestSchema(), RegionSpec(), location, {{"owner", "icesync"}});
    if (with_snapshot) m = WithSnapshot(m, "append", {{"added-records", "3"}});
    if (created) *created = m;
    Result<Table> t = catalog_->CreateTable(id, m);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t.value() : Table{};
  }

  TempDir wh_;
  std::unique_ptr<RestServer> server_;
  std::shared_ptr<RestCatalog> catalog_;
};

TEST_F(RestCatalogTest, ConfigPrefixAndWarehouse) {
  Start({.prefix = "cat1", .warehouse_name = "lake"});
  // The server requires the warehouse it serves.
  auto no_wh = OpenCatalog("icesync-test:s3cr3t-for-tests");
  ASSERT_FALSE(no_wh.ok());
  EXPECT_NE(no_wh.status().message().find("unknown warehouse"), std::string::npos) << no_wh.status().ToString();

  auto c = OpenCatalog("icesync-test:s3cr3t-for-tests", "", "lake").value();
  EXPECT_EQ(c->prefix(), "cat1");
  EXPECT_EQ(c->config().at("test-default"), "d");   // defaults
  EXPECT_EQ(c->config().at("warehouse"), "lake");   // ours
  EXPECT_EQ(c->Describe(), "REST catalog " + server_->uri() + " (warehouse 'lake')");
  // Every route goes under the prefix (the server 404s others).
  ASSERT_TRUE(c->CreateNamespace({"sales"}).ok());
  EXPECT_TRUE(c->NamespaceExists({"sales"}).value());
}

TEST_F(RestCatalogTest, NamespacesNestedAndCreatedWithTheTable) {
  Create(Id("a.b.orders"), false);
  EXPECT_EQ(catalog_->ListNamespaces().value(), (std::vector<std::vector<std::string>>{{"a"}}));
  EXPECT_EQ(catalog_->ListNamespaces({"a"}).value(), (std::vector<std::vector<std::string>>{{"a", "b"}}));
  EXPECT_TRUE(catalog_->NamespaceExists({"a", "b"}).value());
  EXPECT_FALSE(catalog_->NamespaceExists({"a", "c"}).value());
  EXPECT_EQ(catalog_->CreateNamespace({"a"}).code(), ErrorCode::kAlreadyExists);
  // A level name with characters a path must escape travels URL-encoded.
  Create(Id("x y.t"), false);
  EXPECT_EQ(catalog_->ListTables({"x y"}).value().size(), 1u);
}

TEST_F(RestCatalogTest, CreateLoadListDrop) {
  // The namespace does not exist and the configuration names no warehouse location: asking
  // where a table would live creates the namespace (a sync needs the location before the
  // table exists), and the server decides (a staged create persists nothing).
  EXPECT_FALSE(catalog_->NamespaceExists({"s"}).value());
  EXPECT_EQ(catalog_->DefaultLocation(Id("s.orders")).value(), (wh_.path() / "s" / "orders").string());
  EXPECT_TRUE(catalog_->NamespaceExists({"s"}).value());
  EXPECT_FALSE(catalog_->TableExists(Id("s.orders")).value());

  TableMetadata created;
  Table t = Create(Id("s.orders"), false, &created);
  EXPECT_EQ(t.table_dir, (wh_.path() / "s" / "orders").string());
  EXPECT_EQ(t.version, 0);
  EXPECT_TRUE(std::filesystem::exists(t.metadata_path)) << t.metadata_path;
  ExpectSameTable(t.metadata, created);
  Table loaded = catalog_->LoadTable(Id("s.orders")).value();
  EXPECT_EQ(loaded.metadata_path, t.metadata_path);
  ExpectSameTable(loaded.metadata, created);
  ExpectSameTable(iceberg::ReadTableMetadata(t.metadata_path).value(), created);
  EXPECT_EQ(catalog_->CreateTable(Id("s.orders"), created).status().code(), ErrorCode::kAlreadyExists);

  Create(Id("s.customers"), false);
  Create(Id("s.items"), true);
  std::vector<std::string> names;
  const std::vector<TableIdentifier> listed = catalog_->ListTables({"s"}).value();
  for (const auto& id : listed) names.push_back(id.ToString());
  EXPECT_EQ(names, (std::vector<std::string>{"s.customers", "s.items", "s.orders"}));

  ASSERT_TRUE(catalog_->DropTable(Id("s.orders"), /*purge=*/true).ok());
  EXPECT_FALSE(catalog_->TableExists(Id("s.orders")).value());
  EXPECT_FALSE(std::filesystem::exists(t.table_dir));
  EXPECT_EQ(catalog_->LoadTable(Id("s.orders")).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(catalog_->DropTable(Id("s.orders"), false).code(), ErrorCode::kNotFound);
}

TEST_F(RestCatalogTest, ListTablesFollowsPages) {
  Start({.page_size = 2});
  for (const char* n : {"e", "d", "c", "b", "a"}) Create(Id(std::string("p.") + n), false);
  EXPECT_EQ(catalog_->ListTables({"p"}).value().size(), 5u);
}

TEST_F(RestCatalogTest, CreateWithSnapshotAppendThenRowDeltaEqualNext) {
  TableMetadata created;
  Table t = Create(Id("s.orders"), true, &created);
  ASSERT_EQ(created.snapshots.size(), 1u);
  ExpectSameTable(t.metadata, created);  // the table appeared with its first snapshot, one commit
  json create = LastCommit();
  EXPECT_EQ(create["requirements"], json::parse(R"([{"type":"assert-create"}])"));

  TableMetadata expected;
  int calls = 0;
  Table appended = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    ++calls;
    expected = WithSnapshot(base.metadata, "append", {{"added-records", "5"}});
    return expected;
  }).value();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(appended.version, 1);  // the create commit wrote 00000-…
  ExpectSameTable(appended.metadata, expected);
  ExpectSameTable(catalog_->LoadTable(Id("s.orders")).value().metadata, expected);
  ExpectSameTable(iceberg::ReadTableMetadata(appended.metadata_path).value(), expected);
  json body = LastCommit();
  EXPECT_EQ(body["identifier"], json::parse(R"({"namespace":["s"],"name":"orders"})"));
  EXPECT_EQ(body["requirements"][0], (json{{"type", "assert-table-uuid"}, {"uuid", created.table_uuid}}));
  EXPECT_EQ(body["requirements"][1],
            (json{{"type", "assert-ref-snapshot-id"}, {"ref", "main"},
                  {"snapshot-id", iceberg::SnapshotIdToJson(*created.current_snapshot_id)}}));

  // A row delta: data and delete files, with a watermark in the summary.
  Table delta = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    expected = WithSnapshot(base.metadata, "overwrite",
                            {{"added-delete-files", "1"}, {"added-position-deletes", "2"}, {"icesync.watermark", "42"}});
    return expected;
  }).value();
  ExpectSameTable(delta.metadata, expected);
  EXPECT_EQ(delta.metadata.snapshots.size(), 3u);
  EXPECT_EQ(delta.metadata.metadata_log.size(), 2u);  // the server keeps the log
}

TEST_F(RestCatalogTest, PropertiesSchemaAndSpecEvolutionEqualNext) {
  Create(Id("s.orders"), true);
  TableMetadata expected;
  auto commit = [&](const std::function<void(TableMetadata&)>& change) {
    Result<Table> r = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
      expected = base.metadata;
      change(expected);
      return expected;
    });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ExpectSameTable(r->metadata, expected);
    ExpectSameTable(catalog_->LoadTable(Id("s.orders")).value().metadata, expected);
  };
  commit([](TableMetadata& m) {
    m.properties["write.format.default"] = "parquet";
    m.properties.erase("owner");
  });
  EXPECT_EQ(LastCommit()["requirements"].size(), 1u);  // uuid only: no ref, schema or spec moved

  // Add a column (schema 1 current), with a snapshot written against it in the same commit,
  // as CommitSnapshot's schema evolution does.
  commit([](TableMetadata& m) {
    std::vector<Field> fields = m.CurrentSchema()->fields();
    fields.push_back(Field{4, "amount", DataType::Float64(), false});
    m.schemas.push_back(Schema(fields, 1, {1}));
    m.current_schema_id = 1;
    m.last_column_id = 4;
    m = WithSnapshot(m, "append");
  });
  json reqs = LastCommit()["requirements"];
  EXPECT_NE(reqs.dump().find(R"({"last-assigned-field-id":3,"type":"assert-last-assigned-field-id"})"), std::string::npos)
      << reqs.dump();
  EXPECT_NE(reqs.dump().find(R"({"current-schema-id":0,"type":"assert-current-schema-id"})"), std::string::npos);

  // A new partition spec as default; and a ref beside main (a tag), then its removal.
  commit([](TableMetadata& m) {
    m.specs.push_back(iceberg::PartitionSpec(
        1, {iceberg::PartitionField{3, 1000, "region", iceberg::Transform::Identity()},
            iceberg::PartitionField{1, 1001, "id_bucket", iceberg::Transform::Bucket(8)}}));
    m.default_spec_id = 1;
    m.last_partition_id = 1001;
    m.refs["nightly"] = iceberg::SnapshotRef{*m.current_snapshot_id, "tag", json{{"max-ref-age-ms", 86400000}}};
  });
  commit([](TableMetadata& m) { m.refs.erase("nightly"); });
  // Expiry: the first snapshot goes.
  commit([](TableMetadata& m) {
    m.snapshots.erase(m.snapshots.begin());
  });
}

TEST_F(RestCatalogTest, ChangesNoUpdateExpressesAreRefused) {
  Create(Id("s.orders"), true);
  auto refused = [&](const std::function<void(TableMetadata&)>& change, const std::string& names) {
    Result<Table> r = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
      TableMetadata m = base.metadata;
      change(m);
      return m;
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported) << r.status().ToString();
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().ToString();
  };
  const int before = ServerCommits();
  refused([](TableMetadata& m) { m.extra["statistics"] = json::array({json{{"snapshot-id", 1}}}); }, "statistics");
  refused([](TableMetadata& m) { m.table_uuid = iceberg::NewUuid(); }, "uuid");
  refused([](TableMetadata& m) { m.snapshots[0].summary["x"] = "y"; }, "rewrites snapshot");
  refused([](TableMetadata& m) { m.last_column_id = 10; }, "last-column-id");
  refused([](TableMetadata& m) { m.schemas.erase(m.schemas.begin()); }, "removes schema 0");
  // Ids a server would assign differently: our snapshots and manifests would name the wrong one.
  refused([](TableMetadata& m) {
    std::vector<Field> fields = m.CurrentSchema()->fields();
    fields.push_back(Field{4, "x", DataType::Int32(), false});
    m.schemas.push_back(Schema(fields, 5, {1}));
    m.current_schema_id = 5;
    m.last_column_id = 4;
  }, "gives it id 1");
  refused([](TableMetadata& m) {
    m.schemas.push_back(Schema(m.CurrentSchema()->fields(), 1, {1}));
    m.current_schema_id = 1;
  }, "would reuse id 0");
  EXPECT_EQ(ServerCommits(), before);
}

TEST_F(RestCatalogTest, LostRaceIsRebuiltOnTheWinner) {
  Create(Id("s.orders"), true);
  auto other = OpenCatalog("icesync-test:s3cr3t-for-tests").value();
  int calls = 0;
  TableMetadata expected;
  Table t = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    if (++calls == 1) {
      // Another writer commits between our load and our commit: the server's requirement
      // check (assert-ref-snapshot-id main) refuses ours with 409.
      EXPECT_TRUE(other->CommitTable(Id("s.orders"), [](const Table& b) -> Result<TableMetadata> {
        return WithSnapshot(b.metadata, "append");
      }).ok());
    }
    expected = WithSnapshot(base.metadata, "append");
    return expected;
  }).value();
  EXPECT_EQ(calls, 2);
  ExpectSameTable(t.metadata, expected);
  EXPECT_EQ(t.metadata.snapshots.size(), 3u);
}

// icesync run commits several tables (or writers) in parallel through one catalog object.
TEST_F(RestCatalogTest, ParallelCommitsThroughOneCatalogAllLand) {
  Create(Id("s.orders"), true);
  auto other = OpenCatalog("icesync-test:s3cr3t-for-tests").value();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      RestCatalog& c = w % 2 ? *other : *catalog_;
      for (int i = 0; i < 3; ++i) {
        auto r = c.CommitTable(Id("s.orders"), [](const Table& b) -> Result<TableMetadata> {
          return WithSnapshot(b.metadata, "append");
        });
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Table t = catalog_->LoadTable(Id("s.orders")).value();
  EXPECT_EQ(t.metadata.snapshots.size(), 13u);
  // One chain: every snapshot's parent is the one before it.
  for (size_t i = 1; i < t.metadata.snapshots.size(); ++i) {
    EXPECT_EQ(t.metadata.snapshots[i].parent_snapshot_id, t.metadata.snapshots[i - 1].snapshot_id);
  }
}

TEST_F(RestCatalogTest, Injected409IsRetriedAndLandsOnce) {
  Create(Id("s.orders"), true);
  const int before = ServerCommits();
  server_->InjectCommitFailure("conflict");
  int calls = 0;
  Table t = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    ++calls;
    return WithSnapshot(base.metadata, "append");
  }).value();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ServerCommits(), before + 1);
  EXPECT_EQ(t.metadata.snapshots.size(), 2u);
}

TEST_F(RestCatalogTest, AnswerLostAfterTheServerAppliedIsDetectedAsCommitted) {
  Create(Id("s.orders"), true);
  for (const char* kind : {"500-after", "drop-after"}) {
    SCOPED_TRACE(kind);
    const int before = ServerCommits();
    server_->InjectCommitFailure(kind);
    int calls = 0;
    TableMetadata expected;
    Result<Table> t = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
      ++calls;
      expected = WithSnapshot(base.metadata, "append");
      return expected;
    });
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(calls, 1);                          // never rebuilt...
    EXPECT_EQ(ServerCommits(), before + 1);       // ...nor re-sent: applied once
    ExpectSameTable(t->metadata, expected);
  }
  // A property-only commit has no snapshot to look for: the reloaded table shows the change.
  server_->InjectCommitFailure("500-after");
  Result<Table> p = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    TableMetadata m = base.metadata;
    m.properties["k"] = "v";
    return m;
  });
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->metadata.properties.at("k"), "v");
}

TEST_F(RestCatalogTest, CreateWhoseAnswerWasLostIsDetectedAsCreated) {
  ASSERT_TRUE(catalog_->CreateNamespace({"s"}).ok());
  server_->InjectCommitFailure("500-after");
  TableMetadata created;
  Table t = Create(Id("s.orders"), true, &created);
  ExpectSameTable(t.metadata, created);
  EXPECT_EQ(ServerCommits(), 1);
}

TEST_F(RestCatalogTest, AnswerLostBeforeTheServerAppliedIsStateUnknown) {
  Create(Id("s.orders"), true);
  const int before = ServerCommits();
  server_->InjectCommitFailure("500-before");
  int calls = 0;
  Result<Table> t = catalog_->CommitTable(Id("s.orders"), [&](const Table& base) -> Result<TableMetadata> {
    ++calls;
    return WithSnapshot(base.metadata, "append");
  });
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ServerCommits(), before);
  EXPECT_NE(t.status().message().find("commit state unknown"), std::string::npos) << t.status().ToString();
  EXPECT_NE(t.status().message().find("HTTP 500"), std::string::npos) << t.status().ToString();
}

TEST_F(RestCatalogTest, BadCredentialsAreA401WithoutTheSecret) {
  auto r = OpenCatalog("icesync-test:wrong-secret-value");
  ASSERT_FALSE(r.ok());
  const std::string msg = r.status().message();
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << msg;
  EXPECT_NE(msg.find("401"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid_client"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("wrong-secret-value"), std::string::npos) << msg;
  // No credentials at all: the catalog's own 401 (ErrorModel).
  auto none = OpenCatalog("");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("NotAuthorizedException"), std::string::npos) << none.status().ToString();
  EXPECT_EQ(catalog_->Describe().find("s3cr3t"), std::string::npos);
}

TEST_F(RestCatalogTest, ExpiredTokenIsRenewedOnce) {
  Create(Id("s.orders"), false);
  server_->RevokeTokens();
  EXPECT_TRUE(catalog_->LoadTable(Id("s.orders")).ok());
  server_->RevokeTokens();
  EXPECT_TRUE(catalog_->CommitTable(Id("s.orders"), [](const Table& b) -> Result<TableMetadata> {
    return WithSnapshot(b.metadata, "append");
  }).ok());
}

TEST_F(RestCatalogTest, StaticBearerToken) {
  Start({.token = "static-bearer-token-123"});
  auto c = OpenCatalog("", "static-bearer-token-123").value();
  ASSERT_TRUE(c->CreateNamespace({"t"}).ok());
  EXPECT_EQ(c->Describe().find("static-bearer"), std::string::npos);
  auto bad = OpenCatalog("", "not-the-token-456");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("401"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(bad.status().message().find("not-the-token-456"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace icesync::catalog
