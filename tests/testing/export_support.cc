#include "testing/export_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/canonical_json.h"
#include "core/decimal.h"
#include "core/temporal.h"
#include "core/value.h"
#include "db/bulk_loader.h"
#include "db/odbc_codec.h"
#include "db/db_test_support.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "parquet/parquet_reader.h"
#include "sync/partitioned_writer.h"

namespace icesync::sync::testing {

namespace fs = std::filesystem;
using icesync::testing::IcesyncBinary;
using icesync::testing::RunCommand;
using icesync::testing::RunNode;

CommandResult Icesync(const std::string& args, const std::string& env) {
  return RunCommand((env.empty() ? "" : env + " ") + ShellQuote(IcesyncBinary()) + " " + args);
}

std::shared_ptr<const Schema> AllTypesSchema() { return db::testing::AllTypesSchema(); }

RecordBatch AllTypesRows(const std::shared_ptr<const Schema>& schema, int generated, bool sqlite) {
  RecordBatch b = db::testing::AllTypesRows(schema, /*exact_extreme_doubles=*/!sqlite);
  auto& c = b.columns();
  // Strings that identity partitioning must escape in paths, and non-ASCII ones.
  const char* texts[] = {"Z\xc3\xbcrich", "\xe6\x9d\xb1\xe4\xba\xac", "\xf0\x9f\x98\x80 emoji", "",
                         "a/b=c%d e?&#", "plain"};
  for (int g = 0; g < generated; ++g) {
    const int64_t i = 5 + g;
    c[0].Append<int64_t>(i);
    c[1].Append<uint8_t>(i % 2);
    if (i % 7 == 0) c[2].AppendNull(); else c[2].Append<int32_t>(static_cast<int32_t>(i * 7 - 100));
    c[3].Append<int64_t>(i * 1'000'000'000'000LL + i);
    c[4].Append<float>(static_cast<float>(i) * 0.25f);
    c[5].Append<double>(static_cast<double>(i) * 0.1);
    c[6].Append<Int128>(*ParseDecimal(fmt::format("{}123456789012345678901234567890", i), 38, 0));
    c[7].Append<Int128>(*ParseDecimal(fmt::format("-{}.0123456789", i), 38, 10));
    c[8].Append<Int128>(*ParseDecimal(fmt::format("{}.{:02}", i, i % 100), 9, 2));
    c[9].Append<int32_t>(static_cast<int32_t>(DaysFromCivil(2023 + (i / 12) % 2, static_cast<int>(i % 12) + 1,
                                                            static_cast<int>(i % 28) + 1)));
    c[10].Append<int64_t>(i * 1'000'001);
    c[11].Append<int64_t>(db::testing::Micros(fmt::format("2023-{:02}-{:02}T{:02}:00:00.{:06}", i % 12 + 1,
                                                         i % 28 + 1, i % 24, i * 12345 % 1'000'000)));
    c[12].Append<int64_t>(db::testing::Micros(fmt::format("2024-01-01T00:00:{:02}.{:06}+00:00", i % 60, i)));
    if (i % 11 == 0) c[13].AppendNull(); else c[13].AppendBytes(texts[i % 6]);
    c[14].AppendBytes(*db::UuidFromText(fmt::format("{:08x}-0000-4000-8000-{:012x}", i, i * 7919)));
    if (i % 5 == 0) {
      c[15].AppendNull();
    } else {
      c[15].AppendBytes(std::string{static_cast<char>(i), '\xff', '\0', static_cast<char>(0xc3), 'x'});
    }
  }
  return b;
}

void CreateAndLoad(const std::string& url, const std::string& table, const std::shared_ptr<const Schema>& schema,
                   const RecordBatch& rows) {
  auto conn = db::Connection::Open(url);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const db::TableName name{"", table};
  (void)(*conn)->Execute((*conn)->dialect().DropTable(name));
  Status st = (*conn)->Execute((*conn)->dialect().CreateTable(name, *schema, false));
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE((*conn)->Begin().ok());
  auto loader = db::BulkLoader::Open(**conn, name, schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  st = (*loader)->Append(rows);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto loaded = (*loader)->Finish();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(*loaded, rows.num_rows());
  ASSERT_TRUE((*conn)->Commit().ok());
}

RecordBatch Project(const RecordBatch& batch, const std::vector<std::string>& names) {
  std::vector<Field> fields;
  std::vector<size_t> indexes;
  for (const std::string& name : names) {
    auto index = batch.schema()->FindTopLevelIndex(name);
    EXPECT_TRUE(index.has_value()) << name;
    if (!index) continue;
    indexes.push_back(*index);
    fields.push_back(batch.schema()->field(*index));
  }
  RecordBatch out(std::make_shared<const Schema>(std::move(fields), 0, std::vector<int>{}));
  for (size_t i = 0; i < indexes.size(); ++i) out.columns()[i] = batch.column(indexes[i]);
  return out;
}

std::string SortedCanonicalLines(const RecordBatch& batch, const std::function<bool(int64_t)>& keep) {
  std::vector<std::string> lines;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (!keep || keep(r)) lines.push_back(CanonicalRow(batch, r));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string SortedCanonicalLines(const RecordBatch& batch) { return SortedCanonicalLines(batch, nullptr); }

iceberg::Table LoadTable(const std::string& table_dir) {
  auto t = iceberg::LoadTableDir(table_dir);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : iceberg::Table{};
}

std::vector<std::string> CommittedDataFiles(const std::string& table_dir, int64_t snapshot_id) {
  std::vector<std::string> out;
  auto table = iceberg::LoadTableDir(table_dir);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return out;
  iceberg::ScanOptions options;
  if (snapshot_id != 0) options.snapshot_id = snapshot_id;
  auto plan = iceberg::PlanScan(*table, options);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return out;
  iceberg::TableFileMapper mapper = table->FileMapper(false);
  for (const iceberg::FileScanTask& task : plan->tasks) {
    EXPECT_TRUE(task.deletes.empty()) << "an export writes no delete files";
    auto local = mapper.ToLocal(task.data.path());
    EXPECT_TRUE(local.ok()) << local.status().ToString();
    if (local.ok()) out.push_back(*local);
  }
  std::sort(out.begin(), out.end());
  return out;
}

LiveFiles CommittedFiles(const std::string& table_dir) {
  LiveFiles out;
  auto table = iceberg::LoadTableDir(table_dir);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return out;
  auto plan = iceberg::PlanScan(*table, iceberg::ScanOptions{});
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return out;
  iceberg::TableFileMapper mapper = table->FileMapper(false);
  std::set<std::string> deletes;
  for (const iceberg::FileScanTask& task : plan->tasks) {
    auto local = mapper.ToLocal(task.data.path());
    EXPECT_TRUE(local.ok()) << local.status().ToString();
    if (local.ok()) out.data.push_back(*local);
    for (const iceberg::ScanFile& d : task.deletes) {
      EXPECT_EQ(d.content(), iceberg::FileContent::kPositionDeletes) << d.path();
      auto dl = mapper.ToLocal(d.path());
      if (dl.ok()) deletes.insert(*dl);
    }
  }
  std::sort(out.data.begin(), out.data.end());
  out.position_deletes.assign(deletes.begin(), deletes.end());
  return out;
}

void ExpectRowsInTheirPartitions(const std::string& table_dir) {
  auto table = iceberg::LoadTableDir(table_dir);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto plan = iceberg::PlanScan(*table, iceberg::ScanOptions{});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  iceberg::TableFileMapper mapper = table->FileMapper(false);
  for (const iceberg::FileScanTask& task : plan->tasks) {
    const iceberg::PartitionSpec* spec = table->metadata.SpecById(task.data.spec_id);
    ASSERT_NE(spec, nullptr);
    const std::vector<Value>& tuple = task.data.file.partition;
    ASSERT_EQ(tuple.size(), spec->fields().size()) << task.data.path();
    auto local = mapper.ToLocal(task.data.path());
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    auto reader = parquet::ParquetReader::Open(*local);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto scan = (*reader)->Scan(parquet::ScanOptions{});
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    RecordBatch batch;
    while (true) {
      auto more = (*scan)->Next(&batch);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      for (size_t p = 0; p < spec->fields().size(); ++p) {
        const iceberg::PartitionField& pf = spec->fields()[p];
        std::optional<size_t> column;
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          if (batch.schema()->field(c).id == pf.source_id) column = c;
        }
        ASSERT_TRUE(column.has_value()) << "no column with field id " << pf.source_id << " in " << *local;
        for (int64_t r = 0; r < batch.num_rows(); ++r) {
          auto value = pf.transform.Apply(ValueAt(batch.column(*column), r));
          ASSERT_TRUE(value.ok()) << value.status().ToString();
          if (!(*value == tuple[p]) || value->is_null() != tuple[p].is_null()) {
            ADD_FAILURE() << *local << " row " << r << ": " << pf.name << " is " << value->ToString()
                          << ", the file's partition says " << tuple[p].ToString();
            return;
          }
        }
      }
    }
  }
}

std::string ScanRows(const std::string& warehouse, const std::string& table, int64_t snapshot_id) {
  std::string args = "scan --format jsonl --sort --warehouse " + ShellQuote(warehouse) + " " + ShellQuote(table);
  if (snapshot_id != 0) args += " --snapshot " + std::to_string(snapshot_id);
  CommandResult r = Icesync(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

namespace {

std::string ReadBack(const std::string& args) {
  CommandResult r = RunNode("export_readback.mjs", args);
  EXPECT_EQ(r.exit_code, 0) << "node tests/js/export_readback.mjs " << args << ":\n" << r.err;
  return r.out;
}

}  // namespace

std::string DuckdbRows(const std::string& table_dir) {
  TempDir tmp;
  std::string list;
  for (const std::string& f : CommittedDataFiles(table_dir)) list += f + "\n";
  icesync::testing::WriteFile(tmp.file("files.txt"), list);
  return ReadBack("duckdb " + ShellQuote(tmp.file("files.txt")) + " " + ShellQuote(table_dir));
}

std::string DuckdbRowsWithDeletes(const std::string& table_dir) {
  TempDir tmp;
  const LiveFiles files = CommittedFiles(table_dir);
  std::string data, deletes;
  for (const std::string& f : files.data) data += f + "\n";
  for (const std::string& f : files.position_deletes) deletes += f + "\n";
  icesync::testing::WriteFile(tmp.file("files.txt"), data);
  icesync::testing::WriteFile(tmp.file("deletes.txt"), deletes);
  return ReadBack("duckdb-deletes " + ShellQuote(tmp.file("files.txt")) + " " + ShellQuote(table_dir) + " " +
                  ShellQuote(tmp.file("deletes.txt")));
}

std::string IcebirdRows(const std::string& table_dir, const std::string& metadata_file) {
  return ReadBack("icebird " + ShellQuote(table_dir) + (metadata_file.empty() ? "" : " " + ShellQuote(metadata_file)));
}

std::string IcebirdForm(const std::string& table_dir, const std::string& expected) {
  TempDir tmp;
  icesync::testing::WriteFile(tmp.file("expected.jsonl"), expected);
  return ReadBack("icebird-form " + ShellQuote(table_dir) + " " + ShellQuote(tmp.file("expected.jsonl")));
}

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The region of `s` around byte `at` (rows may hold megabytes of hex).
std::string Around(const std::string& s, size_t at) {
  const size_t from = at > 200 ? at - 200 : 0;
  std::string out = (from > 0 ? "..." : "") + s.substr(from, 400);
  if (from + 400 < s.size()) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace

void ExpectSameLines(const std::string& expected, const std::string& actual, const std::string& what) {
  if (expected == actual) return;
  std::vector<std::string> e = SplitLines(expected), a = SplitLines(actual);
  size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i]) ++i;
  const std::string none = "(none)";
  const std::string& el = i < e.size() ? e[i] : none;
  const std::string& al = i < a.size() ? a[i] : none;
  size_t at = 0;
  while (at < el.size() && at < al.size() && el[at] == al[at]) ++at;
  ADD_FAILURE() << what << ": " << e.size() << " expected rows, " << a.size() << " read; first difference at sorted row "
                << i << ", byte " << at << "\n  expected: " << Around(el, at) << "\n  actual:   " << Around(al, at);
}

size_t LineCount(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectReadersSeeRows(const std::string& warehouse, const std::string& target, const std::string& table_dir,
                          const std::string& expected) {
  ExpectSameLines(expected, ScanRows(warehouse, target), "icesync scan of " + target);
  ExpectSameLines(expected, DuckdbRows(table_dir), "DuckDB over the committed data files of " + target);
  ExpectSameLines(IcebirdForm(table_dir, expected), IcebirdRows(table_dir),
                  "icebird reading " + target + " (decimals, timestamps, binary in icebird's reduced form)");
}

std::string ExportFixture::TableDir(const std::string& target) const {
  auto id = iceberg::TableIdentifier::Parse(target);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return iceberg::FilesystemCatalog(warehouse()).TableDir(*id);
}

std::string ExportFixture::ExportCommand(const std::string& source, const std::string& table,
                                         const std::string& target, const std::string& extra) const {
  std::string command = ShellQuote(IcesyncBinary()) + " export --source " + ShellQuote(source);
  if (!table.empty()) command += " --table " + ShellQuote(table);
  command += " --warehouse " + ShellQuote(warehouse()) + " --to " + ShellQuote(target) + " -q";
  if (!extra.empty()) command += " " + extra;
  return command;
}

CommandResult ExportFixture::Export(const std::string& source, const std::string& table, const std::string& target,
                                    const std::string& extra, const std::string& env) const {
  return RunCommand((env.empty() ? "" : env + " ") + ExportCommand(source, table, target, extra));
}

CommandResult ExportFixture::ExportPausedAt(const std::string& point, const std::string& meanwhile, AfterPause after,
                                            const std::string& source, const std::string& table,
                                            const std::string& target, const std::string& extra) const {
  const std::string pause_file = ShellQuote(dir_.file("paused-" + point + "-" + target));
  const std::string resume = after == AfterPause::kResume ? "rm -f " + pause_file : "kill -TERM $pid";
  return RunCommand("ICESYNC_PAUSE_AT=" + point + " ICESYNC_PAUSE_FILE=" + pause_file + " " +
                    ExportCommand(source, table, target, extra) + " & pid=$!; n=0; while [ ! -e " + pause_file +
                    " ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done; " + (meanwhile.empty() ? ":" : meanwhile) +
                    "; " + resume + "; wait $pid; echo \"export=$?\"");
}

}  // namespace icesync::sync::testing
