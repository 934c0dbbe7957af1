// Snapshot commits: summaries, sequence numbers, manifests written by append / overwrite /
// row delta, and the filesystem catalog's create/load/list/drop and version-hint handling.
#include <gtest/gtest.h>

#include <filesystem>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/snapshot_producer.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

namespace fs = std::filesystem;
using icesync::testing::TempDir;
using icesync::testing::WriteFile;

Schema TestSchema() {
  return Schema({Field{1, "id", DataType::Int64(), true}, Field{2, "region", DataType::String(), false},
                 Field{3, "amount", DataType::Decimal(12, 2), false}});
}

DataFile MakeFile(const Table& t, const std::string& name, int64_t records, int64_t size, std::string region = "eu",
                  FileContent content = FileContent::kData) {
  DataFile f;
  f.content = content;
  f.file_path = t.metadata.location + "/data/" + name;
  f.record_count = records;
  f.file_size_in_bytes = size;
  if (!t.metadata.DefaultSpec()->fields().empty()) f.partition = {Value(DataType::String(), std::move(region))};
  return f;
}

struct LiveFile {
  std::string path;
  EntryStatus status;
  int64_t snapshot_id;
  int64_t sequence_number;
};

// Every entry of the current snapshot's manifests, inheritance resolved.
std::vector<LiveFile> Entries(const Table& t, std::vector<ManifestFile>* list_out = nullptr) {
  std::vector<LiveFile> out;
  const Snapshot* s = t.metadata.CurrentSnapshot();
  if (!s) return out;
  auto list = ReadManifestList(s->manifest_list);
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  if (!list.ok()) return out;
  if (list_out) *list_out = *list;
  for (const ManifestFile& mf : *list) {
    auto entries = ReadManifestEntriesResolved(mf.manifest_path, mf, {});
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    if (!entries.ok()) continue;
    for (const auto& e : *entries) out.push_back({e.data_file.file_path, e.status, *e.snapshot_id, *e.sequence_number});
  }
  return out;
}

class CommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = catalog_.CreateTable(id_, TestSchema(), PartitionSpec::Unpartitioned());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    table_ = *t;
  }
  TempDir dir_;
  FilesystemCatalog catalog_{dir_.path().string()};
  TableIdentifier id_{{"sales"}, "orders"};
  Table table_;
};

