#pragma once
// Random-access input for the reader: a file read with pread (only the footer and the column
// chunks being decoded are ever in memory) or a caller-owned memory buffer (the fuzzer,
// tests). Reads are bounds-checked against the size.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icesync::parquet {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `length` bytes at `offset`; Corrupt if the range is outside the input.
  virtual Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const = 0;
  // The input's name for messages.
  virtual const std::string& name() const = 0;
};

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// `data` must outlive the source.
std::unique_ptr<ByteSource> MemorySource(std::string_view data, std::string name = "<memory>");

}  // namespace icesync::parquet
