#pragma once
// FileIO on S3 and S3-compatible object stores (MinIO, Ceph, R2), through libcurl
// (io/s3_client.h): ranged GETs for inputs (io/s3_input_file.h), single PUTs or multipart
// uploads for outputs (io/s3_output_file.h), conditional PUTs (If-None-Match: *) for WriteNew.
//
// Thread-safe: one S3FileIO serves every thread of the process (Parquet files are written and
// read in parallel); requests go through S3Client's pool of keep-alive connections. Each
// InputFile/OutputFile it returns is used by one thread at a time, as local files are.
//
// Conditional writes: S3 (since 2024), MinIO and R2 answer 412 to a PUT with If-None-Match: *
// when the key exists; older or simpler stores (s3rver) ignore the header and overwrite.
// SupportsExclusiveCreate() finds out once per bucket by trying it (see there).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "io/file_io.h"
#include "io/s3_client.h"
#include "io/s3_config.h"

namespace icesync::io {

struct S3FileIOOptions {
  // Outputs larger than this become multipart uploads of parts this size (S3: >= 5 MiB).
  uint64_t part_size = 8ull << 20;
  // Parts of one output uploading at once, in the background (memory: part_size each).
  int parts_in_flight = 2;
  // Keys per ListObjectsV2 page (S3's maximum is 1000).
  int list_page_size = 1000;
  // An input's last bytes fetched together on the first read there (its footer); 0: none.
  uint64_t tail_bytes = 64 << 10;
  HttpRetryPolicy retry;
};

class S3FileIO : public FileIO {
 public:
  explicit S3FileIO(S3Config config, S3FileIOOptions options = {});

  Result<std::unique_ptr<InputFile>> OpenInput(const std::string& location) override;
  Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& location) override;
  // One GET (no HEAD first).
  Result<std::string> ReadAll(const std::string& location) override;
  // PUT with If-None-Match: *. A 412 (or 409 ConditionalRequestConflict, a concurrent
  // conditional PUT) is AlreadyExists naming the location — unless the object now holds exactly
  // `contents`: then an earlier attempt of this same PUT landed before its answer was lost and
  // HttpClient's retry met our own object, so the write succeeded.
  Status WriteNew(const std::string& location, std::string_view contents) override;
  Status WriteReplace(const std::string& location, std::string_view contents) override;
  // Probes the bucket once (cached by bucket): PUTs ".icesync-probe-<random>" beside `location`
  // (in the folder of the file about to be written: "…/metadata/" for "…/metadata/v3.metadata.json"
  // or for "…/metadata/") twice with If-None-Match: *; true when the second answers 412; the
  // probe is deleted.
  Result<bool> SupportsExclusiveCreate(const std::string& location) override;
  Result<bool> Exists(const std::string& location) override;
  Status Delete(const std::string& location) override;
  // ListObjectsV2 under prefix + '/', following continuation tokens; locations in the prefix's
  // scheme (s3:// s3a:// s3n://), sorted.
  Result<std::vector<FileInfo>> List(const std::string& prefix) override;

  const S3Config& config() const { return client_.config(); }

 private:
  Result<bool> ProbeExclusiveCreate(const S3Location& location);

  S3Client client_;
  const S3FileIOOptions options_;
  std::mutex probe_mu_;
  std::map<std::string, bool> exclusive_create_;  // by bucket; guarded by probe_mu_
};

// The S3FileIO every s3:// location of this process goes through, configured from the
// environment on first use (io/s3_config.h); the configuration error, every time, if that
// failed. io::ForLocation() hands it out for s3:// s3a:// s3n://.
Result<FileIO*> S3FileIOForProcess();

}  // namespace icesync::io
