#pragma once
// Each icesync subcommand lives in its own file and registers itself on the root app.
// A command's callback stores its exit code in the CommandContext; main() returns it.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "core/status.h"
#include "iceberg/catalog.h"
#include "iceberg/table_ref.h"

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

// Where Iceberg tables are, the same two flags on every command that names them:
//   --warehouse DIR | s3://bucket/prefix   the filesystem catalog's root, or with --catalog the
//                                          place new tables' files go
//   --catalog filesystem | sql:CONN | rest:URL | NAME (of ~/.icesync.yaml; catalog/catalog_config.h)
struct CatalogFlags {
  std::string warehouse;
  std::string catalog;
};
void AddCatalogOptions(CLI::App* cmd, CatalogFlags* into);
// Opens the catalog the flags name into *out (null: the filesystem catalog at the warehouse).
// On error reports it (as JSON too with `json`) and returns the exit code; 0 on success.
int OpenCatalogFlags(const CatalogFlags& flags, std::shared_ptr<iceberg::Catalog>* out, bool json);

// Loads a table named on the command line (iceberg::LoadTableArgument) in the catalog the flags
// name; *ref (if given) becomes what commits to it go through.
Result<iceberg::Table> LoadTableFlags(const CatalogFlags& flags, const std::string& table_arg,
                                      iceberg::TableRef* ref = nullptr);

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
