#pragma once
// Snapshots, snapshot references and the metadata's history logs (table spec, "Snapshots").
//
// Snapshot ids are Java longs. Some writers produced ids above 2^63-1 (one fixture has
// 9876543210123456789); such an id is held here as the int64 with the same 64 bits (which is
// also what Avro manifests store) and written back to JSON as the same unsigned number, so
// metadata round-trips exactly. Real writers generate positive ids, so a negative int64 here
// always stands for one of those large unsigned ids.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace icesync::iceberg {

using SnapshotId = int64_t;

// Decimal text of a snapshot id as JSON holds it (unsigned for the large ids, see above).
std::string SnapshotIdToString(SnapshotId id);
// Parses decimal text (signed or up to 2^64-1).
Result<SnapshotId> ParseSnapshotId(std::string_view text);
nlohmann::json SnapshotIdToJson(SnapshotId id);
Result<SnapshotId> SnapshotIdFromJson(const nlohmann::json& j);

// Summary keys (table spec, "Snapshot Summary"; Java's SnapshotSummary).
namespace summary {
inline constexpr const char* kOperation = "operation";
inline constexpr const char* kAddedDataFiles = "added-data-files";
inline constexpr const char* kDeletedDataFiles = "deleted-data-files";
inline constexpr const char* kTotalDataFiles = "total-data-files";
inline constexpr const char* kAddedDeleteFiles = "added-delete-files";
inline constexpr const char* kRemovedDeleteFiles = "removed-delete-files";
inline constexpr const char* kTotalDeleteFiles = "total-delete-files";
inline constexpr const char* kAddedRecords = "added-records";
inline constexpr const char* kDeletedRecords = "deleted-records";
inline constexpr const char* kTotalRecords = "total-records";
inline constexpr const char* kAddedFilesSize = "added-files-size";
inline constexpr const char* kRemovedFilesSize = "removed-files-size";
inline constexpr const char* kTotalFilesSize = "total-files-size";
inline constexpr const char* kAddedPositionDeletes = "added-position-deletes";
inline constexpr const char* kRemovedPositionDeletes = "removed-position-deletes";
inline constexpr const char* kTotalPositionDeletes = "total-position-deletes";
inline constexpr const char* kAddedEqualityDeletes = "added-equality-deletes";
inline constexpr const char* kRemovedEqualityDeletes = "removed-equality-deletes";
inline constexpr const char* kTotalEqualityDeletes = "total-equality-deletes";
inline constexpr const char* kChangedPartitionCount = "changed-partition-count";
}  // namespace summary

// Operation names (summary "operation").
inline constexpr const char* kOpAppend = "append";
inline constexpr const char* kOpOverwrite = "overwrite";
inline constexpr const char* kOpDelete = "delete";
inline constexpr const char* kOpReplace = "replace";

struct Snapshot {
  SnapshotId snapshot_id = 0;
  std::optional<SnapshotId> parent_snapshot_id;
  int64_t sequence_number = 0;  // 0 for v1 tables
  int64_t timestamp_ms = 0;
  std::string manifest_list;             // empty for v1 snapshots that list manifests inline
  std::vector<std::string> v1_manifests;  // v1 "manifests"
  // Every summary entry, "operation" included.
  std::map<std::string, std::string> summary;
  std::optional<int> schema_id;
  // Fields this code does not interpret (v3 first-row-id, added-rows, key-id...), kept verbatim.
  nlohmann::json extra = nlohmann::json::object();

  std::string operation() const;
  // Integer summary value, or `fallback` when absent/unparsable.
  int64_t SummaryInt(const std::string& key, int64_t fallback = 0) const;
};

struct SnapshotRef {
  SnapshotId snapshot_id = 0;
  std::string type = "branch";  // "branch" | "tag"
  // Retention settings etc., kept verbatim.
  nlohmann::json extra = nlohmann::json::object();
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  SnapshotId snapshot_id = 0;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

nlohmann::json SnapshotToJson(const Snapshot& s);
Result<Snapshot> SnapshotFromJson(const nlohmann::json& j);

}  // namespace icesync::iceberg
