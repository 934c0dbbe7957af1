#include "io/s3_input_file.h"

#include <cstdlib>

namespace icesync::io {

Result<std::unique_ptr<InputFile>> S3InputFile::Open(S3Client* client, S3Location location, uint64_t tail_bytes) {
  const std::string name = location.ToString();
  ASSIGN_OR_RETURN(HttpResponse head, client->Send({.method = "HEAD", .bucket = location.bucket, .key = location.key}));
  if (head.status != 200) return client->ErrorFor(head, "opening", name);
  const std::string* length = head.Header("content-length");
  char* end = nullptr;
  const uint64_t size = length ? std::strtoull(length->c_str(), &end, 10) : 0;
  if (length == nullptr || end == length->c_str() || *end != '\0') {
    return IOError("opening {}: S3 answered HEAD without a Content-Length", name);
  }
  return std::unique_ptr<InputFile>(new S3InputFile(client, std::move(location), size, tail_bytes));
}

S3InputFile::S3InputFile(S3Client* client, S3Location location, uint64_t size, uint64_t tail_bytes)
    : client_(client),
      location_(std::move(location)),
      name_(location_.ToString()),
      size_(size),
      tail_offset_(tail_bytes == 0 ? size : (size > tail_bytes ? size - tail_bytes : 0)) {}

uint64_t S3InputFile::gets() const { return gets_.load(); }

Status S3InputFile::Get(uint64_t offset, uint64_t length, std::string* out) const {
  ++gets_;
  const std::string range = "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
  ASSIGN_OR_RETURN(HttpResponse r, client_->Send({.method = "GET", .bucket = location_.bucket, .key = location_.key,
                                                  .headers = {{"Range", range}}}));
  if (r.status == 200 && r.body.size() == size_) {
    // A store that ignores Range sends the whole object: take the part asked for.
    *out = r.body.substr(offset, length);
    return Status::OK();
  }
  if (r.status != 206) return client_->ErrorFor(r, "reading " + range + " of", name_);
  if (r.body.size() != length) {
    return IOError("reading {} of {}: S3 sent {} bytes instead of {} (the object changed while read?)", range, name_,
                   r.body.size(), length);
  }
  *out = std::move(r.body);
  return Status::OK();
}

Status S3InputFile::ReadAt(uint64_t offset, uint64_t length, std::string* out) const {
  if (offset > size_ || length > size_ - offset) {
    return Corrupt("{}: read of {} bytes at offset {} is outside the object ({} bytes)", name_, length, offset, size_);
  }
  if (length == 0) {
    out->clear();
    return Status::OK();
  }
  if (offset >= tail_offset_) {
    std::lock_guard<std::mutex> lock(tail_mu_);
    if (!tail_loaded_) {
      RETURN_IF_ERROR(Get(tail_offset_, size_ - tail_offset_, &tail_));
      tail_loaded_ = true;
    }
    out->assign(tail_, offset - tail_offset_, length);
    return Status::OK();
  }
  return Get(offset, length, out);
}

}  // namespace icesync::io
