#include "io/s3_output_file.h"

#include <algorithm>

#include "io/s3_xml.h"

namespace icesync::io {

S3OutputFile::S3OutputFile(S3Client* client, S3Location location, uint64_t part_size, int parts_in_flight)
    : client_(client),
      location_(std::move(location)),
      name_(location_.ToString()),
      part_size_(part_size),
      parts_in_flight_(static_cast<size_t>(std::max(1, parts_in_flight))) {}

S3OutputFile::~S3OutputFile() {
  if (!done_) Abort();
}

Status S3OutputFile::Fail(Status st) {
  if (error_.ok()) error_ = st;
  Abort();
  return st;
}

Status S3OutputFile::Write(const char* data, size_t length) {
  if (!error_.ok()) return error_;
  if (done_) return Internal("writing {}: the output was already finished or aborted", name_);
  buffer_.append(data, length);
  if (buffer_.size() >= part_size_) {
    if (upload_id_.empty()) {
      Status st = StartUpload();
      if (!st.ok()) return Fail(st);
    }
    Status st = UploadPart();
    if (!st.ok()) return Fail(st);
  }
  return Status::OK();
}

Status S3OutputFile::StartUpload() {
  ASSIGN_OR_RETURN(HttpResponse r, client_->Send({.method = "POST", .bucket = location_.bucket, .key = location_.key,
                                                  .query = {{"uploads", ""}},
                                                  // the object's type, as a PUT's would be
                                                  .headers = {{"Content-Type", "application/octet-stream"}}}));
  if (r.status != 200) return client_->ErrorFor(r, "starting a multipart upload of", name_);
  upload_id_ = s3xml::Text(r.body, "UploadId");
  if (upload_id_.empty()) return IOError("starting a multipart upload of {}: S3's answer has no UploadId", name_);
  return Status::OK();
}

Status S3OutputFile::UploadPart() {
  while (in_flight_.size() >= parts_in_flight_) RETURN_IF_ERROR(WaitForOldestPart());
  const std::string part_number = std::to_string(++parts_started_);
  // The task owns copies of what it needs: it may outlive a failed Write (Abort waits for it).
  in_flight_.push_back(std::async(
      std::launch::async, [client = client_, location = location_, upload_id = upload_id_, part_number,
                           body = std::move(buffer_)]() mutable -> Result<std::string> {
        const std::string name = location.ToString();
        ASSIGN_OR_RETURN(HttpResponse r,
                         client->Send({.method = "PUT", .bucket = location.bucket, .key = location.key,
                                       .query = {{"partNumber", part_number}, {"uploadId", upload_id}},
                                       .body = std::move(body)}));
        if (r.status != 200) return client->ErrorFor(r, "uploading part " + part_number + " of", name);
        const std::string* etag = r.Header("etag");
        if (etag == nullptr) return IOError("uploading part {} of {}: S3's answer has no ETag", part_number, name);
        return *etag;
      }));
  // A multipart output fills more parts: grow the next buffer once, not by doubling.
  buffer_.clear();
  buffer_.reserve(part_size_);
  return Status::OK();
}

Status S3OutputFile::WaitForOldestPart() {
  Result<std::string> etag = in_flight_.front().get();
  in_flight_.pop_front();
  if (!etag.ok()) return etag.status();
  etags_.push_back(std::move(*etag));
  return Status::OK();
}

Status S3OutputFile::WaitForAllParts() {
  Status first;
  while (!in_flight_.empty()) {
    Status st = WaitForOldestPart();
    if (first.ok() && !st.ok()) first = st;
  }
  return first;
}

Status S3OutputFile::Complete() {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags_.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + s3xml::Escape(etags_[i]) +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  ASSIGN_OR_RETURN(HttpResponse r, client_->Send({.method = "POST", .bucket = location_.bucket, .key = location_.key,
                                                  .query = {{"uploadId", upload_id_}},
                                                  .headers = {{"Content-Type", "application/xml"}},
                                                  .body = std::move(xml),
                                                  // Re-sent by libcurl after it landed, it would
                                                  // answer NoSuchUpload for a finished object.
                                                  .fresh_connection = true}));
  // S3 may answer 200 and still fail: the error is then in the body.
  if (r.status != 200 || !s3xml::Elements(r.body, "Error").empty()) {
    if (r.status == 200) r.status = 500;
    return client_->ErrorFor(r, "completing the multipart upload of", name_);
  }
  return Status::OK();
}

Status S3OutputFile::Finish() {
  if (!error_.ok()) return error_;
  if (done_) return Internal("finishing {}: the output was already finished or aborted", name_);
  if (upload_id_.empty()) {
    ASSIGN_OR_RETURN(HttpResponse r, client_->Send({.method = "PUT", .bucket = location_.bucket,
                                                    .key = location_.key, .body = std::move(buffer_)}));
    buffer_.clear();
    if (r.status != 200) return Fail(client_->ErrorFor(r, "writing", name_));
  } else {
    // The last part may be short (S3 allows it); an empty rest adds no part.
    if (!buffer_.empty()) {
      Status st = UploadPart();
      if (!st.ok()) return Fail(st);
    }
    Status st = WaitForAllParts();
    if (st.ok()) st = Complete();
    if (!st.ok()) return Fail(st);
    upload_id_.clear();  // completed: nothing for a later Abort() to abort
  }
  done_ = true;
  std::string().swap(buffer_);
  return Status::OK();
}

void S3OutputFile::Abort() {
  done_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  // Parts still uploading would otherwise land after the abort and stay stored.
  (void)WaitForAllParts();
  if (upload_id_.empty()) return;
  const std::string upload_id = std::exchange(upload_id_, "");
  // Best effort: Abort() cannot fail, and an unaborted upload is invisible anyway (see header).
  (void)client_->Send({.method = "DELETE", .bucket = location_.bucket, .key = location_.key,
                       .query = {{"uploadId", upload_id}}});
}

}  // namespace icesync::io
