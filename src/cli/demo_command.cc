// `icesync demo`: the main job on the embedded default, no server needed. Creates a sample
// SQLite shop database, exports it into ./demo-warehouse, and shows the result.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "sync/demo.h"

namespace icesync::cli {

namespace {

constexpr const char* kDemoHelp =
    "Run the main job end to end on a sample SQLite database, with no server:\n"
    "  1. creates <dir>/demo-source.db (customers and orders: decimals, dates, timestamps,\n"
    "     unicode names, NULLs, a composite primary key) through the SQLite ODBC driver,\n"
    "  2. exports both tables into <dir>/demo-warehouse (orders partitioned by month),\n"
    "  3. shows the new snapshot and the first rows, and how to open the table elsewhere.\n"
    "Re-running replaces the demo tables (a new snapshot each time; history is kept).\n"
    "\n"
    "Examples:\n"
    "  icesync demo\n"
    "  icesync demo --dir /tmp/icesync-demo --rows 1000000";

}  // namespace

void AddDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<sync::DemoOptions>();
  auto* cmd = app.add_subcommand("demo", "Export a sample SQLite database into ./demo-warehouse and show it (no server needed)");
  cmd->footer(kDemoHelp);
  cmd->add_option("--dir", options->dir, "Directory for demo-source.db and demo-warehouse/ (default: current directory)");
  cmd->add_option("--rows", options->orders, "Number of orders to generate (default 200000)")->check(CLI::Range(10, 100'000'000));
  cmd->callback([options, &ctx] {
    Status st = sync::RunDemo(*options, stdout);
    ctx.exit_code = st.ok() ? 0 : ReportError(st);
  });
}

}  // namespace icesync::cli
