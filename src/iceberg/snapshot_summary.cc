#include "iceberg/snapshot_summary.h"

#include <random>

#include <fmt/format.h>

#include "iceberg/partition_spec.h"

namespace icesync::iceberg {
namespace {

// Identifies a partition (spec id + exact values) for changed-partition-count.
std::string PartitionKey(const DataFile& f, int spec_id) {
  return std::to_string(spec_id) + "|" + PartitionTupleKey(f.partition);
}

}  // namespace

int64_t NewSnapshotId() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  int64_t id = 0;
  while (id == 0) id = static_cast<int64_t>(rng() & 0x7fffffffffffffffULL);
  return id;
}

void SnapshotChangeCounts::Add(const DataFile& f, int spec_id) {
  partitions.insert(PartitionKey(f, spec_id));
  added_files_size += f.file_size_in_bytes;
  switch (f.content) {
    case FileContent::kData:
      ++added_data_files;
      added_records += f.record_count;
      break;
    case FileContent::kPositionDeletes:
      ++added_delete_files;
      ++added_position_delete_files;
      added_position_deletes += f.record_count;
      break;
    case FileContent::kEqualityDeletes:
      ++added_delete_files;
      ++added_equality_delete_files;
      added_equality_deletes += f.record_count;
      break;
  }
}

void SnapshotChangeCounts::Remove(const DataFile& f, int spec_id) {
  partitions.insert(PartitionKey(f, spec_id));
  removed_files_size += f.file_size_in_bytes;
  switch (f.content) {
    case FileContent::kData:
      ++deleted_data_files;
      deleted_records += f.record_count;
      break;
    case FileContent::kPositionDeletes:
      ++removed_delete_files;
      removed_position_deletes += f.record_count;
      break;
    case FileContent::kEqualityDeletes:
      ++removed_delete_files;
      removed_equality_deletes += f.record_count;
      break;
  }
}

std::map<std::string, std::string> BuildSnapshotSummary(const std::string& operation,
                                                        const SnapshotChangeCounts& c, const Snapshot* parent) {
  namespace k = summary;
  std::map<std::string, std::string> s;
  s[k::kOperation] = operation;
  auto put_nonzero = [&](const char* key, int64_t v) {
    if (v != 0) s[key] = std::to_string(v);
  };
  put_nonzero(k::kAddedDataFiles, c.added_data_files);
  put_nonzero(k::kDeletedDataFiles, c.deleted_data_files);
  put_nonzero(k::kAddedDeleteFiles, c.added_delete_files);
  put_nonzero(k::kAddedPositionDeleteFiles, c.added_position_delete_files);
  put_nonzero(k::kAddedEqualityDeleteFiles, c.added_equality_delete_files);
  put_nonzero(k::kRemovedDeleteFiles, c.removed_delete_files);
  put_nonzero(k::kAddedRecords, c.added_records);
  put_nonzero(k::kDeletedRecords, c.deleted_records);
  put_nonzero(k::kAddedFilesSize, c.added_files_size);
  put_nonzero(k::kRemovedFilesSize, c.removed_files_size);
  put_nonzero(k::kAddedPositionDeletes, c.added_position_deletes);
  put_nonzero(k::kRemovedPositionDeletes, c.removed_position_deletes);
  put_nonzero(k::kAddedEqualityDeletes, c.added_equality_deletes);
  put_nonzero(k::kRemovedEqualityDeletes, c.removed_equality_deletes);
  s[k::kChangedPartitionCount] = std::to_string(c.partitions.size());
  auto total = [&](const char* key, int64_t delta) {
    if (parent && !parent->summary.count(key)) return;
    int64_t prev = parent ? parent->SummaryInt(key, 0) : 0;
    s[key] = std::to_string(prev + delta);
  };
  total(k::kTotalRecords, c.added_records - c.deleted_records);
  total(k::kTotalFilesSize, c.added_files_size - c.removed_files_size);
  total(k::kTotalDataFiles, c.added_data_files - c.deleted_data_files);
  total(k::kTotalDeleteFiles, c.added_delete_files - c.removed_delete_files);
  total(k::kTotalPositionDeletes, c.added_position_deletes - c.removed_position_deletes);
  total(k::kTotalEqualityDeletes, c.added_equality_deletes - c.removed_equality_deletes);
  return s;
}

}  // namespace icesync::iceberg