TEST_F(CommitTest, AppendSummaryAndSequenceNumbers) {
  auto t1 = AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 10, 100), MakeFile(table_, "b.parquet", 5, 50)},
                        {{"icesync.watermark", "42"}});
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  EXPECT_EQ(t1->version, 2);
  const Snapshot* s1 = t1->metadata.CurrentSnapshot();
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->sequence_number, 1);
  EXPECT_FALSE(s1->parent_snapshot_id.has_value());
  EXPECT_EQ(s1->summary, (std::map<std::string, std::string>{
                             {"operation", "append"}, {"added-data-files", "2"}, {"added-records", "15"},
                             {"added-files-size", "150"}, {"changed-partition-count", "1"}, {"total-records", "15"},
                             {"total-files-size", "150"}, {"total-data-files", "2"}, {"total-delete-files", "0"},
                             {"total-position-deletes", "0"}, {"total-equality-deletes", "0"},
                             {"icesync.watermark", "42"}}));
  EXPECT_EQ(t1->metadata.last_sequence_number, 1);
  EXPECT_EQ(t1->metadata.refs.at("main").snapshot_id, s1->snapshot_id);
  EXPECT_EQ(t1->metadata.snapshot_log.size(), 1u);
  EXPECT_EQ(t1->metadata.metadata_log.size(), 1u);
  EXPECT_EQ(t1->metadata.metadata_log[0].metadata_file, table_.table_dir + "/metadata/v1.metadata.json");

  auto t2 = AppendFiles(table_.table_dir, {MakeFile(table_, "c.parquet", 1, 7)}, {{"icesync.watermark", "43"}});
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  const Snapshot* s2 = t2->metadata.CurrentSnapshot();
  EXPECT_EQ(s2->sequence_number, 2);
  EXPECT_EQ(s2->parent_snapshot_id, s1->snapshot_id);
  EXPECT_EQ(s2->summary.at("total-records"), "16");
  EXPECT_EQ(s2->summary.at("total-data-files"), "3");
  EXPECT_EQ(s2->summary.at("icesync.watermark"), "43");

  std::vector<ManifestFile> list;
  auto entries = Entries(*t2, &list);
  ASSERT_EQ(list.size(), 2u);
  // New manifest first; the first snapshot's manifest is reused as is.
  EXPECT_EQ(list[0].sequence_number, 2);
  EXPECT_EQ(list[0].min_sequence_number, 2);
  EXPECT_EQ(list[0].added_snapshot_id, s2->snapshot_id);
  EXPECT_EQ(list[0].added_files_count, 1);
  EXPECT_EQ(list[0].added_rows_count, 1);
  EXPECT_EQ(list[1].sequence_number, 1);
  EXPECT_EQ(list[1].added_snapshot_id, s1->snapshot_id);
  EXPECT_EQ(list[1].added_files_count, 2);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].sequence_number, 2);
  EXPECT_EQ(entries[2].sequence_number, 1);
  EXPECT_EQ(entries[2].snapshot_id, s1->snapshot_id);

  // The reserved keys cannot be overridden.
  EXPECT_EQ(AppendFiles(table_.table_dir, {MakeFile(table_, "d.parquet", 1, 1)}, {{"total-records", "0"}}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(CommitTest, OverwriteMarksRemovedEntriesDeleted) {
  auto t1 = AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 10, 100), MakeFile(table_, "b.parquet", 5, 50)});
  ASSERT_TRUE(t1.ok());
  const SnapshotId s1 = *t1->metadata.current_snapshot_id;
  auto t2 = OverwriteFiles(table_.table_dir, {table_.metadata.location + "/data/a.parquet"},
                           {MakeFile(table_, "a2.parquet", 8, 80)});
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  const Snapshot* s2 = t2->metadata.CurrentSnapshot();
  EXPECT_EQ(s2->operation(), "overwrite");
  EXPECT_EQ(s2->summary.at("added-data-files"), "1");
  EXPECT_EQ(s2->summary.at("deleted-data-files"), "1");
  EXPECT_EQ(s2->summary.at("deleted-records"), "10");
  EXPECT_EQ(s2->summary.at("removed-files-size"), "100");
  EXPECT_EQ(s2->summary.at("total-records"), "13");
  EXPECT_EQ(s2->summary.at("total-data-files"), "2");
  EXPECT_EQ(s2->summary.at("total-files-size"), "130");
  std::map<std::string, LiveFile> by_name;
  for (const auto& e : Entries(*t2)) by_name[fs::path(e.path).filename().string()] = e;
  ASSERT_EQ(by_name.size(), 3u);
  EXPECT_EQ(by_name["a.parquet"].status, EntryStatus::kDeleted);
  EXPECT_EQ(by_name["a.parquet"].snapshot_id, s2->snapshot_id);
  EXPECT_EQ(by_name["a.parquet"].sequence_number, 1);  // the data sequence number is kept
  EXPECT_EQ(by_name["b.parquet"].status, EntryStatus::kExisting);
  EXPECT_EQ(by_name["b.parquet"].snapshot_id, s1);
  EXPECT_EQ(by_name["b.parquet"].sequence_number, 1);
  EXPECT_EQ(by_name["a2.parquet"].status, EntryStatus::kAdded);
  EXPECT_EQ(by_name["a2.parquet"].sequence_number, 2);

  // Removing a file that is no longer live is a conflict, and commits nothing.
  auto again = OverwriteFiles(table_.table_dir, {table_.metadata.location + "/data/a.parquet"}, {});
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict) << again.status().ToString();
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, t2->version);

  // A pure delete: operation "delete"; the next snapshot drops the manifest with no live files.
  auto t3 = OverwriteFiles(table_.table_dir, {table_.metadata.location + "/data/b.parquet"}, {});
  ASSERT_TRUE(t3.ok()) << t3.status().ToString();
  EXPECT_EQ(t3->metadata.CurrentSnapshot()->operation(), "delete");
  EXPECT_EQ(t3->metadata.CurrentSnapshot()->summary.at("total-records"), "8");
}

