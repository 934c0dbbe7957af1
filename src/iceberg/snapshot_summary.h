#pragma once
// What a snapshot changed, counted file by file, and the summary map the spec derives from it
// (operation, added/deleted/removed counts, running totals). Every commit path uses this one
// tally: the snapshot producer (append, overwrite, row delta) and the jobs' table commits.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "iceberg/manifest.h"
#include "iceberg/snapshot.h"

namespace icesync::iceberg {

// A new snapshot id: random, positive and 63-bit, as Java writers make them.
int64_t NewSnapshotId();

// Counters of one snapshot's changes, named after the summary keys they feed.
struct SnapshotChangeCounts {
  int64_t added_data_files = 0, deleted_data_files = 0;
  int64_t added_delete_files = 0, removed_delete_files = 0;
  int64_t added_position_delete_files = 0, added_equality_delete_files = 0;
  int64_t added_records = 0, deleted_records = 0;
  int64_t added_files_size = 0, removed_files_size = 0;
  int64_t added_position_deletes = 0, removed_position_deletes = 0;
  int64_t added_equality_deletes = 0, removed_equality_deletes = 0;
  std::set<std::string> partitions;  // spec id + partition values of every file touched

  // A file (data or delete) the snapshot adds, in partition spec `spec_id`.
  void Add(const DataFile& f, int spec_id);
  // A live file (data or delete) the snapshot marks deleted.
  void Remove(const DataFile& f, int spec_id);
};

// The summary of a snapshot with these changes. Totals continue the parent's; a parent written
// without a total (some writers omit them) leaves it unknown, so it is left out rather than
// written wrong (as Java does). Zero counts are left out, as Java does.
std::map<std::string, std::string> BuildSnapshotSummary(const std::string& operation,
                                                        const SnapshotChangeCounts& counts, const Snapshot* parent);

}  // namespace icesync::iceberg
