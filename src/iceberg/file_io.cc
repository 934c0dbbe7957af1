#include "iceberg/file_io.h"

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

std::string StripFileScheme(std::string_view uri) {
  if (uri.starts_with("file://")) return std::string(uri.substr(7));
  if (uri.starts_with("file:")) return std::string(uri.substr(5));
  return std::string(uri);
}

bool HasRemoteScheme(std::string_view uri) {
  size_t colon = uri.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : uri.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return !uri.starts_with("file:");
}

TableFileMapper::TableFileMapper(std::string table_location, std::string table_dir, bool allow_moved_paths)
    : location_(TrimTrailingSlashes(std::move(table_location))),
      table_dir_(TrimTrailingSlashes(std::move(table_dir))),
      allow_moved_paths_(allow_moved_paths) {
  location_is_local_dir_ = !HasRemoteScheme(location_) && StripFileScheme(location_).starts_with("/") &&
                           SameDirectory(StripFileScheme(location_), table_dir_);
}

Result<std::string> TableFileMapper::ToLocal(std::string_view path) const {
  const std::string prefix = location_ + "/";
  if (path.starts_with(prefix)) {
    std::string_view rest = path.substr(prefix.size());
    if (location_is_local_dir_ || allow_moved_paths_) return table_dir_ + "/" + std::string(rest);
  }
  if (!HasRemoteScheme(path) && StripFileScheme(path).starts_with("/")) {
    // An absolute local path outside the location (or a table not moved): use it as is.
    return StripFileScheme(path);
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