TEST_F(CommitTest, RowDeltaAddsDataAndBothDeleteKinds) {
  auto t1 = AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 10, 100)});
  ASSERT_TRUE(t1.ok());
  DataFile pos = MakeFile(table_, "a-pos-deletes.parquet", 3, 30, "eu", FileContent::kPositionDeletes);
  DataFile eq = MakeFile(table_, "a-eq-deletes.parquet", 2, 20, "eu", FileContent::kEqualityDeletes);
  eq.equality_ids = {1};
  auto t2 = RowDelta(table_.table_dir, {MakeFile(table_, "b.parquet", 4, 40)}, {pos, eq}, {{"icesync.watermark", "7"}});
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  const Snapshot* s2 = t2->metadata.CurrentSnapshot();
  EXPECT_EQ(s2->operation(), "overwrite");
  EXPECT_EQ(s2->sequence_number, 2);
  EXPECT_EQ(s2->summary.at("added-data-files"), "1");
  EXPECT_EQ(s2->summary.at("added-delete-files"), "2");
  EXPECT_EQ(s2->summary.at("added-position-delete-files"), "1");
  EXPECT_EQ(s2->summary.at("added-equality-delete-files"), "1");
  EXPECT_EQ(s2->summary.at("added-position-deletes"), "3");
  EXPECT_EQ(s2->summary.at("added-equality-deletes"), "2");
  EXPECT_EQ(s2->summary.at("total-delete-files"), "2");
  EXPECT_EQ(s2->summary.at("total-position-deletes"), "3");
  EXPECT_EQ(s2->summary.at("total-equality-deletes"), "2");
  EXPECT_EQ(s2->summary.at("total-records"), "14");
  EXPECT_EQ(s2->summary.at("total-files-size"), "190");
  EXPECT_EQ(s2->summary.at("icesync.watermark"), "7");
  std::vector<ManifestFile> list;
  auto entries = Entries(*t2, &list);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].content, ManifestContent::kData);
  EXPECT_EQ(list[1].content, ManifestContent::kDeletes);
  EXPECT_EQ(list[1].sequence_number, 2);
  EXPECT_EQ(list[1].added_files_count, 2);
  auto deletes = ReadManifest(list[1].manifest_path);
  ASSERT_TRUE(deletes.ok());
  ASSERT_EQ(deletes->entries.size(), 2u);
  EXPECT_EQ(deletes->entries[1].data_file.equality_ids, std::vector<int>{1});
  EXPECT_EQ(deletes->metadata.content, ManifestContent::kDeletes);

  // Deletes only: operation "delete".
  auto t3 = RowDelta(table_.table_dir, {}, {MakeFile(table_, "p2.parquet", 1, 5, "eu", FileContent::kPositionDeletes)});
  ASSERT_TRUE(t3.ok());
  EXPECT_EQ(t3->metadata.CurrentSnapshot()->operation(), "delete");
  // Kinds are checked.
  EXPECT_FALSE(AppendFiles(table_.table_dir, {pos}).ok());
  DataFile eq_no_ids = eq;
  eq_no_ids.equality_ids.clear();
  EXPECT_EQ(RowDelta(table_.table_dir, {}, {eq_no_ids}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CommitTest, RowDeltaRequiresItsTargetFilesLive) {
  ASSERT_TRUE(AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 10, 100), MakeFile(table_, "b.parquet", 1, 1)}).ok());
  SnapshotChange c;
  c.operation = SnapshotOperation::kRowDelta;
  c.added_delete_files = {MakeFile(table_, "a-pos.parquet", 1, 1, "eu", FileContent::kPositionDeletes)};
  c.required_data_files = {table_.metadata.location + "/data/a.parquet"};
  ASSERT_TRUE(CommitSnapshot(table_.table_dir, c).ok());
  // A concurrent overwrite removes a.parquet: deletes aimed at it now conflict.
  ASSERT_TRUE(OverwriteFiles(table_.table_dir, {table_.metadata.location + "/data/a.parquet"}, {}).ok());
  auto r = CommitSnapshot(table_.table_dir, c);
  EXPECT_EQ(r.status().code(), ErrorCode::kConflict) << r.status().ToString();
  EXPECT_NE(r.status().message().find("a.parquet"), std::string::npos);
}

