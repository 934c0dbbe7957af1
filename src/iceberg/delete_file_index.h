#pragma once
// Which delete files apply to which data file (table spec v2, "Scan Planning"):
//   - a position delete applies when the data file's data sequence number is <= the delete's,
//     and the delete's spec is unpartitioned or has the data file's spec id and partition;
//   - an equality delete applies when the data sequence number is strictly < the delete's,
//     with the same partition rule.
// Deletes of the same sequence number as a data file therefore delete positions in it but
// never its rows by equality (a row delta's own new rows survive its equality deletes).
#include <vector>

#include "iceberg/scan_task.h"

namespace icesync::iceberg {

bool DeleteAppliesTo(const ScanFile& delete_file, const ScanFile& data_file);

class DeleteFileIndex {
 public:
  explicit DeleteFileIndex(std::vector<ScanFile> delete_files);
  // The delete files that apply to `data_file`: position deletes first, each group in
  // ascending sequence number order.
  std::vector<ScanFile> ForDataFile(const ScanFile& data_file) const;
  bool empty() const { return deletes_.empty(); }

 private:
  std::vector<ScanFile> deletes_;  // sorted: position deletes first, then by sequence number
};

}  // namespace icesync::iceberg
