#include "iceberg/delete_file_index.h"

#include <algorithm>

namespace icesync::iceberg {

namespace {

bool SamePartition(const ScanFile& a, const ScanFile& b) {
  if (a.spec_id != b.spec_id || a.file.partition.size() != b.file.partition.size()) return false;
  for (size_t i = 0; i < a.file.partition.size(); ++i) {
    const Value& x = a.file.partition[i];
    const Value& y = b.file.partition[i];
    if (x.is_null() || y.is_null()) {
      if (x.is_null() != y.is_null()) return false;
      continue;
    }
    if (!(x.type() == y.type()) || x.Compare(y) != 0) return false;
  }
  return true;
}

}  // namespace

bool DeleteAppliesTo(const ScanFile& del, const ScanFile& data) {
  switch (del.content()) {
    case FileContent::kPositionDeletes:
      if (data.data_sequence_number > del.data_sequence_number) return false;
      if (del.file.referenced_data_file && *del.file.referenced_data_file != data.path()) return false;
      break;
    case FileContent::kEqualityDeletes:
      if (data.data_sequence_number >= del.data_sequence_number) return false;
      break;
    case FileContent::kData:
      return false;
  }
  return del.spec_unpartitioned || SamePartition(del, data);
}

DeleteFileIndex::DeleteFileIndex(std::vector<ScanFile> delete_files) : deletes_(std::move(delete_files)) {
  std::stable_sort(deletes_.begin(), deletes_.end(), [](const ScanFile& a, const ScanFile& b) {
    if (a.content() != b.content()) return a.content() < b.content();
    return a.data_sequence_number < b.data_sequence_number;
  });
}

std::vector<ScanFile> DeleteFileIndex::ForDataFile(const ScanFile& data_file) const {
  std::vector<ScanFile> out;
  for (const ScanFile& d : deletes_) {
    if (DeleteAppliesTo(d, data_file)) out.push_back(d);
  }
  return out;
}

}  // namespace icesync::iceberg