// Compaction's commit: data and delete files removed, the rewritten file added, operation
// `replace`; summary properties computed from each attempt's base; a removed delete file that
// is no longer live is a Conflict.
TEST_F(CommitTest, RewriteRemovesDataAndDeleteFilesAsReplace) {
  const std::string loc = table_.metadata.location + "/data/";
  ASSERT_TRUE(AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 10, 100), MakeFile(table_, "b.parquet", 5, 50)}).ok());
  ASSERT_TRUE(RowDelta(table_.table_dir, {}, {MakeFile(table_, "a-pos.parquet", 2, 7, "eu", FileContent::kPositionDeletes)},
                       {{"icesync.watermark", "9"}}).ok());
  SnapshotChange c;
  c.operation = SnapshotOperation::kRewrite;
  c.added_data_files = {MakeFile(table_, "ab.parquet", 13, 120)};
  c.removed_data_files = {loc + "a.parquet", loc + "b.parquet"};
  c.removed_delete_files = {loc + "a-pos.parquet"};
  c.summary_from_base = [](const Table& base) {
    return std::map<std::string, std::string>{{"copied", base.metadata.CurrentSnapshot()->summary.at("icesync.watermark")}};
  };
  auto t = CommitSnapshot(table_.table_dir, c);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Snapshot* s = t->metadata.CurrentSnapshot();
  EXPECT_EQ(s->operation(), "replace");
  EXPECT_EQ(s->sequence_number, 3);
  EXPECT_EQ(s->summary.at("copied"), "9");
  EXPECT_EQ(s->summary.at("deleted-data-files"), "2");
  EXPECT_EQ(s->summary.at("removed-delete-files"), "1");
  EXPECT_EQ(s->summary.at("total-data-files"), "1");
  EXPECT_EQ(s->summary.at("total-delete-files"), "0");
  std::map<std::string, EntryStatus> status;
  for (const LiveFile& f : Entries(*t)) status[f.path.substr(loc.size())] = f.status;
  EXPECT_EQ(status.at("ab.parquet"), EntryStatus::kAdded);
  EXPECT_EQ(status.at("a.parquet"), EntryStatus::kDeleted);
  EXPECT_EQ(status.at("a-pos.parquet"), EntryStatus::kDeleted);
  // The same rewrite again: its delete file is gone, a Conflict naming it.
  c.removed_data_files.clear();
  c.added_data_files = {MakeFile(table_, "c.parquet", 1, 1)};
  auto again = CommitSnapshot(table_.table_dir, c);
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict) << again.status().ToString();
  EXPECT_NE(again.status().message().find("a-pos.parquet"), std::string::npos);
}

