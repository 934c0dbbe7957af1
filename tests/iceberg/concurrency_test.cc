// Concurrent writers and writers killed mid-commit, as separate processes (fork), against
// one table of the filesystem catalog.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "iceberg/filesystem_catalog.h"
#include "iceberg/snapshot_producer.h"
#include "testing/test_util.h"

namespace icesync::iceberg {
namespace {

namespace fs = std::filesystem;
using icesync::testing::TempDir;

Schema TestSchema() { return Schema({Field{1, "id", DataType::Int64(), true}}); }

DataFile MakeFile(const std::string& location, const std::string& name) {
  DataFile f;
  f.file_path = location + "/data/" + name;
  f.record_count = 1;
  f.file_size_in_bytes = 10;
  return f;
}

// Live data file paths of the current snapshot; fails the test on unreadable files.
std::multiset<std::string> LiveFiles(const Table& t) {
  std::multiset<std::string> out;
  const Snapshot* s = t.metadata.CurrentSnapshot();
  if (!s) return out;
  auto list = ReadManifestList(s->manifest_list);
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  if (!list.ok()) return out;
  for (const ManifestFile& mf : *list) {
    auto entries = ReadManifestEntriesResolved(mf.manifest_path, mf, {});
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    if (!entries.ok()) continue;
    for (const auto& e : *entries) {
      if (e.status != EntryStatus::kDeleted) out.insert(e.data_file.file_path);
    }
  }
  return out;
}

// Each vN's current snapshot has v(N-1)'s current snapshot as parent; returns the version count.
int CheckMetadataChain(const std::string& table_dir) {
  std::optional<SnapshotId> prev;
  int n = 1;
  for (;; ++n) {
    std::string path = fmt::format("{}/metadata/v{}.metadata.json", table_dir, n);
    if (!fs::exists(path)) break;
    auto m = ReadTableMetadata(path);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (!m.ok()) break;
    if (n > 1) {
      const Snapshot* s = m->CurrentSnapshot();
      EXPECT_NE(s, nullptr) << path;
      if (!s) break;
      EXPECT_EQ(s->parent_snapshot_id, prev) << path;
      EXPECT_EQ(s->sequence_number, n - 1) << path;
      EXPECT_EQ(m->snapshots.size(), static_cast<size_t>(n - 1)) << path;
    }
    prev = m->current_snapshot_id;
  }
  return n - 1;
}

TEST(Concurrency, FourProcessesTimesTwentyFiveAppends) {
  TempDir dir;
  FilesystemCatalog catalog(dir.path().string());
  auto t = catalog.CreateTable({{"ns"}, "t"}, TestSchema(), PartitionSpec::Unpartitioned());
  ASSERT_TRUE(t.ok());
  const std::string table_dir = t->table_dir, location = t->metadata.location;
  constexpr int kWriters = 4, kAppends = 25;
  std::vector<pid_t> pids;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0; i < kAppends; ++i) {
        auto r = AppendFiles(table_dir, {MakeFile(location, fmt::format("w{}-{}.parquet", w, i))},
                             {{"writer", std::to_string(w)}});
        if (!r.ok()) {
          std::fprintf(stderr, "writer %d append %d: %s\n", w, i, r.status().ToString().c_str());
          _exit(1);
        }
      }
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer failed, status " << status;
  }
  auto final_table = LoadTableDir(table_dir);
  ASSERT_TRUE(final_table.ok()) << final_table.status().ToString();
  EXPECT_EQ(final_table->version, 1 + kWriters * kAppends);
  EXPECT_EQ(final_table->metadata.snapshots.size(), static_cast<size_t>(kWriters * kAppends));
  EXPECT_EQ(final_table->metadata.last_sequence_number, kWriters * kAppends);
  EXPECT_EQ(final_table->metadata.CurrentSnapshot()->summary.at("total-data-files"), "100");
  EXPECT_EQ(CheckMetadataChain(table_dir), 1 + kWriters * kAppends);
  // Losers' attempts leave unreferenced manifest lists behind (snap-<id>-<attempt>-...): report
  // how much retrying the race took.
  int manifest_lists = 0;
  for (const auto& e : fs::directory_iterator(table_dir + "/metadata")) {
    if (e.path().filename().string().starts_with("snap-")) ++manifest_lists;
  }
  std::printf("100 commits by %d processes took %d attempts\n", kWriters, manifest_lists);
  EXPECT_GE(manifest_lists, kWriters * kAppends);
  std::multiset<std::string> live = LiveFiles(*final_table);
  EXPECT_EQ(live.size(), static_cast<size_t>(kWriters * kAppends));
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kAppends; ++i) {
      EXPECT_EQ(live.count(location + fmt::format("/data/w{}-{}.parquet", w, i)), 1u) << w << "-" << i;
    }
  }
}

TEST(Concurrency, KilledWriterLeavesTableAtPreviousOrNextSnapshot) {
  TempDir dir;
  FilesystemCatalog catalog(dir.path().string());
  auto t = catalog.CreateTable({{"ns"}, "t"}, TestSchema(), PartitionSpec::Unpartitioned());
  ASSERT_TRUE(t.ok());
  const std::string table_dir = t->table_dir, location = t->metadata.location;
  int committed_before = 0;
  for (int round = 0; round < 10; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) {
        (void)AppendFiles(table_dir, {MakeFile(location, fmt::format("r{}-{}.parquet", round, i))});
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3 + 7 * round));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    auto loaded = LoadTableDir(table_dir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    // Every committed version is complete and the chain is intact; the current snapshot's
    // files are all readable and match its summary.
    int versions = CheckMetadataChain(table_dir);
    EXPECT_EQ(loaded->version, versions);
    EXPECT_GE(versions - 1, committed_before);
    committed_before = versions - 1;
    if (loaded->metadata.CurrentSnapshot()) {
      EXPECT_EQ(static_cast<int64_t>(LiveFiles(*loaded).size()),
                loaded->metadata.CurrentSnapshot()->SummaryInt("total-data-files", -1));
    }
  }
  // The table still accepts commits after all the kills.
  auto after = AppendFiles(table_dir, {MakeFile(location, "after.parquet")});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->version, committed_before + 2);
}

}  // namespace
}  // namespace icesync::iceberg
