#pragma once
// Random-access input for the reader: io::InputFile (a local file read with pread, an S3
// object read with ranged GETs, or a caller-owned memory buffer for the fuzzer and tests).
// Only the footer and the column chunks being decoded are ever fetched.
#include <memory>
#include <string>
#include <string_view>

#include "io/file_io.h"

namespace icesync::parquet {

using ByteSource = io::InputFile;

// Opens `location` through the FileIO for its scheme (io::ForLocation).
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& location);
// `data` must outlive the source.
std::unique_ptr<ByteSource> MemorySource(std::string_view data, std::string name = "<memory>");

}  // namespace icesync::parquet
