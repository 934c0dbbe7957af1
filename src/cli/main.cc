// The icesync command: registers every subcommand and maps errors to exit codes.
#include <cstdio>

#include "cli/commands.h"
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
      "  icesync maintain --warehouse ./lake shop.orders --compact --expire-snapshots --remove-orphans\n"
      "  icesync import --warehouse ./lake --from shop.orders --target sqlite:///copy.db --table orders --strategy upsert --create\n"
      "  icesync snapshots --warehouse ./lake shop.orders\n"
      "  icesync scan --warehouse ./lake shop.orders --limit 10\n"
      "  icesync parquet schema data.parquet        a Parquet file's schema with field ids\n",
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
  AddMaintainCommand(app, ctx);
  AddImportCommand(app, ctx);
  AddDemoCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
