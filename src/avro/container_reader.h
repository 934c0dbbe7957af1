#pragma once
// Reads Avro object container files: codecs null, deflate, zstandard and snappy (raw
// snappy block followed by the big-endian CRC32 of the uncompressed data). Every length is
// bounds-checked; a malformed file gives a Corrupt status naming it.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "avro/datum.h"
#include "avro/schema.h"
#include "core/status.h"

namespace icesync::avro {

struct ContainerFile {
  NodePtr writer_schema;                        // parsed avro.schema
  std::map<std::string, std::string> metadata;  // every key, avro.* included
  std::vector<Datum> records;                   // decoded with the writer schema
};

// Parses a whole file held in memory.
Result<ContainerFile> ParseContainer(std::string_view bytes);
// Reads and parses `path`; errors are prefixed with the path.
Result<ContainerFile> ReadContainerFile(const std::string& path);

}  // namespace icesync::avro
