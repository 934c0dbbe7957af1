#include "parquet/page_reader.h"

#include <algorithm>

namespace icesync::parquet {

namespace {

// Bytes read at once: fewer, larger reads than one per page header and body.
constexpr uint64_t kMinWindow = uint64_t{1} << 20;
// First guess at a page header's size; a header with large statistics gets more.
constexpr uint64_t kHeaderProbe = 4096;

}  // namespace

void PageReader::Open(const ByteSource* source, uint64_t start, uint64_t length) {
  source_ = source;
  start_ = pos_ = start;
  end_ = start + length;
  window_start_ = window_end_ = 0;
}

Status PageReader::Fill(uint64_t n) {
  n = std::min(n, end_ - pos_);
  if (pos_ >= window_start_ && pos_ + n <= window_end_) return Status::OK();
  const uint64_t want = std::min(std::max(n, kMinWindow), end_ - pos_);
  if (window_.size() < want) {
    window_.clear();
    window_.resize(want);
  }
  RETURN_IF_ERROR(source_->ReadInto(pos_, want, reinterpret_cast<uint8_t*>(window_.data())));
  window_start_ = pos_;
  window_end_ = pos_ + want;
  return Status::OK();
}

Status PageReader::Next(PageHeader* header, std::string_view* body) {
  // Parse the header from what the window holds; if it does not parse and the chunk has
  // more bytes, retry with a larger window (a header with long min/max statistics).
  uint64_t probe = kHeaderProbe;
  size_t consumed = 0;
  while (true) {
    RETURN_IF_ERROR(Fill(probe));
    const uint64_t available = std::min(window_end_, end_) - pos_;
    *header = PageHeader();
    Status st = ParsePageHeader(at(pos_), static_cast<size_t>(available), header, &consumed);
    if (st.ok()) break;
    if (pos_ + available >= end_) {
      return Corrupt("corrupt page header at chunk offset {}: {}", chunk_offset(), st.message());
    }
    probe = available * 2;
  }
  const uint64_t left = end_ - pos_ - consumed;
  if (header->compressed_page_size < 0 || static_cast<uint64_t>(header->compressed_page_size) > left) {
    return Corrupt("page of {} bytes runs past the column chunk ({} bytes left)", header->compressed_page_size, left);
  }
  const uint64_t size = static_cast<uint64_t>(header->compressed_page_size);
  RETURN_IF_ERROR(Fill(consumed + size));
  *body = std::string_view(reinterpret_cast<const char*>(at(pos_ + consumed)), static_cast<size_t>(size));
  pos_ += consumed + size;
  return Status::OK();
}

}  // namespace icesync::parquet
