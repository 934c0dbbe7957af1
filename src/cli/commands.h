#pragma once
// Each icesync subcommand lives in its own file and registers itself on the root app.
// A command's callback stores its exit code in the CommandContext; main() returns it.
#include <CLI/CLI.hpp>

#include "core/status.h"

namespace icesync::cli {

// Exit codes, stable for scripts:
//   0 success, 2 usage error (bad flags/arguments), 3 source/database error,
//   4 commit failure (conflict or I/O while committing), 5 input file/table corrupt or missing,
//   6 unsupported type/feature, 1 anything else.
int ExitCodeFor(const Status& status);
// Prints "icesync: error: <message>" to stderr and returns the exit code for it.
int ReportError(const Status& status);

// Reports an error on stderr like ReportError and, for commands run with --json, also as one
// object {"ok":false,"error":...,"exit_code":...} on stdout; returns `exit_code`.
int ReportError(const Status& status, int exit_code, bool json);

// A connection option (--source, --target): URL or ODBC string, one help text for every command.
CLI::Option* AddConnectionOption(CLI::App* cmd, const std::string& flag, const std::string& role, std::string* into);

struct CommandContext {
  int exit_code = 0;
};

void AddParquetCommands(CLI::App& app, CommandContext& ctx);
void AddIcebergCommands(CLI::App& app, CommandContext& ctx);
void AddScanCommand(CLI::App& app, CommandContext& ctx);
void AddExportCommand(CLI::App& app, CommandContext& ctx);
void AddImportCommand(CLI::App& app, CommandContext& ctx);
void AddDemoCommand(CLI::App& app, CommandContext& ctx);
void AddSyncCommand(CLI::App& app, CommandContext& ctx);
void AddStatusCommand(CLI::App& app, CommandContext& ctx);
void AddRunCommand(CLI::App& app, CommandContext& ctx);
void AddDiffCommand(CLI::App& app, CommandContext& ctx);
void AddMaintainCommand(CLI::App& app, CommandContext& ctx);

}  // namespace icesync::cli
