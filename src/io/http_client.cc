#include "io/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

namespace icesync::io {
namespace {

// curl_global_init is not thread-safe; every client goes through here first.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    // A status line starts a new header block (a redirect or 100-continue came first).
    if (line.rfind("HTTP/", 0) == 0) headers->clear();
    return size * n;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  (*headers)[name] = std::string(value);
  return size * n;
}

bool Retryable(long status) { return status == 429 || status >= 500; }

}  // namespace

HttpClient::HttpClient(HttpRetryPolicy retry) : retry_(retry) {
  GlobalInitOnce();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::SendOnce(const HttpRequest& req) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) return IOError("{} {}: could not initialise libcurl", req.method, UrlForMessages(req.url));
  curl_easy_reset(c);
  HttpResponse response;
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // The path is sent as built: libcurl would otherwise squash "/./" and "/../", which are
  // ordinary characters of an S3 key ("a/../b" is its own object).
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  // A stalled transfer (under 1 byte/s for 60 s) fails and is retried; large bodies may take long.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  if (req.fresh_connection) {
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  }

  if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    // POSTFIELDS with an explicit size sends any bytes (also empty bodies) without chunking.
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    if (req.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  curl_slist* header_list = nullptr;
  // libcurl would otherwise add "Expect: 100-continue" to large bodies, one extra round trip.
  header_list = curl_slist_append(header_list, "Expect:");
  for (const auto& [name, value] : req.headers) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    header_list = curl_slist_append(header_list, line.c_str());
  }
  if (!req.aws_sigv4.empty()) {
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, req.aws_sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, req.aws_access_key.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, req.aws_secret_key.c_str());
    if (!req.aws_session_token.empty()) {
      const std::string token = "x-amz-security-token: " + req.aws_session_token;
      header_list = curl_slist_append(header_list, token.c_str());
    }
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list);

  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(header_list);
  if (rc != CURLE_OK) {
    return IOError("{} {}: {}", req.method, UrlForMessages(req.url), curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  thread_local std::mt19937 rng{std::random_device{}()};
  int backoff = retry_.initial_backoff_ms;
  Result<HttpResponse> last = IOError("{} {}: not sent", request.method, UrlForMessages(request.url));
  for (int attempt = 1; attempt <= std::max(1, retry_.max_attempts); ++attempt) {
    last = SendOnce(request);
    if (last.ok() && !Retryable(last->status)) return last;
    if (attempt == retry_.max_attempts) break;
    std::uniform_int_distribution<int> jitter(backoff / 2, backoff);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
    backoff = std::min(retry_.max_backoff_ms, backoff * 2);
  }
  return last;  // the last answer (a 5xx/429) or transport error
}

std::string UrlEncode(std::string_view s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

std::string UrlForMessages(std::string_view url) {
  std::string_view u = url.substr(0, url.find('?'));
  // Never echo credentials embedded as user:pass@host.
  const size_t scheme = u.find("://");
  if (scheme != std::string_view::npos) {
    const size_t at = u.find('@', scheme + 3);
    const size_t slash = u.find('/', scheme + 3);
    if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
      return std::string(u.substr(0, scheme + 3)) + std::string(u.substr(at + 1));
    }
  }
  return std::string(u);
}

}  // namespace icesync::io
