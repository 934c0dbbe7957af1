// `icesync export`: a full copy of a relational table into a new (or replaced) Iceberg table.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "sync/byte_size.h"
#include "sync/exporter.h"

namespace icesync::cli {

namespace {

constexpr const char* kExportHelp =
    "Copy a database table (or query) into an Iceberg table in one atomic commit.\n"
    "\n"
    "Rows stream from one consistent read of the source into Parquet data files (rolled at\n"
    "--target-file-size, one set per partition); the table appears, or gets its new snapshot,\n"
    "only when every file is written. A failed or interrupted export leaves the table as it was\n"
    "(absent, or at its previous snapshot) and can simply be run again; a failed one also removes\n"
    "the files it wrote.\n"
    "\n"
    "The table lives in <warehouse>/<namespace>/<table> (metadata/ and data/), a filesystem\n"
    "catalog that Spark, Trino, DuckDB and PyIceberg open; the warehouse may be s3://bucket/prefix.\n"
    "With --catalog sql:CONN or rest:URL the table is registered there instead (docs/catalogs.md).\n"
    "An existing table is only replaced with --replace; its earlier snapshots stay readable\n"
    "(icesync scan --snapshot ID).\n"
    "\n"
    "The Iceberg schema comes from the source's column metadata (docs/type-mapping.md); the\n"
    "primary key becomes the schema's identifier fields. The source (without password), the\n"
    "query and the extraction time are recorded in the snapshot summary.\n"
    "\n"
    "--query (SQLite, PostgreSQL) types the result through a temporary view, so its columns map\n"
    "like table columns: a computed column needs a precise type (CAST(x AS DECIMAL(18,2)) in\n"
    "PostgreSQL; SQLite expressions have no declared type, so select table columns). A query has\n"
    "no primary key, so the table gets no identifier fields.\n"
    "\n"
    "Examples:\n"
    "  icesync export --source sqlite:///data/shop.db --table orders \\\n"
    "      --warehouse ./lake --to shop.orders\n"
    "  icesync export --source postgresql://etl@db1:5432/shop --table public.orders \\\n"
    "      --warehouse ./lake --to shop.orders --partition-by \"month(order_date)\" --replace\n"
    "  icesync export --source postgresql://etl@db1/shop --table public.orders \\\n"
    "      --where \"order_date >= '2024-01-01'\" --warehouse ./lake --to shop.orders_2024\n"
    "  icesync export --source sqlite:///data/shop.db --warehouse ./lake --to shop.big_orders \\\n"
    "      --query \"SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id\"\n"
    "  icesync export --source \"Driver={ODBC Driver 18 for SQL Server};Server=sql1;UID=etl;PWD_ENV=SQLPWD\" \\\n"
    "      --table Sales.Orders --warehouse ./lake --to sales.orders \\\n"
    "      --partition-by \"day(OrderDate), bucket(16, CustomerID)\" --json\n"
    "  AWS_PROFILE=lake icesync export --source sqlite:///data/shop.db --table orders \\\n"
    "      --warehouse s3://lake/wh --catalog sql:postgresql://iceberg@catdb/catalog --to shop.orders\n"
    "\n"
    "Passwords: use ?password_env=NAME (URLs), PWD_ENV=NAME (ODBC strings) or $ICESYNC_PASSWORD.\n"
    "Exit codes: 0 ok, 2 usage (bad flag or partition spec; table exists without --replace),\n"
    "3 source/database error, 4 commit failed, 5 source table or file missing, 6 unsupported\n"
    "column type, 7 warehouse not writable, 1 other.";

struct ExportFlags {
  sync::ExportOptions options;
  CatalogFlags where;
  std::string target_file_size = "128MB";
  bool json = false;
  bool quiet = false;
};

nlohmann::json ResultJson(const sync::ExportResult& r) {
  nlohmann::json j = {
      {"table", r.table},
      {"table_dir", r.table_dir},
      {"metadata", r.metadata_path},
      {"snapshot_id", r.snapshot_id},
      {"operation", r.operation},
      {"rows", r.rows},
      {"files", r.files},
      {"bytes", r.bytes},
      {"duration_s", r.seconds},
      {"isolation", r.isolation},
      {"source", r.source},
      {"extract_method", r.extract_method},
  };
  j["previous_snapshot_id"] = r.previous_snapshot_id ? nlohmann::json(*r.previous_snapshot_id) : nlohmann::json();
  return j;
}

int ExitCodeForExport(const Status& status, sync::JobPhase phase) {
  // The table exists and --replace is missing: the fix is a flag.
  if (status.code() == ErrorCode::kAlreadyExists && phase == sync::JobPhase::kValidate) return 2;
  // The warehouse cannot be written, found before reading the source or while writing files.
  if (status.code() == ErrorCode::kIOError &&
      (phase == sync::JobPhase::kValidate || phase == sync::JobPhase::kWrite)) {
    return 7;
  }
  switch (phase) {
    case sync::JobPhase::kValidate:
      return ExitCodeFor(status);
    case sync::JobPhase::kSource:
      // Connection, query and driver failures are source errors; a missing table or an
      // unsupported column type keeps its more precise code.
      if (status.code() == ErrorCode::kNotFound || status.code() == ErrorCode::kUnsupported ||
          status.code() == ErrorCode::kInvalidArgument) {
        return ExitCodeFor(status);
      }
      return 3;
    case sync::JobPhase::kWrite:
      return ExitCodeFor(status);
    case sync::JobPhase::kCommit:
      return 4;
  }
  return 1;
}

// Messages may quote source names that are not UTF-8: invalid bytes print as U+FFFD rather
// than aborting the dump.
std::string JsonText(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

int RunExport(sync::ExportOptions options, bool json, bool quiet) {
  if (Status st = sync::ValidateExportOptions(options); !st.ok()) return ReportError(st, ExitCodeFor(st), json);
  sync::ProgressReporter progress(sync::ProgressReporter::DetectMode(stderr, json || quiet), stderr, "export");
  sync::JobPhase phase = sync::JobPhase::kValidate;
  Result<sync::ExportResult> result = sync::Export(options, &progress, &phase);
  progress.Finish();
  if (!result.ok()) {
    return ReportError(result.status(), ExitCodeForExport(result.status(), phase), json);
  }
  const sync::ExportResult& r = *result;
  if (json) {
    nlohmann::json j = ResultJson(r);
    j["ok"] = true;
    std::printf("%s\n", JsonText(j).c_str());
  } else if (!quiet) {
    std::printf("exported %s rows into %s (%s, snapshot %lld) in %s files, %s, %.1f s (%s rows/s)\n",
                sync::FormatCount(r.rows).c_str(), r.table.c_str(), r.operation.c_str(),
                static_cast<long long>(r.snapshot_id), sync::FormatCount(r.files).c_str(),
                sync::FormatBytes(r.bytes).c_str(), r.seconds,
                sync::FormatCount(r.seconds > 0 ? static_cast<int64_t>(r.rows / r.seconds) : r.rows).c_str());
    std::printf("metadata: %s\n", r.metadata_path.c_str());
  }
  return 0;
}

void AddExportCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ExportFlags>();
  sync::ExportOptions& o = flags->options;
  auto* cmd = app.add_subcommand("export", "Copy a database table or query into an Iceberg table (one atomic commit)");
  cmd->footer(kExportHelp);
  AddConnectionOption(cmd, "--source", "Source", &o.source)->required();
  cmd->add_option("--table", o.table, "Source table, [schema.]table (e.g. public.orders, Sales.Orders)");
  cmd->add_option("--where", o.where, "Only rows matching this SQL predicate (source dialect)");
  cmd->add_option("--query", o.query, "Export the result of this SELECT instead of a table (SQLite, PostgreSQL)");
  AddCatalogOptions(cmd, &flags->where);
  cmd->add_option("--to", o.target, "Target Iceberg table, namespace.table (e.g. shop.orders)")->required();
  cmd->add_option("--partition-by", o.partition_by,
                  "Partition spec, e.g. \"day(order_date), bucket(16, customer_id)\"; transforms: identity,\n"
                  "year, month, day, hour, bucket(N, col), truncate(W, col)");
  cmd->add_option("--target-file-size", flags->target_file_size,
                  "Roll data files at about this size, e.g. 512MB or 1GB (default 128MB, at least 1KB)");
  cmd->add_option("--compression", o.compression, "Parquet compression: zstd (default), snappy, gzip, none")
      ->check(CLI::IsMember({"zstd", "snappy", "gzip", "none"}));
  cmd->add_flag("--replace", o.replace, "Replace an existing table's contents (new overwrite snapshot; history kept)");
  cmd->add_option("--parallel", o.parallel,
                  "Read over N connections by ranges of a single integer primary key, each writing its\n"
                  "own files, one commit (PostgreSQL: one shared snapshot; elsewhere not one consistent\n"
                  "view). 2 is fastest on 2 cores; each reader adds a row group of memory")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--batch-rows", o.batch_rows, "Rows fetched per batch (default 16384)")->check(CLI::Range(1, 1 << 22));
  cmd->add_flag_callback("--no-pg-copy", [flags] { flags->options.pg_copy = false; },
                          "PostgreSQL: read rows through ODBC instead of COPY on a companion libpq session\n"
                          "(diagnosis; COPY is faster and reads the same snapshot)");
  cmd->add_flag("--json", flags->json, "Print the result as one JSON object (rows, files, bytes, snapshot_id, ...)");
  cmd->add_flag("-q,--quiet", flags->quiet, "No progress output");
  cmd->callback([flags, &ctx] {
    Result<int64_t> size = sync::ParseByteSize(flags->target_file_size);
    if (!size.ok()) {
      Status st = size.status().WithContext("--target-file-size");
      ctx.exit_code = ReportError(st, ExitCodeFor(st), flags->json);
      return;
    }
    flags->options.target_file_size = *size;
    flags->options.warehouse = flags->where.warehouse;
    if ((ctx.exit_code = OpenCatalogFlags(flags->where, &flags->options.catalog, flags->json)) != 0) return;
    ctx.exit_code = RunExport(flags->options, flags->json, flags->quiet);
  });
}

}  // namespace icesync::cli
