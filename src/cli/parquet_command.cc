// `icesync parquet schema|meta|cat FILE`: inspect Parquet files.
#include "cli/commands.h"

namespace icesync::cli {

void AddParquetCommands(CLI::App& app, CommandContext& ctx) {
  auto* parquet = app.add_subcommand("parquet", "Inspect Parquet files (schema with field ids, metadata, rows)");
  parquet->require_subcommand(1);
  (void)ctx;
}

}  // namespace icesync::cli
