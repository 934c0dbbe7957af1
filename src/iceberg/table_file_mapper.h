#pragma once
// Where the files a table's metadata names live on this machine.
//
// Metadata holds absolute URIs under the table's `location` (s3a://bucket/t/data/x.parquet for
// tables written elsewhere, /abs/path/t/data/x.parquet for ours, or even a relative location
// such as data/persistent/t). Reading a table that was copied here from elsewhere requires an
// explicit opt-in (--allow-moved-paths, as DuckDB names it): the `location` prefix is then
// replaced by the local table directory. The remainder is used verbatim: names such as
// `partition_col=12%3A34%3A56` are the real file names, so nothing is URL-decoded.
#include <string>
#include <string_view>

#include "core/status.h"
#include "io/file_io.h"

namespace icesync::iceberg {

using io::HasRemoteScheme;
using io::StripFileScheme;

class TableFileMapper {
 public:
  // table_location: the metadata's `location`; table_dir: the local table directory.
  TableFileMapper(std::string table_location, std::string table_dir, bool allow_moved_paths);

  // The local path of a file named in metadata (manifest list, manifest, data/delete file).
  // Errors (NotFound/InvalidArgument) name the path and say to pass --allow-moved-paths when
  // the table was moved and that flag was not given. A path that leaves the table location
  // (an absolute path elsewhere, or ".." climbing out) is refused, naming the file and table.
  Result<std::string> ToLocal(std::string_view path) const;

  const std::string& table_location() const { return location_; }
  const std::string& table_dir() const { return table_dir_; }

 private:
  static bool Inside(const std::string& path, const std::string& root);
  Status Outside(std::string_view path) const;

  std::string location_;   // without trailing '/'
  std::string table_dir_;  // without trailing '/'
  bool allow_moved_paths_;
  bool location_is_local_dir_;  // location (scheme stripped) names table_dir itself
};

}  // namespace icesync::iceberg
