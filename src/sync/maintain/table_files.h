#pragma once
// The files a set of snapshots references, as normalised absolute local paths: what expiry
// keeps and deletes, and what orphan removal must never touch.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "iceberg/catalog.h"
#include "iceberg/manifest.h"

namespace icesync::sync::maintain {

// Normalised absolute form of a local path, so paths from metadata and from a directory walk
// compare equal (object-store locations are returned as they are).
std::string NormalPath(const std::string& path);
// A file's size in bytes, local or on object storage; NotFound when it is gone.
Result<uint64_t> FileSize(const std::string& location);

struct ReferencedFiles {
  std::set<std::string> manifest_lists;
  std::set<std::string> manifests;
  std::set<std::string> content_files;  // data and delete files
  bool Contains(const std::string& normal_path) const {
    return manifest_lists.count(normal_path) || manifests.count(normal_path) || content_files.count(normal_path);
  }
};

// Reads the manifest lists and manifests of `snapshot_ids` (manifests read once each).
// `live_only`: content files only from ADDED/EXISTING entries (a DELETED entry names a file the
// snapshot no longer holds); otherwise every entry's file.
Result<ReferencedFiles> CollectReferencedFiles(const iceberg::Table& table, const std::set<int64_t>& snapshot_ids,
                                               bool live_only);

// Deletes `paths` (normalised, all under the table directory; anything else is refused) and
// returns the bytes freed. A file already gone counts as deleted.
Result<int64_t> DeleteTableFiles(const iceberg::Table& table, const std::vector<std::string>& paths);

}  // namespace icesync::sync::maintain
