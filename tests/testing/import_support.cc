#include "testing/import_support.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/canonical_json.h"
#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "iceberg/data_file_projection.h"
#include "iceberg/file_writer.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_producer.h"

namespace icesync::load::testing {

namespace {

// A new file of `table` holding `batch` (fails the test when it cannot be written).
iceberg::DataFile WriteFile(const iceberg::Table& table, const RecordBatch& batch, iceberg::FileContent content,
                            std::vector<int> equality_ids = {}) {
  auto f = iceberg::WriteNewFile(table, batch, content, {}, std::move(equality_ids));
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : iceberg::DataFile{};
}

}  // namespace

iceberg::Table CommitRowDelta(const std::string& table_dir, const std::vector<int64_t>& delete_keys,
                              const RecordBatch& added, const std::string& key_column) {
  auto table = iceberg::LoadTableDir(table_dir);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  auto plan = iceberg::PlanScan(*table, {});
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  const Field* key = nullptr;
  for (const Field& f : plan->schema.fields()) {
    if (f.name == key_column) key = &f;
  }
  EXPECT_NE(key, nullptr) << key_column;
  auto pos_schema = std::make_shared<const Schema>(std::vector<Field>{
      {2147483546, "file_path", DataType::String(), true}, {2147483545, "pos", DataType::Int64(), true}});
  RecordBatch positions(pos_schema);
  const iceberg::TableFileMapper mapper = table->FileMapper(false);
  for (const iceberg::FileScanTask& task : plan->tasks) {
    auto local = mapper.ToLocal(task.data.path());
    EXPECT_TRUE(local.ok());
    auto read = iceberg::ReadProjected(*local, {*key}, [&](RecordBatch&& batch, int64_t first) -> Status {
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        const int64_t id = batch.column(0).Value<int64_t>(r);
        if (std::find(delete_keys.begin(), delete_keys.end(), id) == delete_keys.end()) continue;
        positions.column(0).AppendBytes(task.data.path());
        positions.column(1).Append<int64_t>(first + r);
      }
      return Status::OK();
    });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
  }
  std::vector<iceberg::DataFile> deletes;
  if (positions.num_rows() > 0) deletes.push_back(WriteFile(*table, positions, iceberg::FileContent::kPositionDeletes));
  std::vector<iceberg::DataFile> data;
  if (added.num_rows() > 0) data.push_back(WriteFile(*table, added, iceberg::FileContent::kData));
  auto committed = iceberg::RowDelta(table_dir, data, deletes);
  EXPECT_TRUE(committed.ok()) << committed.status().ToString();
  return committed.ok() ? *committed : *table;
}

iceberg::Table CommitEqualityDelete(const std::string& table_dir, const std::vector<int64_t>& keys,
                                    const std::string& key_column) {
  auto table = iceberg::LoadTableDir(table_dir);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  const Schema* schema = table->metadata.CurrentSchema();
  const auto index = schema->FindTopLevelIndex(key_column);
  EXPECT_TRUE(index.has_value()) << key_column;
  const Field key = schema->field(*index);
  RecordBatch batch(std::make_shared<const Schema>(std::vector<Field>{key}));
  for (int64_t k : keys) batch.column(0).Append<int64_t>(k);
  auto committed = iceberg::RowDelta(
      table_dir, {}, {WriteFile(*table, batch, iceberg::FileContent::kEqualityDeletes, {key.id})});
  EXPECT_TRUE(committed.ok()) << committed.status().ToString();
  return committed.ok() ? *committed : *table;
}

std::string TargetRows(const std::string& url, const std::string& table, const std::vector<std::string>& columns) {
  auto conn = db::Connection::Open(url);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return "";
  auto discovered = db::DiscoverTable(**conn, table);
  EXPECT_TRUE(discovered.ok()) << discovered.status().ToString();
  if (!discovered.ok()) return "";
  db::SourceTable t = *discovered;
  if (!columns.empty()) {
    auto selected = db::SelectColumns(t, columns);
    EXPECT_TRUE(selected.ok()) << selected.status().ToString();
    if (!selected.ok()) return "";
    t = *selected;
  }
  auto extractor = db::Extractor::Open(**conn, t);
  EXPECT_TRUE(extractor.ok()) << extractor.status().ToString();
  if (!extractor.ok()) return "";
  std::vector<std::string> lines;
  RecordBatch batch;
  while (true) {
    auto more = (*extractor)->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (int64_t r = 0; r < batch.num_rows(); ++r) lines.push_back(CanonicalRow(batch, r));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string QueryValue(const std::string& url, const std::string& sql) {
  auto conn = db::Connection::Open(url);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return "";
  auto rows = (*conn)->QueryText(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->empty() || (*rows)[0].empty() || !(*rows)[0][0]) return "";
  return *(*rows)[0][0];
}

CommandResult RunImport(const std::string& warehouse, const std::string& from, const std::string& url,
                        const std::string& table, const std::string& extra, const std::string& env) {
  return sync::testing::Icesync("import --warehouse " + ShellQuote(warehouse) + " --from " + ShellQuote(from) +
                                    " --target " + ShellQuote(url) + " --table " + ShellQuote(table) + " --json " +
                                    extra,
                                env);
}

}  // namespace icesync::load::testing
