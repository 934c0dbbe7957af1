// `icesync scan <table>`: print the rows of an Iceberg table (current state, a snapshot, or
// the state as of a time), deletes applied, as canonical JSON Lines or CSV.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/canonical_json.h"
#include "core/temporal.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/table_reader.h"

namespace icesync::cli {

namespace {

struct ScanArgs {
  CatalogFlags where;
  std::string table;
  std::string snapshot;
  std::string as_of;
  int64_t limit = -1;
  std::string format = "jsonl";
  bool allow_moved_paths = false;
  bool sort = false;
};

// "--as-of": milliseconds since the epoch, or an ISO timestamp (UTC unless it has an offset).
Result<int64_t> ParseAsOf(const std::string& text) {
  if (!text.empty() && text.size() <= 18 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return static_cast<int64_t>(std::stoll(text));
  }
  Result<int64_t> micros = ParseTimestampMicros(text);
  if (!micros.ok()) {
    return InvalidArgument("--as-of '{}' is neither milliseconds since the epoch nor a timestamp like "
                           "2024-05-01T12:00:00[.fff][+02:00]",
                           text);
  }
  // Snapshot times are milliseconds; a time inside a millisecond still sees that millisecond.
  int64_t ms = *micros / 1000;
  if (*micros % 1000 < 0) --ms;
  return ms;
}

void AppendCsvField(std::string& out, std::string_view text, bool force_quotes) {
  const bool quote = force_quotes || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// CSV: a header of column names, then one line per row. Null is an empty field; strings are
// their raw text (quoted when needed, always when empty so they differ from null); other
// values use their canonical JSON text without JSON quotes; nested values as JSON.
std::string CsvRow(const RecordBatch& batch, int64_t row) {
  std::string line, value;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c) line += ',';
    const ColumnVector& col = batch.column(c);
    if (col.IsNull(row)) continue;
    if (col.type().id() == TypeId::kString) {
      std::string_view s = col.GetBytes(row);
      AppendCsvField(line, s, s.empty());
      continue;
    }
    value.clear();
    AppendCanonicalValue(value, col, row);
    std::string_view v = value;
    if (!col.type().is_nested() && v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    AppendCsvField(line, v, false);
  }
  return line;
}

Status RunScan(const ScanArgs& args) {
  if (args.format != "jsonl" && args.format != "csv") {
    return InvalidArgument("--format must be jsonl or csv, not '{}'", args.format);
  }
  ASSIGN_OR_RETURN(iceberg::Table table, LoadTableFlags(args.where, args.table));
  iceberg::ScanOptions options;
  options.allow_moved_paths = args.allow_moved_paths;
  if (!args.snapshot.empty()) {
    Result<iceberg::SnapshotId> id = iceberg::ParseSnapshotId(args.snapshot);
    if (!id.ok()) return InvalidArgument("--snapshot '{}' is not a snapshot id", args.snapshot);
    options.snapshot_id = *id;
  }
  if (!args.as_of.empty()) {
    ASSIGN_OR_RETURN(int64_t ms, ParseAsOf(args.as_of));
    options.as_of_ms = ms;
  }
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, options));
  iceberg::TableReader reader(table, plan, args.allow_moved_paths);

  const bool csv = args.format == "csv";
  std::vector<std::string> sorted_lines;
  std::string out;
  if (csv) {
    for (const Field& f : plan.schema.fields()) {
      if (!out.empty()) out += ',';
      AppendCsvField(out, f.name, false);
    }
    out += '\n';
  }
  auto flush = [&]() {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  int64_t printed = 0;
  RETURN_IF_ERROR(reader.Read([&](const RecordBatch& batch) -> Result<bool> {
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (args.limit >= 0 && printed >= args.limit) return false;
      std::string line = csv ? CsvRow(batch, r) : CanonicalRow(batch, r);
      ++printed;
      if (args.sort) {
        sorted_lines.push_back(std::move(line));
      } else {
        out += line;
        out += '\n';
      }
    }
    if (out.size() > (1 << 16)) flush();
    return args.limit < 0 || printed < args.limit;
  }));
  if (args.sort) {
    std::sort(sorted_lines.begin(), sorted_lines.end());  // std::string compares bytes unsigned
    for (const std::string& line : sorted_lines) {
      out += line;
      out += '\n';
    }
  }
  flush();
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace

void AddScanCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ScanArgs>();
  auto* scan = app.add_subcommand("scan", "Print the rows of an Iceberg table (any snapshot), deletes applied");
  scan->footer(
      "Rows come out as JSON Lines by default, one object per row with keys sorted: lossless and\n"
      "canonical (long and decimal as strings, dates/times/timestamps ISO with microseconds,\n"
      "timestamptz with +00:00, uuid lowercase, binary/fixed as lowercase hex), so two scans can\n"
      "be compared with diff. --format csv is for spreadsheets.\n"
      "\n"
      "Examples:\n"
      "  icesync scan --warehouse /wh sales.orders --format jsonl\n"
      "  icesync scan /wh/sales/orders --snapshot 5276958600260276572\n"
      "  icesync scan /wh/sales/orders --as-of 2024-05-01T12:00:00Z --limit 10\n"
      "  icesync scan copied/table --allow-moved-paths   (metadata still names s3://...)");
  scan->add_option("table", args->table,
                   "namespace.table (with --warehouse), a table directory, or a metadata file")
      ->required();
  AddCatalogOptions(scan, &args->where);
  auto* snapshot = scan->add_option("--snapshot", args->snapshot, "read this snapshot id (time travel)");
  scan->add_option("--as-of", args->as_of,
                   "read the snapshot current at this time: ISO timestamp (UTC unless an offset is given) "
                   "or milliseconds since the epoch")
      ->excludes(snapshot);
  scan->add_option("--limit", args->limit, "print at most N rows");
  scan->add_option("--format", args->format, "jsonl (canonical, lossless; default) or csv");
  scan->add_flag("--allow-moved-paths", args->allow_moved_paths,
                 "map the metadata's original table location (s3://..., relative) onto the local table directory");
  scan->add_flag("--sort", args->sort, "sort the output lines bytewise (rows, not the CSV header)");
  scan->callback([args, &ctx]() {
    Status st = RunScan(*args);
    if (!st.ok()) ctx.exit_code = ReportError(st);
  });
}

}  // namespace icesync::cli