TEST_F(CommitTest, PartitionedAppendCountsPartitions) {
  auto spec = ParsePartitionSpec("region", TestSchema());
  ASSERT_TRUE(spec.ok());
  auto t = catalog_.CreateTable({{"sales"}, "by_region"}, TestSchema(), *spec);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto t1 = AppendFiles(t->table_dir, {MakeFile(*t, "r=eu/a.parquet", 1, 1, "eu"), MakeFile(*t, "r=us/b.parquet", 1, 1, "us"),
                                       MakeFile(*t, "r=us/c.parquet", 1, 1, "us")});
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  EXPECT_EQ(t1->metadata.CurrentSnapshot()->summary.at("changed-partition-count"), "2");
  std::vector<ManifestFile> list;
  Entries(*t1, &list);
  ASSERT_EQ(list.size(), 1u);
  ASSERT_EQ(list[0].partitions.size(), 1u);
  EXPECT_EQ(list[0].partitions[0].lower_bound, std::optional<std::string>("eu"));
  EXPECT_EQ(list[0].partitions[0].upper_bound, std::optional<std::string>("us"));
  // A tuple of the wrong arity is rejected before anything is committed.
  DataFile bad = MakeFile(*t, "x.parquet", 1, 1);
  bad.partition.clear();
  EXPECT_FALSE(AppendFiles(t->table_dir, {bad}).ok());
  EXPECT_EQ(LoadTableDir(t->table_dir)->version, 2);
}

TEST_F(CommitTest, ValidateHookRunsOnEveryAttemptAndCanRefuse) {
  SnapshotChange c;
  c.added_data_files = {MakeFile(table_, "a.parquet", 1, 1)};
  int calls = 0;
  c.validate = [&](const Table& base) -> Status {
    ++calls;
    if (base.metadata.current_snapshot_id) return Conflict("expected an empty table");
    return Status::OK();
  };
  ASSERT_TRUE(CommitSnapshot(table_.table_dir, c).ok());
  EXPECT_EQ(calls, 1);
  auto second = CommitSnapshot(table_.table_dir, c);
  EXPECT_EQ(second.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(calls, 2);
}

TEST_F(CommitTest, CorruptManifestListAndManifestNameTheFile) {
  auto t1 = AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 1, 1)});
  ASSERT_TRUE(t1.ok());
  std::vector<ManifestFile> list;
  Entries(*t1, &list);
  ASSERT_EQ(list.size(), 1u);
  // Overwrite must read the manifest: a corrupt one is named.
  WriteFile(list[0].manifest_path, "Obj\x01 not really avro");
  auto r = OverwriteFiles(table_.table_dir, {table_.metadata.location + "/data/a.parquet"}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(list[0].manifest_path), std::string::npos) << r.status().message();
  const std::string list_path = t1->metadata.CurrentSnapshot()->manifest_list;
  WriteFile(list_path, "garbage");
  r = AppendFiles(table_.table_dir, {MakeFile(table_, "b.parquet", 1, 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(list_path), std::string::npos) << r.status().message();
  // A corrupt newest metadata file is named too.
  WriteFile(table_.table_dir + "/metadata/v3.metadata.json", "{\"format-version\":");
  auto loaded = LoadTableDir(table_.table_dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(loaded.status().message().find("v3.metadata.json"), std::string::npos) << loaded.status().message();
}

TEST_F(CommitTest, CatalogCreateLoadListDrop) {
  EXPECT_EQ(catalog_.CreateTable(id_, TestSchema(), PartitionSpec::Unpartitioned()).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(*catalog_.TableExists(id_));
  PartitionSpec bad(0, {PartitionField{99, 1000, "x", Transform::Identity()}});
  EXPECT_EQ(catalog_.CreateTable({{"sales"}, "bad"}, TestSchema(), bad).status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_.path() / "sales" / "bad"));
  ASSERT_TRUE(catalog_.CreateTable({{"sales"}, "customers"}, TestSchema(), PartitionSpec::Unpartitioned()).ok());
  ASSERT_TRUE(catalog_.CreateTable({{"a", "b"}, "deep"}, TestSchema(), PartitionSpec::Unpartitioned()).ok());
  auto tables = catalog_.ListTables({"sales"});
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].ToString(), "sales.customers");
  EXPECT_EQ((*tables)[1].ToString(), "sales.orders");
  auto deep = LoadTableArgument(catalog_.warehouse(), "a.b.deep");
  ASSERT_TRUE(deep.ok()) << deep.status().ToString();
  EXPECT_EQ(deep->table_dir, dir_.path().string() + "/a/b/deep");
  EXPECT_EQ(deep->metadata.location, deep->table_dir);
  EXPECT_TRUE(fs::is_directory(deep->table_dir + "/data"));
  EXPECT_EQ(fs::path(LoadTableArgument("", deep->table_dir + "/metadata/v1.metadata.json")->table_dir), deep->table_dir);
  EXPECT_EQ(LoadTableArgument("", "sales.orders").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(LoadTableArgument(catalog_.warehouse(), "sales.nope").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(TableIdentifier::Parse("orders").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(TableIdentifier::Parse("a..b").status().code(), ErrorCode::kInvalidArgument);

  ASSERT_TRUE(AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 1, 1)}).ok());
  WriteFile(table_.table_dir + "/data/a.parquet", "x");
  ASSERT_TRUE(catalog_.DropTable(id_).ok());
  EXPECT_FALSE(*catalog_.TableExists(id_));
  EXPECT_TRUE(fs::exists(table_.table_dir + "/data/a.parquet"));  // data kept without purge
  ASSERT_TRUE(catalog_.DropTable({{"sales"}, "customers"}, true).ok());
  EXPECT_FALSE(fs::exists(dir_.path() / "sales" / "customers"));
  EXPECT_EQ(catalog_.DropTable(id_).code(), ErrorCode::kNotFound);
}

