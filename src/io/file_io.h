#pragma once
// FileIO: the one way icesync reads and writes the files of a table, wherever they live.
//
// A location is a string: a local path ("/wh/db/t/data/x.parquet", or "file:///wh/..."), or an
// object-store URI ("s3://bucket/prefix/db/t/data/x.parquet"; s3a:// and s3n:// are the same
// store). ForLocation() picks the implementation by scheme, so the Parquet, Avro and metadata
// code never branch on where a file is.
//
// Invariants every implementation keeps:
//   - An output is visible under its final name only when Finish() returned OK: a local file is
//     written to a temporary name and renamed; an object is uploaded in one PUT or a multipart
//     upload completed at Finish(). Abort() (or destroying an unfinished output) leaves nothing.
//   - WriteNew() never replaces an existing file: a second writer of the same name gets
//     AlreadyExists. Locally that is link(); on object storage it is a conditional PUT
//     (If-None-Match: *), which not every store honours: SupportsExclusiveCreate() says
//     whether it holds, and callers that need it (the filesystem catalog's commit) refuse
//     stores where it does not.
//   - Deleting a file that does not exist is not an error (deletes are retried after crashes).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icesync::io {

// Random-access input: only the ranges asked for are read (a Parquet footer, a column chunk).
class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `length` bytes at `offset`; Corrupt if the range is outside the input.
  virtual Status ReadAt(uint64_t offset, uint64_t length, std::string* out) const = 0;
  // The same into out[0, length), for callers that keep a buffer (nothing is zero-filled).
  virtual Status ReadInto(uint64_t offset, uint64_t length, uint8_t* out) const {
    std::string bytes;
    RETURN_IF_ERROR(ReadAt(offset, length, &bytes));
    if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
    return Status::OK();
  }
  // The input's name for messages (its location).
  virtual const std::string& name() const = 0;
};

// Sequential output that appears under its name only when finished (see above).
class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual Status Write(const char* data, size_t length) = 0;
  // Makes the file durable and visible under its name. Nothing may be written after it.
  virtual Status Finish() = 0;
  // Drops everything written; safe to call more than once and after a failed Finish().
  virtual void Abort() = 0;
  virtual const std::string& name() const = 0;
};

struct FileInfo {
  std::string location;    // full location, same form as the listed prefix
  uint64_t size = 0;
  int64_t modified_ms = 0;  // last modification, ms since the epoch
};

class FileIO {
 public:
  virtual ~FileIO() = default;

  virtual Result<std::unique_ptr<InputFile>> OpenInput(const std::string& location) = 0;
  // Parent "directories" are created as needed (nothing to create on object storage).
  virtual Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& location) = 0;

  // Whole small files (metadata, manifests, hints).
  virtual Result<std::string> ReadAll(const std::string& location);
  // Publishes `contents` as a new file; AlreadyExists (naming it) if it exists.
  virtual Status WriteNew(const std::string& location, std::string_view contents) = 0;
  // Creates or replaces `location` with `contents` in one step (a reader sees old or new).
  virtual Status WriteReplace(const std::string& location, std::string_view contents) = 0;
  // Whether WriteNew() really refuses an existing file on this store (see above).
  virtual Result<bool> SupportsExclusiveCreate(const std::string& location) = 0;

  // NotFound-free existence check.
  virtual Result<bool> Exists(const std::string& location) = 0;
  virtual Status Delete(const std::string& location) = 0;
  // Files under `prefix` (a directory: a trailing '/' is implied), recursively, sorted by
  // location. A prefix with nothing under it is an empty list.
  virtual Result<std::vector<FileInfo>> List(const std::string& prefix) = 0;
};

// The FileIO for a location: local paths and file: URIs, or s3:// s3a:// s3n:// (configured
// once per process from the environment: see io/s3_config.h). Unsupported for other schemes
// (gs://, abfs://, hdfs://), naming the location.
Result<FileIO*> ForLocation(std::string_view location);

// Shorthands: the same operations through ForLocation(location).
Result<std::string> ReadFileAt(const std::string& location);
Status WriteNewAt(const std::string& location, std::string_view contents);
Status ReplaceAt(const std::string& location, std::string_view contents);
Result<bool> ExistsAt(const std::string& location);
Status DeleteAt(const std::string& location);
Result<std::vector<FileInfo>> ListAt(const std::string& prefix);

// True for "s3://...", "gs://...", "hdfs://..." etc. ("file:" URIs are local).
bool HasRemoteScheme(std::string_view location);
// True for the schemes ForLocation() serves as object storage (s3, s3a, s3n).
bool IsObjectStoreLocation(std::string_view location);
// Strips a local-file scheme: "file:///a/b" and "file:/a/b" -> "/a/b"; other strings unchanged.
std::string StripFileScheme(std::string_view location);
// Joins a location and a relative name with exactly one '/'.
std::string JoinLocation(std::string_view base, std::string_view name);

}  // namespace icesync::io
