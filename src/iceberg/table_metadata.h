#pragma once
// Table metadata (table spec, "Table Metadata"): reads format v1 and v2 JSON (and tolerates v3
// fields), writes v2 with every field the spec requires. Fields this code does not interpret
// (statistics, partition-statistics, encryption keys, next-row-id...) are kept verbatim in
// `extra` and written back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema.h"
#include "iceberg/partition_spec.h"
#include "iceberg/snapshot.h"
#include "iceberg/sort_order.h"

namespace icesync::iceberg {

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  std::vector<Schema> schemas;
  int current_schema_id = 0;
  std::vector<PartitionSpec> specs;
  int default_spec_id = 0;
  int last_partition_id = kFirstPartitionFieldId - 1;
  std::vector<SortOrder> sort_orders;
  int default_sort_order_id = 0;
  std::map<std::string, std::string> properties;
  std::optional<SnapshotId> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::map<std::string, SnapshotRef> refs;
  nlohmann::json extra = nlohmann::json::object();

  // Lookups; nullptr when absent.
  const Schema* CurrentSchema() const { return SchemaById(current_schema_id); }
  const Schema* SchemaById(int id) const;
  const PartitionSpec* DefaultSpec() const { return SpecById(default_spec_id); }
  const PartitionSpec* SpecById(int id) const;
  const Snapshot* CurrentSnapshot() const;
  const Snapshot* SnapshotById(SnapshotId id) const;
  // The snapshot that was current at `timestamp_ms` (from the snapshot log; the newest entry
  // at or before the time); nullptr if the table had no snapshot then.
  const Snapshot* SnapshotAsOf(int64_t timestamp_ms) const;
  // The schema a snapshot was written with (its schema-id, else the current schema).
  const Schema* SchemaForSnapshot(const Snapshot& s) const;

  // A new, empty v2 table: schema gets id 0, spec id 0, unsorted order, fresh uuid.
  static TableMetadata NewTable(const Schema& schema, const PartitionSpec& spec, std::string location,
                                std::map<std::string, std::string> properties);
};

nlohmann::json TableMetadataToJson(const TableMetadata& m);
// `source` names the file in error messages.
Result<TableMetadata> TableMetadataFromJson(const nlohmann::json& j, const std::string& source);

// Reads and parses a metadata file (plain JSON).
// Errors name the file: NotFound when missing, Corrupt when not valid metadata.
Result<TableMetadata> ReadTableMetadata(const std::string& path);
// Parses metadata JSON text; `name` (the file's location) is used in errors.
Result<TableMetadata> ParseTableMetadata(std::string_view text, const std::string& name);
// Serialised form written to disk (pretty-printed, trailing newline).
std::string SerializeTableMetadata(const TableMetadata& m);

// A random (version 4) UUID string, lowercase 8-4-4-4-12.
std::string NewUuid();
// Milliseconds since the epoch, now.
int64_t NowMillis();

}  // namespace icesync::iceberg
