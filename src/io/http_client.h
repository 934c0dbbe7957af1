#pragma once
// A small HTTP client on libcurl, shared by the object store (io/s3_file_io) and the REST
// catalog (catalog/rest_catalog): one request at a time per client, a connection kept alive
// between requests, retries with jittered exponential backoff on connection errors, 429 and
// 5xx. Request signing is the caller's: AWS SigV4 is done by libcurl itself when `aws_sigv4`
// is set (CURLOPT_AWS_SIGV4).
//
// Secrets (passwords, tokens, keys) are passed in `headers` / `aws_*` and never appear in a
// returned error: errors name the method and the URL without its query string.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace icesync::io {

struct HttpRequest {
  std::string method = "GET";  // GET HEAD PUT POST DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // "Name", "value"
  std::string body;
  // AWS SigV4 signing by libcurl: "aws:amz:<region>:<service>", with the key pair (and a
  // session token, sent as x-amz-security-token). Empty: not signed.
  std::string aws_sigv4;
  std::string aws_access_key;
  std::string aws_secret_key;
  std::string aws_session_token;
  // For requests that must not be sent twice (a REST catalog commit): a new connection, closed
  // afterwards. On a reused keep-alive connection that turns out dead, libcurl re-sends the
  // request by itself, whatever the method, even after the server received and applied it.
  bool fresh_connection = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names; last value wins
  std::string body;
  const std::string* Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct HttpRetryPolicy {
  int max_attempts = 5;
  int initial_backoff_ms = 50;
  int max_backoff_ms = 2000;
};

class HttpClient {
 public:
  explicit HttpClient(HttpRetryPolicy retry = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request, retrying transport failures, 429 and 5xx answers; any other answer
  // (including 4xx) is returned as a response for the caller to interpret. IOError (naming
  // method and URL) when every attempt failed without an answer.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  Result<HttpResponse> SendOnce(const HttpRequest& request);
  void* curl_ = nullptr;  // CURL*, reused for keep-alive
  HttpRetryPolicy retry_;
};

// Percent-encodes `s` per RFC 3986 (unreserved characters kept); with keep_slash, '/' too.
std::string UrlEncode(std::string_view s, bool keep_slash = false);
// The URL without its query string, for messages.
std::string UrlForMessages(std::string_view url);

}  // namespace icesync::io
