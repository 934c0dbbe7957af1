#pragma once
// An S3 object read by ranges: its size comes from one HEAD at open, and each ReadAt is one
// ranged GET (Range: bytes=a-b), so a Parquet reader fetches its footer and the column chunks
// it projects, never the whole object.
//
// Tail cache: the first read that falls in the object's last `tail_bytes` fetches that whole
// tail once and keeps it. A Parquet reader's first two reads (the 8-byte footer length, then
// the footer) are both there, so opening a data file costs HEAD + one GET instead of HEAD + two.
// (A suffix range "bytes=-N" at open would save the HEAD too, but s3rver answers it wrongly —
// the first N bytes — so the size comes from HEAD.)
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "io/file_io.h"
#include "io/s3_client.h"

namespace icesync::io {

class S3InputFile : public InputFile {
 public:
  // HEAD: NotFound naming `location` when there is no such object.
  static Result<std::unique_ptr<InputFile>> Open(S3Client* client, S3Location location, uint64_t tail_bytes);

  uint64_t size() const override { return size_; }
  // Corrupt (naming the object and the range) when the range is outside the object.
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const override;
  const std::string& name() const override { return name_; }

  // Requests this input sent after its HEAD (for tests and measurements).
  uint64_t gets() const;

 private:
  S3InputFile(S3Client* client, S3Location location, uint64_t size, uint64_t tail_bytes);
  Status Get(uint64_t offset, uint64_t length, std::string* out) const;

  S3Client* client_;
  const S3Location location_;
  const std::string name_;
  const uint64_t size_;
  const uint64_t tail_offset_;  // size_ - tail_bytes, or 0; reads at or after it use the tail
  // ReadAt is const and may be called from several threads. tail_mu_ is held while the tail is
  // fetched, so concurrent first readers of the tail wait for one GET.
  mutable std::mutex tail_mu_;
  mutable std::string tail_;  // guarded by tail_mu_: bytes [tail_offset_, size_) once loaded
  mutable bool tail_loaded_ = false;
  mutable std::atomic<uint64_t> gets_{0};
};

}  // namespace icesync::io
