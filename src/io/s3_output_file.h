#pragma once
// An S3 object written sequentially, visible only once Finish() returns OK (FileIO's invariant):
//   - up to `part_size` bytes: buffered, then one PUT at Finish();
//   - beyond: a multipart upload, started when the buffer first reaches `part_size`; each full
//     buffer is one UploadPart, the rest the last part, and CompleteMultipartUpload at Finish()
//     makes the object appear at once.
// Abort() (and destruction before Finish()) sends AbortMultipartUpload, so no parts stay
// stored (and billed); a store that loses the abort still shows no object, since an upload is
// only visible once completed.
//
// S3 requires parts of at least 5 MiB except the last, so `part_size` must be >= 5 MiB against
// AWS (tests may use less on servers that allow it). Memory: one buffer of about part_size.
#include <cstdint>
#include <string>
#include <vector>

#include "io/file_io.h"
#include "io/s3_client.h"

namespace icesync::io {

class S3OutputFile : public OutputFile {
 public:
  S3OutputFile(S3Client* client, S3Location location, uint64_t part_size);
  ~S3OutputFile() override;

  Status Write(const char* data, size_t length) override;
  Status Finish() override;
  void Abort() override;
  const std::string& name() const override { return name_; }

 private:
  Status StartUpload();
  Status UploadPart();  // the buffer as the next part
  Status Complete();
  Status Fail(Status st);  // remembers the first error and aborts

  S3Client* client_;
  const S3Location location_;
  const std::string name_;
  const uint64_t part_size_;
  std::string buffer_;
  std::string upload_id_;           // empty: no multipart upload started
  std::vector<std::string> etags_;  // of parts 1..n
  Status error_;                    // sticky: once set, every call fails with it
  bool done_ = false;               // finished or aborted
};

}  // namespace icesync::io
