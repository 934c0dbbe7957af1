#include "io/s3_file_io.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

#include <unistd.h>

#include "io/s3_input_file.h"
#include "io/s3_output_file.h"
#include "io/s3_xml.h"

namespace icesync::io {
namespace {

// "2024-01-01T12:34:56.789Z" (ListObjectsV2's LastModified) -> ms since the epoch; 0 if malformed.
int64_t ParseIsoMillis(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6) {
    return 0;
  }
  const size_t dot = s.find('.');
  if (dot != std::string::npos) {
    int digits = 0;
    for (size_t i = dot + 1; i < s.size() && digits < 3 && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
      ms = ms * 10 + (s[i] - '0');
    }
    for (; digits < 3; ++digits) ms *= 10;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string ProbeName() {
  std::random_device rd;
  char buf[64];
  std::snprintf(buf, sizeof(buf), ".icesync-probe-%d-%08x%08x", static_cast<int>(getpid()), rd(), rd());
  return buf;
}

}  // namespace

S3FileIO::S3FileIO(S3Config config, S3FileIOOptions options)
    : client_(std::move(config), options.retry), options_(options) {}

Result<std::unique_ptr<InputFile>> S3FileIO::OpenInput(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  return S3InputFile::Open(&client_, std::move(loc), options_.tail_bytes);
}

Result<std::unique_ptr<OutputFile>> S3FileIO::CreateOutput(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  return std::unique_ptr<OutputFile>(new S3OutputFile(&client_, std::move(loc), options_.part_size, options_.parts_in_flight));
}

Result<std::string> S3FileIO::ReadAll(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send({.method = "GET", .bucket = loc.bucket, .key = loc.key}));
  if (r.status != 200) return client_.ErrorFor(r, "reading", location);
  return std::move(r.body);
}

Status S3FileIO::WriteNew(const std::string& location, std::string_view contents) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send({.method = "PUT", .bucket = loc.bucket, .key = loc.key,
                                                 .headers = {{"If-None-Match", "*"}},
                                                 .body = std::string(contents)}));
  if (r.status == 200) return Status::OK();
  const bool exists = r.status == 412 || (r.status == 409 && s3xml::Text(r.body, "Code") == "ConditionalRequestConflict");
  if (!exists) return client_.ErrorFor(r, "writing", location);
  // Our own earlier attempt may be what exists (see header): same bytes, same write.
  Result<std::string> now = ReadAll(location);
  if (now.ok() && *now == contents) return Status::OK();
  return AlreadyExists("{} already exists: another writer created it first", location);
}

Status S3FileIO::WriteReplace(const std::string& location, std::string_view contents) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send({.method = "PUT", .bucket = loc.bucket, .key = loc.key,
                                                 .body = std::string(contents)}));
  if (r.status != 200) return client_.ErrorFor(r, "writing", location);
  return Status::OK();
}

Result<bool> S3FileIO::SupportsExclusiveCreate(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  // Held across the probe: other callers for the bucket wait for its one answer.
  std::lock_guard<std::mutex> lock(probe_mu_);
  auto it = exclusive_create_.find(loc.bucket);
  if (it != exclusive_create_.end()) return it->second;
  ASSIGN_OR_RETURN(bool supported, ProbeExclusiveCreate(loc));
  exclusive_create_[loc.bucket] = supported;
  return supported;
}

Result<bool> S3FileIO::ProbeExclusiveCreate(const S3Location& location) {
  // Beside the location (its "directory"): a file location ("…/metadata/v3.metadata.json") and a
  // prefix ("…/metadata/") both probe in …/metadata/, where the caller is about to write.
  S3Location probe = location;
  probe.key.erase(probe.key.rfind('/') == std::string::npos ? 0 : probe.key.rfind('/') + 1);
  probe.key += ProbeName();
  const std::string name = probe.ToString();
  auto put = [&]() {
    return client_.Send({.method = "PUT", .bucket = probe.bucket, .key = probe.key,
                         .headers = {{"If-None-Match", "*"}}, .body = "probe"});
  };
  ASSIGN_OR_RETURN(HttpResponse first, put());
  // 501: the store refuses conditional PUTs outright; it has no exclusive create.
  if (first.status == 501) return false;
  if (first.status != 200) return client_.ErrorFor(first, "probing conditional writes with", name);
  Result<HttpResponse> second = put();
  Status cleanup = Delete(name);
  ASSIGN_OR_RETURN(HttpResponse answer, std::move(second));
  RETURN_IF_ERROR(cleanup);
  if (answer.status == 412 || answer.status == 409) return true;
  if (answer.status == 200 || answer.status == 501) return false;
  return client_.ErrorFor(answer, "probing conditional writes with", name);
}

Result<bool> S3FileIO::Exists(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send({.method = "HEAD", .bucket = loc.bucket, .key = loc.key}));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  return client_.ErrorFor(r, "checking", location);
}

Status S3FileIO::Delete(const std::string& location) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(location));
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send({.method = "DELETE", .bucket = loc.bucket, .key = loc.key}));
  if (r.status == 204 || r.status == 200) return Status::OK();
  // A missing key is fine (deletes are retried after crashes); a missing bucket is not.
  if (r.status == 404 && s3xml::Text(r.body, "Code") != "NoSuchBucket") return Status::OK();
  return client_.ErrorFor(r, "deleting", location);
}

Result<std::vector<FileInfo>> S3FileIO::List(const std::string& prefix) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Location(prefix));
  std::string key_prefix = loc.key;
  if (!key_prefix.empty() && key_prefix.back() != '/') key_prefix += '/';
  std::vector<FileInfo> out;
  std::string token;
  for (;;) {
    S3Request req{.method = "GET", .bucket = loc.bucket, .key = ""};
    req.query = {{"list-type", "2"}, {"max-keys", std::to_string(options_.list_page_size)}};
    if (!key_prefix.empty()) req.query.emplace_back("prefix", key_prefix);
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    ASSIGN_OR_RETURN(HttpResponse r, client_.Send(std::move(req)));
    if (r.status != 200) return client_.ErrorFor(r, "listing", prefix);
    for (std::string_view contents : s3xml::Elements(r.body, "Contents")) {
      std::string key = s3xml::Text(contents, "Key");
      // "dir/" objects are folder markers some tools create, not files.
      if (key.empty() || key.back() == '/') continue;
      FileInfo info;
      info.location = loc.scheme + "://" + loc.bucket + "/" + key;
      info.size = std::strtoull(s3xml::Text(contents, "Size").c_str(), nullptr, 10);
      info.modified_ms = ParseIsoMillis(s3xml::Text(contents, "LastModified"));
      out.push_back(std::move(info));
    }
    if (s3xml::Text(r.body, "IsTruncated") != "true") break;
    std::string next = s3xml::Text(r.body, "NextContinuationToken");
    if (next.empty() || next == token) {
      return IOError("listing {}: S3 said the listing continues but gave no new continuation token", prefix);
    }
    token = std::move(next);
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.location < b.location; });
  return out;
}

Result<FileIO*> S3FileIOForProcess() {
  // Never destroyed: other static objects' destructors (a pipeline torn down at exit) may still
  // reach it.
  static const Result<S3FileIO*> io = []() -> Result<S3FileIO*> {
    Result<S3Config> config = S3ConfigFromEnvironment();
    if (!config.ok()) return config.status().WithContext("configuring S3");
    return new S3FileIO(std::move(*config));
  }();
  if (!io.ok()) return io.status();
  return static_cast<FileIO*>(*io);
}

}  // namespace icesync::io
