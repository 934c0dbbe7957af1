#include "pipeline/demo.h"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "core/durable_file.h"
#include "db/connection.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"
#include "pipeline/coordinator.h"
#include "pipeline/demo_files.h"
#include "pipeline/diff.h"
#include "pipeline/pipeline_config.h"
#include "sync/preview.h"
#include "sync/progress.h"
#include "sync/sample_database.h"

namespace icesync::pipeline {

namespace fs = std::filesystem;
using sync::FormatCount;

namespace {

// The shipped sync.yaml with the demo directory filled in, so the copy runs as it is.
std::string DemoConfigText(const std::string& dir) {
  std::string text = kDemoSyncYaml;
  const std::string var = "${ICESYNC_DEMO_DIR}";
  for (size_t at = text.find(var); at != std::string::npos; at = text.find(var, at + dir.size())) {
    text.replace(at, var.size(), dir);
  }
  return text;
}

// The statements of changes.sql (one per ';' that ends a line; comment lines dropped).
std::vector<std::string> Statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(start, end - start);
    start = end + 1;
    if (line.rfind("--", 0) == 0 || line.find_first_not_of(" \t") == std::string::npos) continue;
    current += line + "\n";
    if (line.back() == ';') {
      current.pop_back();
      current.pop_back();
      out.push_back(current);
      current.clear();
    }
  }
  return out;
}

Status PrintRun(const RunResult& run, std::FILE* out) {
  for (const TableRunResult& t : run.tables) {
    std::fprintf(out, "   %-10s %-9s %9s rows read, %9s written to Iceberg, %9s changed in the target  %.2f s\n",
                 t.name.c_str(), t.status.c_str(), FormatCount(t.rows_extracted).c_str(),
                 FormatCount(t.rows_appended).c_str(), FormatCount(t.rows_imported).c_str(), t.duration_s);
    if (t.status == "failed") return DatabaseError("demo table {} failed: {}", t.name, t.error);
  }
  return Status::OK();
}

Result<int64_t> RowsAt(const iceberg::Table& table, int64_t snapshot_id) {
  iceberg::ScanOptions so;
  so.snapshot_id = snapshot_id;
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, so));
  plan.schema = Schema({}, 0);
  iceberg::TableReader reader(table, plan, false);
  int64_t rows = 0;
  RETURN_IF_ERROR(reader.Read([&](const RecordBatch& b) -> Result<bool> {
    rows += b.num_rows();
    return true;
  }));
  return rows;
}

}  // namespace

