#include "parquet/byte_source.h"

#include "io/local_file_io.h"

namespace icesync::parquet {

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& location) {
  ASSIGN_OR_RETURN(io::FileIO * fio, io::ForLocation(location));
  return fio->OpenInput(location);
}

std::unique_ptr<ByteSource> MemorySource(std::string_view data, std::string name) {
  return io::MemoryInput(data, std::move(name));
}

}  // namespace icesync::parquet
