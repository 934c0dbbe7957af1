#pragma once
// Iceberg manifests and manifest lists (table spec v2, "Manifests" and "Manifest Lists"):
// Avro object container files whose records are manifest_entry (one per data or delete
// file) and manifest_file (one per manifest of a snapshot).
//
// Writing follows spec v2 exactly (every field id, the file key/value metadata the spec
// requires). Reading resolves Avro fields by field id, so files written by Iceberg Java,
// Spark, PyIceberg and Athena read back, v1 files included (missing v2 fields take the
// spec's defaults). Null snapshot ids and sequence numbers are kept as nullopt: inheriting
// them from the manifest list entry is the caller's job (it knows the ManifestFile).
//
// Files are immutable: writers create the file atomically (temp file + link) and fail with
// AlreadyExists rather than replace an existing path.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "core/status.h"
#include "core/types.h"
#include "core/value.h"
#include "iceberg/partition_spec.h"

namespace icesync::iceberg {

// data_file.content (field 134).
enum class FileContent : int { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
// manifest_file.content (field 517) and the manifest's "content" metadata key.
enum class ManifestContent : int { kData = 0, kDeletes = 1 };
// manifest_entry.status (field 0).
enum class EntryStatus : int { kExisting = 0, kAdded = 1, kDeleted = 2 };

// A data or delete file as a manifest records it (data_file struct, field 2).
struct DataFile {
  FileContent content = FileContent::kData;
  std::string file_path;
  std::string file_format = "PARQUET";
  // One value per field of the manifest's partition spec, in spec order, typed by the
  // partition field's result type (Value::Null(type) for nulls).
  std::vector<Value> partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int, int64_t> column_sizes;       // field id -> bytes
  std::map<int, int64_t> value_counts;       // field id -> values incl. nulls and NaNs
  std::map<int, int64_t> null_value_counts;  // field id -> nulls
  std::map<int, int64_t> nan_value_counts;   // field id -> NaNs
  std::map<int, std::string> lower_bounds;   // field id -> single-value serialized bytes
  std::map<int, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;        // ascending
  std::vector<int> equality_ids;             // equality deletes only
  std::optional<int> sort_order_id;
  std::optional<std::string> key_metadata;
  std::optional<std::string> referenced_data_file;  // field 143 (read only; v2 optional)
};

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  // Null means "inherit" (from the manifest list entry: added_snapshot_id and
  // sequence_number); writers leave them null for entries ADDED by the snapshot being
  // committed, and set them for EXISTING and DELETED entries.
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;       // data sequence number
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;
};

// Partition field summary of a manifest (field_summary, field 508).
struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value serialized bytes
  std::optional<std::string> upper_bound;
};

// Sequence number of a manifest written for a snapshot not yet committed: WriteManifestList
// replaces it with the snapshot's sequence number (as Iceberg Java does).
inline constexpr int64_t kUnassignedSequenceNumber = -1;

// A manifest list entry (manifest_file struct).
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;      // 0 when read from v1 lists
  int64_t min_sequence_number = 0;  // 0 when read from v1 lists
  int64_t added_snapshot_id = 0;
  // Counts of entries by status and their record counts. -1 when absent (allowed in v1
  // lists, where the spec says to assume non-zero).
  int64_t added_files_count = 0;
  int64_t existing_files_count = 0;
  int64_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;  // one per partition field
  std::optional<std::string> key_metadata;
};

// Everything needed to write one manifest.
struct ManifestWriterOptions {
  Schema table_schema;              // written as the "schema" metadata (JSON)
  std::string partition_spec_json;  // JSON array of the spec's partition fields ("partition-spec")
  int partition_spec_id = 0;
  // The partition struct's fields: partition field ids (1000+), names, result types.
  // Always optional in the Avro schema (values may be null).
  std::vector<Field> partition_fields;
  ManifestContent content = ManifestContent::kData;
  // The snapshot the manifest is written for: added_snapshot_id of the returned ManifestFile.
  int64_t snapshot_id = 0;
  int format_version = 2;  // only 2 is written

  // The options for a manifest of `spec` over `schema`, whose partition struct has
  // `partition_fields` (spec.PartitionType(schema), or a manifest's own when a source column
  // has since been dropped).
  static ManifestWriterOptions For(const Schema& schema, const PartitionSpec& spec,
                                   std::vector<Field> partition_fields, ManifestContent content,
                                   int64_t snapshot_id);
};

class ManifestWriter {
 public:
  // Nothing is created at `path` until Close() succeeds.
  static Result<std::unique_ptr<ManifestWriter>> Open(const std::string& path,
                                                      ManifestWriterOptions options);
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  // Checks the entry against the options (partition arity and types, content kind).
  Status Add(const ManifestEntry& entry);
  // Writes the file atomically and returns its manifest list entry: counts, partition
  // summaries, length; sequence_number/min_sequence_number are kUnassignedSequenceNumber
  // when they depend on the commit (entries with inherited sequence numbers).
  Result<ManifestFile> Close();

 private:
  struct Impl;
  explicit ManifestWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes a v2 manifest list for a snapshot. Entries whose sequence_number (or
// min_sequence_number) is kUnassignedSequenceNumber get `sequence_number`. Metadata keys:
// snapshot-id, parent-snapshot-id ("null" when none), sequence-number, format-version.
Status WriteManifestList(const std::string& path, int64_t snapshot_id,
                         std::optional<int64_t> parent_snapshot_id, int64_t sequence_number,
                         const std::vector<ManifestFile>& manifests);

// A manifest's key/value metadata, parsed.
struct ManifestMetadata {
  std::string schema_json;          // "schema" (table schema JSON text), may be empty
  std::optional<int> schema_id;     // "schema-id"
  std::string partition_spec_json;  // "partition-spec" (fields array JSON text), may be empty
  std::optional<int> partition_spec_id;  // "partition-spec-id"
  int format_version = 1;           // "format-version", 1 when absent
  ManifestContent content = ManifestContent::kData;  // "content", data when absent
  std::map<std::string, std::string> all;  // every key, avro.* included
};

struct ManifestContents {
  ManifestMetadata metadata;
  // The partition struct fields the values in entries are typed by: `partition_fields` as
  // given to ReadManifest, or, when none were given, those found in the file's Avro schema.
  std::vector<Field> partition_fields;
  std::vector<ManifestEntry> entries;
};

// Reads every entry (DELETED ones included; scans skip them). `partition_fields` (the
// spec's partition fields with result types) are matched by field id; a field absent from
// the file reads as null. When empty, the partition struct of the file's own schema is used
// with types derived from its Avro types. Errors name `path`.
Result<ManifestContents> ReadManifest(const std::string& path,
                                      const std::vector<Field>& partition_fields = {});

// Reads a manifest list (v1 or v2). Errors name `path`.
Result<std::vector<ManifestFile>> ReadManifestList(const std::string& path);

// ReadManifest / ReadManifestList over bytes already in memory; errors name `source`.
Result<ManifestContents> ParseManifest(std::string_view bytes, const std::string& source,
                                       const std::vector<Field>& partition_fields = {});
Result<std::vector<ManifestFile>> ParseManifestList(std::string_view bytes, const std::string& source);

}  // namespace icesync::iceberg