TEST_F(CommitTest, UpdatePropertiesKeepsSnapshots) {
  auto t1 = AppendFiles(table_.table_dir, {MakeFile(table_, "a.parquet", 1, 1)});
  ASSERT_TRUE(t1.ok());
  auto t2 = UpdateTableProperties(table_.table_dir, {{"icesync.source", "mssql"}, {"k", "v"}});
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  auto t3 = UpdateTableProperties(table_.table_dir, {}, {"k"});
  ASSERT_TRUE(t3.ok());
  auto loaded = LoadTableDir(table_.table_dir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->version, 4);
  EXPECT_EQ(loaded->metadata.properties, (std::map<std::string, std::string>{{"icesync.source", "mssql"}}));
  EXPECT_EQ(loaded->metadata.current_snapshot_id, t1->metadata.current_snapshot_id);
  EXPECT_EQ(loaded->metadata.metadata_log.size(), 3u);
}

TEST_F(CommitTest, StaleOrMissingHintIsTolerated) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(AppendFiles(table_.table_dir, {MakeFile(table_, fmt::format("{}.parquet", i), 1, 1)}).ok());
  const std::string md = table_.table_dir + "/metadata/";
  EXPECT_EQ(testing::ReadFile(md + "version-hint.text"), "4");
  WriteFile(md + "version-hint.text", "2");  // stale: a writer killed between commit and hint
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, 4);
  // ...and put right by that load, for engines that trust the hint.
  EXPECT_EQ(testing::ReadFile(md + "version-hint.text"), "4");
  fs::remove(md + "version-hint.text");  // missing
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, 4);
  WriteFile(md + "version-hint.txt", "3\n");  // old name
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, 4);
  WriteFile(md + "version-hint.text", "v9");  // names nothing
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, 4);
  // Commits go on from the newest version whatever the hint says.
  ASSERT_TRUE(AppendFiles(table_.table_dir, {MakeFile(table_, "z.parquet", 1, 1)}).ok());
  EXPECT_EQ(LoadTableDir(table_.table_dir)->version, 5);
  EXPECT_EQ(testing::ReadFile(md + "version-hint.text"), "5");
}

}  // namespace
}  // namespace icesync::iceberg
