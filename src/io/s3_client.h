#pragma once
// The S3 request layer beneath S3FileIO, its inputs and its outputs: builds each request's URL
// (path-style or virtual-hosted, key and query percent-encoded once), signs it (SigV4 by libcurl)
// and sends it on an HttpClient borrowed from a pool, and turns S3's error answers into Status
// messages that name the object and the fix.
//
// Thread-safety: Send() may be called from any number of threads at once. Each call borrows an
// idle HttpClient (one request at a time each, keep-alive connection) or creates one; the pool
// so grows to the number of threads that send at the same time and no further.
//
// Payload hash: requests carry `x-amz-content-sha256: UNSIGNED-PAYLOAD` (S3 requires the header
// with SigV4 and accepts this value; computing the SHA-256 would need libcrypto, which icesync
// does not link). libcurl signs the header's value in place of the body's hash.
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "io/http_client.h"
#include "io/s3_config.h"

namespace icesync::io {

struct S3Request {
  std::string method = "GET";
  std::string bucket;
  std::string key;
  // Unencoded name/value pairs; sent encoded and sorted by name, the canonical order SigV4
  // signs, so the URL and the signature agree whatever libcurl version normalises.
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A new connection for a request that must not be re-sent (HttpRequest::fresh_connection).
  bool fresh_connection = false;
};

class S3Client {
 public:
  explicit S3Client(S3Config config, HttpRetryPolicy retry = {});
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Any answer S3 gave (2xx, 3xx, 4xx; 5xx/429 only after HttpClient's retries); IOError when
  // none came. The body is moved into the request, so pass it by value.
  Result<HttpResponse> Send(S3Request request);

  // The error for an answer `action` ("reading", "writing"...) did not expect, naming
  // `location` (s3://bucket/key): access (403, SignatureDoesNotMatch, InvalidAccessKeyId, bad
  // tokens) names the credential variables to check; NoSuchBucket and 404 are NotFound; others
  // carry S3's <Code> and <Message>. Never contains a secret.
  Status ErrorFor(const HttpResponse& response, std::string_view action, const std::string& location) const;

  const S3Config& config() const { return config_; }

 private:
  std::unique_ptr<HttpClient> Borrow();
  void Return(std::unique_ptr<HttpClient> client);

  const S3Config config_;
  const HttpRetryPolicy retry_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;  // guarded by mu_
};

}  // namespace icesync::io