Status RunDemo(const DemoOptions& options, std::FILE* out) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return IOError("cannot create demo directory {}: {}", options.dir, ec.message());
  std::string dir = fs::absolute(options.dir, ec).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string source = "sqlite://" + dir + "/demo-source.db";
  const std::string config_path = dir + "/sync.yaml";

  // 0. Afresh: the previous run's databases and warehouse go.
  for (const char* name : {"demo-source.db", "demo-target.db"}) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(dir + "/" + name + suffix, ec);
  }
  fs::remove_all(dir + "/demo-warehouse", ec);

  // 1. The sample shop.
  sync::SampleSpec spec;
  spec.orders = options.orders;
  std::fprintf(out, "1. A sample shop in %s/demo-source.db (SQLite, through its ODBC driver)\n", dir.c_str());
  std::fflush(out);
  ASSIGN_OR_RETURN(sync::SampleDatabaseStats stats, sync::CreateSampleDatabase(source, spec));
  std::fprintf(out, "   customers: %s rows, orders: %s rows (composite key customer_id + order_no)\n",
               FormatCount(stats.customers).c_str(), FormatCount(stats.orders).c_str());

  // 2. The pipeline, first run: full copies, imports into a fresh target.
  RETURN_IF_ERROR(ReplaceFile(config_path, DemoConfigText(dir)));
  ASSIGN_OR_RETURN(PipelineConfig config, LoadPipelineConfig(config_path));
  std::fprintf(out, "2. icesync run -c %s   (sync into %s, import into demo-target.db)\n", config_path.c_str(),
               config.warehouse.c_str());
  std::fflush(out);
  RunOptions ro;
  RunLog quiet = [](const std::string&, const std::string&) {};
  ASSIGN_OR_RETURN(RunResult first, RunPipeline(config, ro, quiet));
  RETURN_IF_ERROR(PrintRun(first, out));

  // 3. Life goes on in the shop.
  std::fprintf(out, "3. Changes in the shop (demo/changes.sql):\n");
  {
    ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, db::Connection::Open(source));
    for (const std::string& sql : Statements(kDemoChangesSql)) {
      ASSIGN_OR_RETURN(int64_t n, conn->ExecuteCount(sql));
      std::string first_line = sql.substr(0, sql.find('\n'));
      if (first_line.size() > 90) first_line = first_line.substr(0, 87) + "...";
      std::fprintf(out, "   %6s row(s): %s\n", FormatCount(n).c_str(), first_line.c_str());
    }
  }

  // 4. The second run commits only the changes.
  std::fprintf(out, "4. icesync run again: only the changes (new data files + position deletes in Iceberg)\n");
  std::fflush(out);
  ASSIGN_OR_RETURN(RunResult second, RunPipeline(config, ro, quiet));
  RETURN_IF_ERROR(PrintRun(second, out));

  // 5. Time travel: both snapshots stay readable.
  iceberg::FilesystemCatalog catalog(config.warehouse);
  ASSIGN_OR_RETURN(iceberg::Table customers, catalog.LoadTable(*iceberg::TableIdentifier::Parse("demo.customers")));
  std::fprintf(out, "5. Time travel on demo.customers (%s):\n", customers.metadata_path.c_str());
  for (const iceberg::Snapshot& s : customers.metadata.snapshots) {
    ASSIGN_OR_RETURN(int64_t rows, RowsAt(customers, s.snapshot_id));
    std::fprintf(out, "   snapshot %lld  %-9s %9s rows   icesync scan --warehouse %s demo.customers --snapshot %lld\n",
                 static_cast<long long>(s.snapshot_id), s.operation().c_str(), FormatCount(rows).c_str(),
                 config.warehouse.c_str(), static_cast<long long>(s.snapshot_id));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> preview, sync::PreviewRows(customers, 3));
  for (const std::string& row : preview) std::fprintf(out, "   %s\n", row.c_str());

  // 6. Proof: source, Iceberg and target hold the same rows.
  std::fprintf(out, "6. icesync diff: source vs Iceberg vs target\n");
  std::fflush(out);
  for (const TableConfig& t : config.tables) {
    DiffOptions d;
    d.source = t.sync.source;
    d.table = t.sync.table;
    d.warehouse = config.warehouse;
    d.iceberg = t.sync.target;
    const bool history = t.import && t.import->strategy == load::Strategy::kScd2;
    if (t.import && !history) {
      d.target = t.import->target;
      d.target_table = t.import->table;
    }
    ASSIGN_OR_RETURN(DiffResult r, Diff(d));
    std::fprintf(out, "   %-10s %s: %s source rows, %s in Iceberg%s\n", t.name.c_str(),
                 r.equal ? "EQUAL" : "DIFFERENT", FormatCount(r.source_rows).c_str(),
                 FormatCount(r.iceberg_rows).c_str(),
                 r.target_rows ? fmt::format(", {} in the target", FormatCount(*r.target_rows)).c_str()
                 : history     ? " (the target keeps the SCD2 history: every version, _valid_from/_valid_to)"
                               : "");
    if (!r.equal) return DatabaseError("demo: {} differs between source, Iceberg and target", t.name);
  }

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(out,
               "Done in %.1f s. Next:\n"
               "  icesync run -c %s        (again: nothing new, nothing written)\n"
               "  icesync status -c %s\n"
               "  DuckDB:    INSTALL iceberg; LOAD iceberg;\n"
               "             SELECT * FROM iceberg_scan('%s') LIMIT 5;\n"
               "  PyIceberg: from pyiceberg.table import StaticTable\n"
               "             t = StaticTable.from_metadata('%s')\n"
               "             print(t.scan(limit=5).to_pandas())\n"
               "  Your own database: icesync sync --help, docs/incremental-sync.md\n",
               seconds, config_path.c_str(), config_path.c_str(), customers.table_dir.c_str(),
               customers.metadata_path.c_str());
  return Status::OK();
}

}  // namespace icesync::pipeline
