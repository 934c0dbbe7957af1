#include "iceberg/table_file_mapper.h"

#include <cctype>
#include <filesystem>

namespace icesync::iceberg {

namespace {
std::string TrimTrailingSlashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool SameDirectory(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code ec1, ec2;
  auto ca = std::filesystem::weakly_canonical(a, ec1);
  auto cb = std::filesystem::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && ca == cb;
}
}  // namespace

TableFileMapper::TableFileMapper(std::string table_location, std::string table_dir, bool allow_moved_paths)
    : location_(TrimTrailingSlashes(std::move(table_location))),
      table_dir_(TrimTrailingSlashes(std::move(table_dir))),
      allow_moved_paths_(allow_moved_paths) {
  // An object-store table is read where it lives: its location is its root.
  location_is_local_dir_ = location_ == table_dir_ ||
                           (!HasRemoteScheme(location_) && StripFileScheme(location_).starts_with("/") &&
                            SameDirectory(StripFileScheme(location_), table_dir_));
}

// True when `path` stays strictly inside `root` once its "." and ".." components are resolved
// lexically; a relative `path` is taken relative to `root`.
bool TableFileMapper::Inside(const std::string& path, const std::string& root) {
  namespace fs = std::filesystem;
  fs::path rel = fs::path(path).lexically_normal();
  if (rel.is_absolute()) rel = rel.lexically_relative(fs::path(root).lexically_normal());
  return !rel.empty() && !rel.is_absolute() && *rel.begin() != ".." && *rel.begin() != ".";
}

Status TableFileMapper::Outside(std::string_view path) const {
  return InvalidArgument(
      "file '{}' named in the metadata of the table at {} lies outside the table location '{}'; "
      "refusing to read or delete it (metadata edited by hand or written by a hostile writer: "
      "restore the table's metadata from a trusted copy)",
      path, table_dir_, location_);
}

// Paths in metadata are not trusted: a hand-edited or hostile manifest naming /etc/passwd or
// <location>/../../other/x.parquet must make neither scan read nor maintain delete it. So
// every path is mapped, then checked to stay under the location (or the local table dir).
Result<std::string> TableFileMapper::ToLocal(std::string_view path) const {
  const std::string prefix = location_ + "/";
  if (path.starts_with(prefix)) {
    const std::string rest(path.substr(prefix.size()));
    if (!Inside(rest, table_dir_)) return Outside(path);
    if (location_is_local_dir_ || allow_moved_paths_) return table_dir_ + "/" + rest;
  }
  if (!HasRemoteScheme(path) && StripFileScheme(path).starts_with("/")) {
    // A local location not mapped (a table read where it was written, under another name).
    const std::string local = StripFileScheme(path);
    const std::string location = StripFileScheme(location_);
    if (!Inside(local, table_dir_) && (HasRemoteScheme(location_) || !Inside(local, location))) return Outside(path);
    return local;
  }
  if (allow_moved_paths_) {
    return InvalidArgument("file '{}' is not under the table location '{}'; cannot map it onto {}", path,
                           location_, table_dir_);
  }
  return InvalidArgument(
      "file '{}' is not a local path (table location '{}'); if the table was copied here from "
      "elsewhere, pass --allow-moved-paths to read it from {}",
      path, location_, table_dir_);
}

}  // namespace icesync::iceberg
