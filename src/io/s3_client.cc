#include "io/s3_client.h"

#include <algorithm>

#include "io/s3_xml.h"

namespace icesync::io {

S3Client::S3Client(S3Config config, HttpRetryPolicy retry) : config_(std::move(config)), retry_(retry) {}

std::unique_ptr<HttpClient> S3Client::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<HttpClient> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return std::make_unique<HttpClient>(retry_);
}

void S3Client::Return(std::unique_ptr<HttpClient> client) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(client));
}

Result<HttpResponse> S3Client::Send(S3Request request) {
  HttpRequest http;
  http.method = std::move(request.method);
  http.url = config_.ObjectUrl(request.bucket, request.key);
  std::sort(request.query.begin(), request.query.end());
  for (size_t i = 0; i < request.query.size(); ++i) {
    // "name=" also for flags like ?uploads: SigV4's canonical query always has the '='.
    http.url += (i == 0 ? "?" : "&") + UrlEncode(request.query[i].first) + "=" + UrlEncode(request.query[i].second);
  }
  http.headers = std::move(request.headers);
  if (http.method == "PUT") {
    // libcurl would label the bytes a form (application/x-www-form-urlencoded), and S3 keeps
    // an object's Content-Type.
    http.headers.emplace_back("Content-Type", "application/octet-stream");
  }
  http.body = std::move(request.body);
  http.fresh_connection = request.fresh_connection;
  if (!config_.credentials.empty()) {
    http.aws_sigv4 = "aws:amz:" + config_.region + ":s3";
    http.aws_access_key = config_.credentials.access_key_id;
    http.aws_secret_key = config_.credentials.secret_access_key;
    http.aws_session_token = config_.credentials.session_token;
    http.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  }
  std::unique_ptr<HttpClient> client = Borrow();
  Result<HttpResponse> response = client->Send(http);
  Return(std::move(client));
  return response;
}

Status S3Client::ErrorFor(const HttpResponse& response, std::string_view action, const std::string& location) const {
  // HEAD answers have no body: the status alone decides.
  const std::string code = s3xml::Text(response.body, "Code");
  const std::string message = s3xml::Text(response.body, "Message");
  const Result<S3Location> parsed = ParseS3Location(location);
  const std::string bucket = parsed.ok() ? parsed->bucket : location;
  const std::string endpoint = config_.endpoint.empty() ? "AWS S3 (" + config_.region + ")" : config_.endpoint;
  if (code == "NoSuchBucket") {
    return NotFound("{} {}: bucket '{}' does not exist at {}: check the location, or AWS_ENDPOINT_URL / AWS_REGION",
                    action, location, bucket, endpoint);
  }
  if (response.status == 404 && code != "NoSuchUpload") {
    return NotFound("{} {}: no such object", action, location);
  }
  if (response.status == 403 || code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" ||
      code == "InvalidToken" || code == "ExpiredToken" || code == "AccessDenied") {
    const std::string what = code.empty() ? "access denied (403)" : code;
    return IOError(
        "{} {}: S3 refused the request: {}{}. Credentials in use: {}. Check AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or AWS_PROFILE and its entry in ~/.aws/credentials), "
        "AWS_REGION, and that they may access bucket '{}'",
        action, location, what, message.empty() ? "" : " (" + message + ")", config_.credentials_source, bucket);
  }
  if (response.status == 301 || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed") {
    const std::string* real = response.Header("x-amz-bucket-region");
    return IOError("{} {}: bucket '{}' is not in region {}{}: set AWS_REGION{}", action, location, bucket, config_.region,
                   real ? " but in " + *real : "", real ? "=" + *real : "");
  }
  return IOError("{} {}: S3 answered {}{}{}", action, location, response.status, code.empty() ? "" : " " + code,
                 message.empty() ? "" : ": " + message);
}

}  // namespace icesync::io
