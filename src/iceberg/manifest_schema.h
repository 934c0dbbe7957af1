#pragma once
// The Avro schemas of Iceberg v2 manifests (manifest_entry) and manifest lists
// (manifest_file), field for field as the table spec lists them, with every field id.
// Field order follows Iceberg Java's writers; readers match by id, so order only matters
// for the positional constants below, which index records resolved to these schemas.
#include <vector>

#include "avro/schema.h"
#include "core/types.h"

namespace icesync::iceberg {

// Positions in manifest_entry.
enum EntryPos { kEntryStatus, kEntrySnapshotId, kEntrySequenceNumber, kEntryFileSequenceNumber, kEntryDataFile };
// Positions in data_file (r2).
enum DataFilePos {
  kDfContent, kDfFilePath, kDfFileFormat, kDfPartition, kDfRecordCount, kDfFileSize,
  kDfColumnSizes, kDfValueCounts, kDfNullValueCounts, kDfNanValueCounts, kDfLowerBounds,
  kDfUpperBounds, kDfKeyMetadata, kDfSplitOffsets, kDfEqualityIds, kDfSortOrderId,
  kDfReferencedDataFile,
};
// Positions in manifest_file.
enum ManifestFilePos {
  kMfPath, kMfLength, kMfSpecId, kMfContent, kMfSequenceNumber, kMfMinSequenceNumber,
  kMfAddedSnapshotId, kMfAddedFiles, kMfExistingFiles, kMfDeletedFiles, kMfAddedRows,
  kMfExistingRows, kMfDeletedRows, kMfPartitions, kMfKeyMetadata,
};
// Positions in field_summary (r508).
enum FieldSummaryPos { kFsContainsNull, kFsContainsNan, kFsLowerBound, kFsUpperBound };

// The partition tuple record (r102): one optional field per partition field, with its id.
Result<avro::NodePtr> PartitionRecordSchema(const std::vector<Field>& partition_fields);

// manifest_entry with the given partition record. For reading, fields that v1 files lack get
// the defaults the spec prescribes (data_file.content = 0).
avro::NodePtr ManifestEntrySchema(avro::NodePtr partition_record, bool for_reading);

// manifest_file. For reading, v2-required fields absent from v1 lists default to 0 and the
// counts (optional in v1) are nullable longs.
avro::NodePtr ManifestFileSchema(bool for_reading);

}  // namespace icesync::iceberg
