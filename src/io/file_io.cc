#include "io/file_io.h"

#include <cctype>

#include "io/local_file_io.h"
#include "io/s3_file_io.h"

namespace icesync::io {

Result<std::string> FileIO::ReadAll(const std::string& location) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> in, OpenInput(location));
  std::string bytes;
  RETURN_IF_ERROR(in->ReadAt(0, in->size(), &bytes));
  return bytes;
}

std::string StripFileScheme(std::string_view location) {
  if (location.starts_with("file://")) return std::string(location.substr(7));
  if (location.starts_with("file:")) return std::string(location.substr(5));
  return std::string(location);
}

bool HasRemoteScheme(std::string_view location) {
  size_t colon = location.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : location.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return !location.starts_with("file:");
}

bool IsObjectStoreLocation(std::string_view location) {
  return location.starts_with("s3://") || location.starts_with("s3a://") || location.starts_with("s3n://");
}

std::string JoinLocation(std::string_view base, std::string_view name) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  out += '/';
  out += name;
  return out;
}

Result<FileIO*> ForLocation(std::string_view location) {
  if (IsObjectStoreLocation(location)) return S3FileIOForProcess();
  if (HasRemoteScheme(location)) {
    const std::string_view scheme = location.substr(0, location.find("://"));
    return Unsupported("{}: icesync reads and writes local paths and s3:// (S3 and S3-compatible stores), not {}://",
                       location, scheme);
  }
  return static_cast<FileIO*>(LocalFileIO::Instance());
}

Result<std::string> ReadFileAt(const std::string& location) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(location));
  return fio->ReadAll(location);
}

Status WriteNewAt(const std::string& location, std::string_view contents) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(location));
  return fio->WriteNew(location, contents);
}

Status ReplaceAt(const std::string& location, std::string_view contents) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(location));
  return fio->WriteReplace(location, contents);
}

Result<bool> ExistsAt(const std::string& location) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(location));
  return fio->Exists(location);
}

Status DeleteAt(const std::string& location) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(location));
  return fio->Delete(location);
}

Result<std::vector<FileInfo>> ListAt(const std::string& prefix) {
  ASSIGN_OR_RETURN(FileIO * fio, ForLocation(prefix));
  return fio->List(prefix);
}

}  // namespace icesync::io
