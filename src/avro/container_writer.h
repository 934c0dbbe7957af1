#pragma once
// Writes Avro object container files (Avro spec, "Object Container Files"): magic, file
// metadata (user keys plus avro.schema and avro.codec), a random 16-byte sync marker, then
// blocks of records each followed by the marker. Codecs: null and deflate.
//
// The file is assembled in memory (manifests and manifest lists are small) and created by
// WriteNewFile: a complete temp file linked into place, so the path appears only complete
// and an existing file is never replaced.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "avro/datum.h"
#include "avro/schema.h"
#include "core/status.h"

namespace icesync::avro {

enum class Codec { kNull, kDeflate, kZstd, kSnappy };
const char* CodecName(Codec c);

class ContainerWriter {
 public:
  // `metadata`: user key/values, written in this order before avro.schema and avro.codec.
  ContainerWriter(NodePtr schema, std::vector<std::pair<std::string, std::string>> metadata,
                  Codec codec = Codec::kDeflate, size_t records_per_block = 4096);

  const Node& schema() const { return *schema_; }
  // Validates the datum against the schema (InvalidArgument when it does not fit).
  Status Append(const Datum& record);
  size_t num_records() const { return num_records_; }
  // Flushes the last block and returns the complete file bytes. Call once.
  Result<std::string> Finish();

 private:
  Status FlushBlock();

  NodePtr schema_;
  Codec codec_;
  size_t records_per_block_;
  std::string out_;
  std::string sync_;
  std::string block_;
  size_t block_records_ = 0;
  size_t num_records_ = 0;
};


}  // namespace icesync::avro
