// `icesync snapshots <table>` and `icesync describe <table>`: inspect an Iceberg table's
// metadata (no data files are read).
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "core/schema_json.h"
#include "core/temporal.h"
#include "iceberg/filesystem_catalog.h"

namespace icesync::cli {

namespace {

using iceberg::SnapshotIdToString;

constexpr const char* kTableHelp =
    "TABLE is a table directory (holding metadata/), a metadata file\n"
    "(.../metadata/v3.metadata.json), or namespace.table together with --warehouse DIR.";

struct TableArgs {
  CatalogFlags where;
  std::string table;
  std::string format = "text";
};

void AddTableOptions(CLI::App* cmd, TableArgs& args) {
  cmd->add_option("table", args.table, "Table directory, metadata file, or namespace.table (with --warehouse)")
      ->required();
  AddCatalogOptions(cmd, &args.where);
  cmd->add_option("--format,-f", args.format, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
}

std::string FormatMillis(int64_t ms) { return FormatTimestampMicros(ms * 1000, true); }

void PrintFields(const std::vector<Field>& fields, int indent) {
  for (const Field& f : fields) {
    std::string type = f.type.is_nested() ? (f.type.id() == TypeId::kStruct ? "struct"
                                             : f.type.id() == TypeId::kList ? "list"
                                                                             : "map")
                                          : f.type.ToString();
    std::printf("%*s%-4d %s: %s%s%s\n", indent, "", f.id, f.name.c_str(), type.c_str(),
                f.required ? " (required)" : "", f.doc.empty() ? "" : ("  -- " + f.doc).c_str());
    if (f.type.is_nested()) PrintFields(f.type.children(), indent + 4);
  }
}

void PrintSummary(const iceberg::Snapshot& s, int indent) {
  for (const auto& [k, v] : s.summary) std::printf("%*s%s: %s\n", indent, "", k.c_str(), v.c_str());
}

int RunSnapshots(const TableArgs& args) {
  auto table = LoadTableFlags(args.where, args.table);
  if (!table.ok()) return ReportError(table.status());
  const iceberg::TableMetadata& m = table->metadata;
  if (args.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : m.snapshots) {
      nlohmann::json j = iceberg::SnapshotToJson(s);
      j["current"] = m.current_snapshot_id == s.snapshot_id;
      arr.push_back(std::move(j));
    }
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  if (m.snapshots.empty()) {
    std::printf("table %s has no snapshots\n", table->table_dir.c_str());
    return 0;
  }
  std::printf("  %-20s %-20s %5s  %-32s %-10s %12s %12s\n", "snapshot-id", "parent-id", "seq", "committed (UTC)",
              "operation", "added-rows", "total-rows");
  for (const auto& s : m.snapshots) {
    auto count = [&](const char* key) {
      auto it = s.summary.find(key);
      return it == s.summary.end() ? std::string("-") : it->second;
    };
    std::printf("%c %-20s %-20s %5lld  %-32s %-10s %12s %12s\n", m.current_snapshot_id == s.snapshot_id ? '*' : ' ',
                SnapshotIdToString(s.snapshot_id).c_str(),
                s.parent_snapshot_id ? SnapshotIdToString(*s.parent_snapshot_id).c_str() : "-",
                static_cast<long long>(s.sequence_number), FormatMillis(s.timestamp_ms).c_str(),
                s.operation().c_str(), count(iceberg::summary::kAddedRecords).c_str(),
                count(iceberg::summary::kTotalRecords).c_str());
  }
  std::printf("(* = current snapshot)\n");
  return 0;
}

int RunDescribe(const TableArgs& args) {
  auto table = LoadTableFlags(args.where, args.table);
  if (!table.ok()) return ReportError(table.status());
  const iceberg::TableMetadata& m = table->metadata;
  if (args.format == "json") {
    std::printf("%s", iceberg::SerializeTableMetadata(m).c_str());
    return 0;
  }
  std::printf("Table:          %s\n", table->table_dir.c_str());
  std::printf("Metadata file:  %s\n", table->metadata_path.c_str());
  std::printf("Format version: %d\n", m.format_version);
  std::printf("Table UUID:     %s\n", m.table_uuid.c_str());
  std::printf("Location:       %s\n", m.location.c_str());
  std::printf("Last updated:   %s\n", FormatMillis(m.last_updated_ms).c_str());
  if (const Schema* schema = m.CurrentSchema()) {
    std::printf("\nSchema (id %d):\n", schema->schema_id());
    PrintFields(schema->fields(), 2);
    if (!schema->identifier_field_ids().empty()) {
      std::printf("  identifier fields: %s\n", fmt::format("{}", fmt::join(schema->identifier_field_ids(), ", ")).c_str());
    }
  }
  if (const auto* spec = m.DefaultSpec()) {
    std::printf("\nPartition spec (id %d):%s\n", spec->spec_id(), spec->fields().empty() ? " unpartitioned" : "");
    const Schema* schema = m.CurrentSchema();
    for (const auto& f : spec->fields()) {
      const Field* src = schema ? schema->FindFieldById(f.source_id) : nullptr;
      std::printf("  %-4d %s = %s(%s)\n", f.field_id, f.name.c_str(), f.transform.ToString().c_str(),
                  src ? src->name.c_str() : fmt::format("field {}", f.source_id).c_str());
    }
  }
  for (const auto& order : m.sort_orders) {
    if (order.order_id != m.default_sort_order_id) continue;
    std::printf("\nSort order (id %d):%s\n", order.order_id, order.fields.empty() ? " unsorted" : "");
    for (const auto& f : order.fields) {
      std::printf("  %s(field %d) %s %s\n", f.transform.ToString().c_str(), f.source_id, f.direction.c_str(),
                  f.null_order.c_str());
    }
  }
  std::printf("\nProperties:%s\n", m.properties.empty() ? " none" : "");
  for (const auto& [k, v] : m.properties) std::printf("  %s = %s\n", k.c_str(), v.c_str());
  const iceberg::Snapshot* s = m.CurrentSnapshot();
  std::printf("\nSnapshots: %zu\n", m.snapshots.size());
  if (!s) {
    std::printf("Current snapshot: none (empty table)\n");
    return 0;
  }
  std::printf("Current snapshot: %s (sequence number %lld, committed %s)\n", SnapshotIdToString(s->snapshot_id).c_str(),
              static_cast<long long>(s->sequence_number), FormatMillis(s->timestamp_ms).c_str());
  if (s->parent_snapshot_id) std::printf("  parent: %s\n", SnapshotIdToString(*s->parent_snapshot_id).c_str());
  std::printf("  manifest list: %s\n", s->manifest_list.c_str());
  std::printf("  summary:\n");
  PrintSummary(*s, 4);
  return 0;
}

}  // namespace

void AddIcebergCommands(CLI::App& app, CommandContext& ctx) {
  static TableArgs snapshots_args, describe_args;
  auto* snapshots = app.add_subcommand("snapshots", "List a table's snapshots (id, parent, time, operation, rows)");
  snapshots->footer(
      std::string("List a table's snapshots: id, parent, sequence number, commit time, operation, row counts.\n") +
          kTableHelp +
          "\n\nExamples:\n"
          "  icesync snapshots --warehouse /data/wh sales.orders\n"
          "  icesync snapshots /data/wh/sales/orders\n"
          "  icesync snapshots /data/wh/sales/orders/metadata/v3.metadata.json --format json\n");
  AddTableOptions(snapshots, snapshots_args);
  snapshots->callback([&ctx] { ctx.exit_code = RunSnapshots(snapshots_args); });

  auto* describe = app.add_subcommand("describe", "Show a table's schema, partition spec, properties and current snapshot");
  describe->footer(
      std::string("Show a table's schema (with field ids), partition spec, sort order, properties and current\n"
                  "snapshot with its summary. --format json prints the table metadata JSON.\n") +
          kTableHelp +
          "\n\nExamples:\n"
          "  icesync describe --warehouse /data/wh sales.orders\n"
          "  icesync describe ../shared/iceberg-fixtures/icebird-spark-bunnies\n");
  AddTableOptions(describe, describe_args);
  describe->callback([&ctx] { ctx.exit_code = RunDescribe(describe_args); });
}

}  // namespace icesync::cli
