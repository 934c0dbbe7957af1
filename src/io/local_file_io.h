#pragma once
// FileIO on the local file system (POSIX). Inputs read with pread, so only the ranges asked
// for are in memory; outputs are written to "<path>.tmp-<random>" and renamed into place when
// finished (core/durable_file.h has the same rule for small files: temp, fsync, link/rename).
// Locations may be plain paths or file: URIs.
#include <memory>
#include <string>
#include <string_view>

#include "io/file_io.h"

namespace icesync::io {

class LocalFileIO : public FileIO {
 public:
  // The process-wide instance (stateless).
  static LocalFileIO* Instance();

  Result<std::unique_ptr<InputFile>> OpenInput(const std::string& location) override;
  Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& location) override;
  Status WriteNew(const std::string& location, std::string_view contents) override;
  Status WriteReplace(const std::string& location, std::string_view contents) override;
  Result<bool> SupportsExclusiveCreate(const std::string&) override { return true; }  // link()
  Result<bool> Exists(const std::string& location) override;
  Status Delete(const std::string& location) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix) override;
};

// An input over caller-owned bytes (`data` must outlive it): the fuzzer and tests.
std::unique_ptr<InputFile> MemoryInput(std::string_view data, std::string name = "<memory>");

}  // namespace icesync::io
