// The icesync command: registers every subcommand and maps errors to exit codes.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "catalog/catalog_config.h"
#include "iceberg/filesystem_catalog.h"
#include "core/version.h"

namespace icesync::cli {

int ExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  switch (status.code()) {
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kDatabase: return 3;
    case ErrorCode::kConflict: return 4;
    case ErrorCode::kNotFound:
    case ErrorCode::kCorrupt: return 5;
    case ErrorCode::kUnsupported: return 6;
    default: return 1;
  }
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "icesync: error: %s\n", status.message().c_str());
  return ExitCodeFor(status);
}

int ReportError(const Status& status, int exit_code, bool json) {
  std::fprintf(stderr, "icesync: error: %s\n", status.message().c_str());
  if (json) {
    nlohmann::json j = {{"ok", false}, {"error", status.message()}, {"exit_code", exit_code}};
    // Messages may quote source names that are not UTF-8: invalid bytes print as U+FFFD.
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return exit_code;
}

CLI::Option* AddConnectionOption(CLI::App* cmd, const std::string& flag, const std::string& role, std::string* into) {
  return cmd->add_option(flag, *into,
                         role + " connection: sqlite:///path.db, postgresql://user@host:port/db, mssql://..., or an "
                                "ODBC string");
}

void AddCatalogOptions(CLI::App* cmd, CatalogFlags* into) {
  cmd->add_option("--warehouse", into->warehouse,
                  "Warehouse: a directory or s3://bucket/prefix. Without --catalog it is the catalog\n"
                  "(<warehouse>/<namespace>/<table>); with one, where new tables' files go");
  cmd->add_option("--catalog", into->catalog,
                  "Catalog the tables are registered in: filesystem (default), sql:CONNECTION (the\n"
                  "JDBC/PyIceberg SQL catalog, e.g. sql:sqlite:///cat.db), rest:URL (Iceberg REST;\n"
                  "credentials from ICESYNC_REST_CREDENTIAL or ICESYNC_REST_TOKEN), or a name\n"
                  "defined in ~/.icesync.yaml. S3: AWS_* variables, AWS_ENDPOINT_URL for MinIO etc.");
}

int OpenCatalogFlags(const CatalogFlags& flags, std::shared_ptr<iceberg::Catalog>* out, bool json) {
  Result<std::shared_ptr<iceberg::Catalog>> catalog = catalog::OpenCatalogFlag(flags.catalog, flags.warehouse);
  if (!catalog.ok()) {
    const Status st = catalog.status().WithContext("--catalog");
    return ReportError(st, ExitCodeFor(st), json);
  }
  *out = std::move(catalog).value();
  return 0;
}

Result<iceberg::Table> LoadTableFlags(const CatalogFlags& flags, const std::string& table_arg, iceberg::TableRef* ref) {
  ASSIGN_OR_RETURN(std::shared_ptr<iceberg::Catalog> catalog,
                   catalog::OpenCatalogFlag(flags.catalog, flags.warehouse));
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::LoadTableArgument(flags.warehouse, table_arg, catalog.get()));
  if (ref) {
    Result<iceberg::TableIdentifier> id = iceberg::TableIdentifier::Parse(table_arg);
    // A name resolved in a catalog commits through it; a directory (or a name in the
    // filesystem catalog, which is its directory) through the filesystem protocol.
    *ref = catalog && id.ok() && table_arg.find('/') == std::string::npos ? iceberg::TableRef(catalog, *id)
                                                                          : iceberg::TableRef(table.table_dir);
  }
  return table;
}

}  // namespace icesync::cli

int main(int argc, char** argv) {
  using namespace icesync::cli;
  CLI::App app{
      "icesync keeps relational tables (SQL Server, PostgreSQL, SQLite over ODBC) and Apache\n"
      "Iceberg tables in sync: incremental, exactly once, every type intact.\n\n"
      "Start with `icesync demo` (no server needed), then `icesync <command> --help`.\n\n"
      "Examples:\n"
      "  icesync demo                               sample SQLite shop -> ./demo-warehouse\n"
      "  icesync export --source sqlite:///shop.db --table orders --warehouse ./lake --to shop.orders\n"
      "  icesync sync --source sqlite:///shop.db --table orders --warehouse ./lake --to shop.orders \\\n"
      "      --detect timestamp:updated_at          incremental: only what changed, exactly once\n"
      "  icesync status --warehouse ./lake shop.orders\n"
      "  icesync run -c sync.yaml                   every table of a pipeline: sync, then import\n"
      "  icesync maintain --warehouse ./lake shop.orders --compact --expire-snapshots --remove-orphans\n"
      "  icesync import --warehouse ./lake --from shop.orders --target sqlite:///copy.db --table orders --strategy upsert --create\n"
      "  icesync snapshots --warehouse ./lake shop.orders\n"
      "  icesync scan --warehouse ./lake shop.orders --limit 10\n"
      "  icesync diff --source sqlite:///shop.db --table orders --warehouse ./lake --iceberg shop.orders\n"
      "  icesync parquet schema data.parquet        a Parquet file's schema with field ids\n"
      "\n"
      "A warehouse may be s3://bucket/prefix (AWS_* variables; AWS_ENDPOINT_URL for MinIO etc.), and\n"
      "--catalog sql:CONNECTION | rest:URL | NAME registers tables in a shared catalog (docs/catalogs.md):\n"
      "  icesync sync --source sqlite:///shop.db --table orders --to shop.orders \\\n"
      "      --warehouse s3://lake/wh --catalog sql:postgresql://iceberg@catdb/catalog\n",
      "icesync"};
  app.set_version_flag("--version", std::string(ICESYNC_CREATED_BY));
  app.require_subcommand(1);
  CommandContext ctx;
  AddParquetCommands(app, ctx);
  AddIcebergCommands(app, ctx);
  AddScanCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddSyncCommand(app, ctx);
  AddStatusCommand(app, ctx);
  AddRunCommand(app, ctx);
  AddMaintainCommand(app, ctx);
  AddImportCommand(app, ctx);
  AddDiffCommand(app, ctx);
  AddDemoCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
