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
// Parts upload in the background, up to `parts_in_flight` at a time, while the writer fills the
// next buffer (a Parquet writer keeps encoding instead of waiting on the network). Memory:
// about part_size * (1 + parts_in_flight). The part order and the ETags are kept by part
// number, so Complete lists them in order whatever order the uploads finish in. A part that
// fails is reported by a later Write() or by Finish(), which then abort the upload.
//
// S3 requires parts of at least 5 MiB except the last, so `part_size` must be >= 5 MiB against
// AWS (tests may use less on servers that allow it).
#include <cstdint>
#include <deque>
#include <future>
#include <string>
#include <vector>

#include "io/file_io.h"
#include "io/s3_client.h"

namespace icesync::io {

class S3OutputFile : public OutputFile {
 public:
  S3OutputFile(S3Client* client, S3Location location, uint64_t part_size, int parts_in_flight = 1);
  ~S3OutputFile() override;

  Status Write(const char* data, size_t length) override;
  Status Finish() override;
  void Abort() override;
  const std::string& name() const override { return name_; }

 private:
  Status StartUpload();
  // Hands the buffer to a background upload as the next part; waits first while
  // parts_in_flight uploads are running.
  Status UploadPart();
  Status WaitForOldestPart();
  Status WaitForAllParts();
  Status Complete();
  Status Fail(Status st);  // remembers the first error and aborts

  S3Client* client_;
  const S3Location location_;
  const std::string name_;
  const uint64_t part_size_;
  const size_t parts_in_flight_;
  std::string buffer_;
  std::string upload_id_;           // empty: no multipart upload started
  int parts_started_ = 0;
  std::deque<std::future<Result<std::string>>> in_flight_;  // ETags of parts etags_.size()+1...
  std::vector<std::string> etags_;  // of parts 1..n, in order
  Status error_;                    // sticky: once set, every call fails with it
  bool done_ = false;               // finished or aborted
};

}  // namespace icesync::io
