// `icesync demo`: the main job on the embedded default, no server needed (pipeline/demo.h).
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "pipeline/demo.h"

namespace icesync::cli {

namespace {

constexpr const char* kDemoHelp =
    "Run the product end to end on sample SQLite databases, with no server:\n"
    "  1. creates <dir>/demo-source.db (customers and orders: decimals, dates, timestamps,\n"
    "     unicode names, NULLs, a composite primary key) through the SQLite ODBC driver,\n"
    "  2. runs the pipeline <dir>/sync.yaml (the shipped demo/sync.yaml): syncs both tables into\n"
    "     <dir>/demo-warehouse (orders partitioned by month) and imports them into\n"
    "     <dir>/demo-target.db (customers upserted, orders as an SCD2 history),\n"
    "  3. applies demo/changes.sql to the source (inserts, updates, deletes),\n"
    "  4. runs the pipeline again: only the changes are read, written and imported,\n"
    "  5. shows both snapshots (time travel) and 6. proves with icesync diff that source,\n"
    "     Iceberg and target hold the same rows; then how to open the tables elsewhere.\n"
    "Every run starts afresh in <dir>.\n"
    "\n"
    "Examples:\n"
    "  icesync demo\n"
    "  icesync demo --dir /tmp/icesync-demo --rows 1000000";

}  // namespace

void AddDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<pipeline::DemoOptions>();
  auto* cmd = app.add_subcommand("demo", "Sync a sample SQLite shop into ./demo-warehouse and a target, twice, and prove them equal (no server needed)");
  cmd->footer(kDemoHelp);
  cmd->add_option("--dir", options->dir,
                  "Directory for demo-source.db, demo-target.db, sync.yaml and demo-warehouse/ (default: current directory)");
  cmd->add_option("--rows", options->orders, "Number of orders to generate (default 200000)")->check(CLI::Range(10, 100'000'000));
  cmd->callback([options, &ctx] {
    Status st = pipeline::RunDemo(*options, stdout);
    ctx.exit_code = st.ok() ? 0 : ReportError(st);
  });
}

}  // namespace icesync::cli
