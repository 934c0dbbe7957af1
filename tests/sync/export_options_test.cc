// `icesync export` options: --json reports what was committed, --target-file-size rolls
// files within each partition (all of them readable), --where and --query export subsets.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "testing/export_support.h"

namespace icesync::sync::testing {
namespace {

namespace fs = std::filesystem;

class ExportOptionsTest : public ExportFixture {
 protected:
  void Load(int generated) {
    rows_ = AllTypesRows(schema_, generated, /*sqlite=*/true);
    CreateAndLoad(sqlite_url(), "all_types", schema_, rows_);
  }
  std::string Rows(const std::function<bool(int64_t id)>& keep) const {
    return SortedCanonicalLines(rows_, [&](int64_t r) { return keep(rows_.column(0).Value<int64_t>(r)); });
  }

  std::shared_ptr<const Schema> schema_ = AllTypesSchema();
  RecordBatch rows_;
};

TEST_F(ExportOptionsTest, JsonReportsWhatWasCommitted) {
  Load(60);
  if (HasFatalFailure()) return;
  CommandResult r = Export(sqlite_url(), "all_types", "shop.items", "--partition-by 'bucket(3, id)' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);  // one object, nothing else on stdout
  const std::string table_dir = TableDir("shop.items");
  iceberg::Table t = LoadTable(table_dir);
  const std::vector<std::string> files = CommittedDataFiles(table_dir);
  int64_t bytes = 0;
  for (const std::string& f : files) bytes += static_cast<int64_t>(fs::file_size(f));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["table"], "shop.items");
  EXPECT_EQ(j["rows"], 64);
  EXPECT_EQ(j["files"], static_cast<int64_t>(files.size()));
  EXPECT_EQ(files.size(), 3u);
  EXPECT_EQ(j["bytes"], bytes);
  EXPECT_EQ(j["snapshot_id"], t.metadata.current_snapshot_id.value_or(0));
  EXPECT_EQ(j["operation"], "append");
  EXPECT_EQ(j["metadata"], t.metadata_path);
  EXPECT_GT(j["duration_s"].get<double>(), 0.0);
  EXPECT_LT(j["duration_s"].get<double>(), 60.0);
  EXPECT_TRUE(j["previous_snapshot_id"].is_null());

  // Failures are JSON too, with the message (and the exit code of the failure).
  CommandResult again = Export(sqlite_url(), "all_types", "shop.items", "--json");
  EXPECT_EQ(again.exit_code, 2);
  nlohmann::json e = nlohmann::json::parse(again.out);
  EXPECT_EQ(e["ok"], false);
  EXPECT_EQ(e["exit_code"], 2);
  EXPECT_NE(e["error"].get<std::string>().find("--replace"), std::string::npos) << again.out;
}

TEST_F(ExportOptionsTest, HumanOutputSaysWhatWasCommitted) {
  Load(10);
  if (HasFatalFailure()) return;
  CommandResult r = Icesync("export --source " + ShellQuote(sqlite_url()) + " --table all_types --warehouse " +
                            ShellQuote(warehouse()) + " --to shop.items");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const iceberg::Table t = LoadTable(TableDir("shop.items"));
  EXPECT_NE(r.out.find("exported 14 rows into shop.items (append, snapshot " +
                       std::to_string(t.metadata.current_snapshot_id.value_or(0)) + ") in 1 files"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("metadata: " + t.metadata_path), std::string::npos) << r.out;
}

// Every codec writes files DuckDB reads, and the table records the codec for other writers.
TEST_F(ExportOptionsTest, EveryCompressionCodecReadsBack) {
  Load(30);
  if (HasFatalFailure()) return;
  for (const char* codec : {"zstd", "snappy", "gzip", "none"}) {
    SCOPED_TRACE(codec);
    const std::string target = std::string("codecs.") + codec;
    CommandResult r = Export(sqlite_url(), "all_types", target, std::string("--compression ") + codec);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string table_dir = TableDir(target);
    ExpectSameLines(Rows([](int64_t) { return true; }), DuckdbRows(table_dir), "DuckDB");
    const std::string stored = std::string(codec) == "none" ? "UNCOMPRESSED" : codec;
    CommandResult meta = Icesync("parquet meta " + ShellQuote(CommittedDataFiles(table_dir)[0]));
    std::string upper = stored;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(meta.out.find(" " + upper + " "), std::string::npos) << meta.out.substr(0, 2000);
    EXPECT_EQ(LoadTable(table_dir).metadata.properties.at("write.parquet.compression-codec"),
              std::string(codec) == "none" ? "uncompressed" : codec);
  }
  CommandResult bad = Export(sqlite_url(), "all_types", "codecs.bad", "--compression lz9");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("lz9"), std::string::npos) << bad.err;
}

TEST_F(ExportOptionsTest, SmallTargetFileSizeRollsFilesInEachPartition) {
  Load(800);
  if (HasFatalFailure()) return;
  CommandResult r = Export(sqlite_url(), "all_types", "shop.items",
                           "--partition-by 'bucket(2, id)' --target-file-size 8KB --batch-rows 100 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string table_dir = TableDir("shop.items");
  std::map<std::string, int> files_per_partition;
  for (const std::string& f : CommittedDataFiles(table_dir)) ++files_per_partition[fs::path(f).parent_path().string()];
  ASSERT_EQ(files_per_partition.size(), 2u);
  for (const auto& [dir, n] : files_per_partition) EXPECT_GE(n, 3) << dir;
  EXPECT_EQ(nlohmann::json::parse(r.out)["files"], files_per_partition.begin()->second + files_per_partition.rbegin()->second);
  ExpectReadersSeeRows(warehouse(), "shop.items", table_dir, Rows([](int64_t) { return true; }));
}

// More partitions than files kept open (64): the least recently used file is closed and a
// later row of its partition starts a new file; every row still lands in its partition once.
TEST_F(ExportOptionsTest, MorePartitionsThanOpenFiles) {
  Load(400);
  if (HasFatalFailure()) return;
  CommandResult r = Export(sqlite_url(), "all_types", "shop.spread", "--partition-by 'bucket(100, id)' --batch-rows 50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string table_dir = TableDir("shop.spread");
  ExpectSameLines(Rows([](int64_t) { return true; }), ScanRows(warehouse(), "shop.spread"), "icesync scan");
  ExpectRowsInTheirPartitions(table_dir);
  std::set<std::string> partitions;
  const std::vector<std::string> files = CommittedDataFiles(table_dir);
  for (const std::string& f : files) partitions.insert(fs::path(f).parent_path().string());
  EXPECT_GT(partitions.size(), 64u);
  EXPECT_GT(files.size(), partitions.size()) << "files closed for the open-file limit were continued in new ones";
}

TEST_F(ExportOptionsTest, WhereExportsTheMatchingRows) {
  Load(60);
  if (HasFatalFailure()) return;
  // One row per fetch and per batch: the smallest batches still give every row once.
  CommandResult r = Export(sqlite_url(), "all_types", "shop.some", "--where 'id > 10 AND id <= 30' --batch-rows 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], 20);
  const std::string table_dir = TableDir("shop.some");
  ExpectReadersSeeRows(warehouse(), "shop.some", table_dir, Rows([](int64_t id) { return id > 10 && id <= 30; }));
  EXPECT_EQ(LoadTable(table_dir).metadata.CurrentSnapshot()->summary.at("icesync.source-where"), "id > 10 AND id <= 30");

  // A predicate the source rejects is a source error naming the problem; nothing is written.
  CommandResult bad = Export(sqlite_url(), "all_types", "shop.bad", "--where 'no_such_column = 1'");
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("no_such_column"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(TableDir("shop.bad")));
}

TEST_F(ExportOptionsTest, QueryExportsItsResultColumnsAndRows) {
  Load(60);
  if (HasFatalFailure()) return;
  const std::string query = "SELECT id, txt AS label, dec38_10, day, blob FROM all_types WHERE id % 3 = 0";
  CommandResult r = Export(sqlite_url(), "", "shop.picked", "--query " + ShellQuote(query) + " --partition-by 'month(day)' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RecordBatch picked = Project(rows_, {"id", "txt", "dec38_10", "day", "blob"});
  std::vector<Field> fields = picked.schema()->fields();
  fields[1].name = "label";
  RecordBatch renamed(std::make_shared<const Schema>(std::move(fields), 0, std::vector<int>{}));
  renamed.columns() = picked.columns();
  const std::string expected =
      SortedCanonicalLines(renamed, [&](int64_t r) { return rows_.column(0).Value<int64_t>(r) % 3 == 0; });
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], static_cast<int64_t>(LineCount(expected)));
  const std::string table_dir = TableDir("shop.picked");
  ExpectReadersSeeRows(warehouse(), "shop.picked", table_dir, expected);
  iceberg::Table t = LoadTable(table_dir);
  EXPECT_EQ(t.metadata.CurrentSnapshot()->summary.at("icesync.source-query"), query);
  EXPECT_TRUE(t.metadata.CurrentSchema()->identifier_field_ids().empty()) << "a query has no primary key";
  EXPECT_EQ(t.metadata.properties.count("icesync.source-table"), 0u);

  // Replacing a table exported from a table with a query drops the old source table property.
  ASSERT_EQ(Export(sqlite_url(), "all_types", "shop.from_table").exit_code, 0);
  ASSERT_EQ(LoadTable(TableDir("shop.from_table")).metadata.properties.count("icesync.source-table"), 1u);
  CommandResult replaced = Export(sqlite_url(), "", "shop.from_table", "--replace --query " + ShellQuote(query));
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_EQ(LoadTable(TableDir("shop.from_table")).metadata.properties.count("icesync.source-table"), 0u);

  // A computed column has no declared type in SQLite: an error naming it, nothing written.
  CommandResult untyped = Export(sqlite_url(), "", "shop.untyped", "--query 'SELECT id, id * 2 AS twice FROM all_types'");
  EXPECT_EQ(untyped.exit_code, 6) << untyped.err;
  EXPECT_NE(untyped.err.find("--query"), std::string::npos) << untyped.err;
  EXPECT_NE(untyped.err.find("twice"), std::string::npos) << untyped.err;
  CommandResult broken = Export(sqlite_url(), "", "shop.broken", "--query 'SELECT nope FROM all_types'");
  EXPECT_EQ(broken.exit_code, 3) << broken.err;
  EXPECT_NE(broken.err.find("nope"), std::string::npos) << broken.err;
  EXPECT_FALSE(fs::exists(TableDir("shop.untyped")));
  EXPECT_FALSE(fs::exists(TableDir("shop.broken")));
}

// The help teaches: examples, what --replace keeps, exit codes; and its SQLite examples are
// accepted as written (they fail only because /data/shop.db does not exist here).
TEST(ExportHelpTest, ExamplesParseAndExitCodesAreListed) {
  CommandResult help = Icesync("export --help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const char* part : {"Examples:", "--partition-by", "--replace", "--query", "--where", "--json",
                           "icesync scan --snapshot", "Exit codes:", "7 warehouse not writable"}) {
    EXPECT_NE(help.out.find(part), std::string::npos) << part;
  }
  std::istringstream in(help.out);
  std::string line, example;
  int sqlite_examples = 0;
  for (std::string next; std::getline(in, next);) {
    if (example.empty() && next.rfind("  icesync export ", 0) != 0) continue;
    example += next;
    if (!example.empty() && example.back() == '\\') {
      example.pop_back();
      continue;
    }
    if (example.find("sqlite:///data/shop.db") != std::string::npos) {
      ++sqlite_examples;
      const std::string args = example.substr(example.find("export "));
      CommandResult r = Icesync(args);
      EXPECT_EQ(r.exit_code, 5) << args << "\n" << r.err;
      EXPECT_NE(r.err.find("/data/shop.db does not exist"), std::string::npos) << r.err;
    }
    example.clear();
  }
  EXPECT_GE(sqlite_examples, 2);
}

}  // namespace
}  // namespace icesync::sync::testing
