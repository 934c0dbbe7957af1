#pragma once
// Walks the pages of one column chunk in file order, reading the chunk's bytes through a
// bounded window rather than whole: memory is about one page (plus its header), whatever
// the chunk's size. Each page comes back as its parsed header and its body as stored
// (compressed); the body stays valid until the next call to Next or Open.
#include <cstdint>
#include <string>
#include <string_view>

#include "parquet/byte_source.h"
#include "parquet/metadata.h"

namespace icesync::parquet {

class PageReader {
 public:
  // Starts on the chunk at [start, start + length) of `source` (the caller has checked that
  // the range lies in the file). Keeps the window's buffer from a previous chunk.
  void Open(const ByteSource* source, uint64_t start, uint64_t length);

  // Whether every byte of the chunk has been read as pages.
  bool done() const { return pos_ >= end_; }
  // Offset in the chunk of the next page header (for messages).
  uint64_t chunk_offset() const { return pos_ - start_; }

  // Reads the next page. Corrupt (no context: the caller adds the file and column) when the
  // header does not parse or the page runs past the chunk.
  Status Next(PageHeader* header, std::string_view* body);

 private:
  // Makes [pos_, pos_ + n) readable at window_ (n is clipped to the chunk's end).
  Status Fill(uint64_t n);
  const uint8_t* at(uint64_t offset) const {
    return reinterpret_cast<const uint8_t*>(window_.data()) + (offset - window_start_);
  }

  const ByteSource* source_ = nullptr;
  uint64_t start_ = 0;  // the chunk's file offsets: [start_, end_)
  uint64_t end_ = 0;
  uint64_t pos_ = 0;    // file offset of the next page header
  // Invariant: window_[0, window_end_ - window_start_) holds the file's bytes
  // [window_start_, window_end_). The buffer only grows (zero-filled only then).
  std::string window_;
  uint64_t window_start_ = 0;
  uint64_t window_end_ = 0;
};

}  // namespace icesync::parquet
