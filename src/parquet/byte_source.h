#pragma once
// Random-access input for the reader: a file read with pread (only the footer and the column
// chunks being decoded are ever in memory) or a caller-owned memory buffer (the fuzzer,
// tests). Reads are bounds-checked against the size.
#include <cstdint>
#include <cstring>
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
  // The same into out[0, length), for callers that keep a buffer (nothing is zero-filled).
  // The default goes through ReadAt; the file and memory sources read directly.
  virtual Status ReadInto(uint64_t offset, uint64_t length, uint8_t* out) const {
    std::string bytes;
    RETURN_IF_ERROR(ReadAt(offset, length, &bytes));
    if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
    return Status::OK();
  }
  // The input's name for messages.
  virtual const std::string& name() const = 0;
};

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// `data` must outlive the source.
std::unique_ptr<ByteSource> MemorySource(std::string_view data, std::string name = "<memory>");

}  // namespace icesync::parquet
