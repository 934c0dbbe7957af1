#pragma once
// Reads one column chunk: walks its pages (dictionary, data v1, data v2), checks CRCs when
// asked, decompresses, decodes levels and values into a LeafData for record assembly.
#include <string>
#include <vector>

#include "parquet/byte_source.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"
#include "parquet/record_assembler.h"

namespace icesync::parquet {

struct ColumnReadOptions {
  bool verify_checksums = false;
};

// Scratch buffers of chunk decoding, reused from one column chunk to the next so that each
// chunk does not allocate (and fault in) its buffers afresh.
struct ChunkBuffers {
  std::string chunk;                // the column chunk's bytes as read from the file
  std::string page;                 // one decompressed page
  std::vector<uint32_t> indices;    // RLE output: levels, dictionary indices, booleans
};

// `expected_rows` is the row group's num_rows (bounds the levels of non-repeated columns).
// `context` ("file.parquet, row group 2") prefixes error messages.
Status ReadColumnChunk(const ByteSource& source, const ColumnChunk& chunk, const LeafColumn& leaf,
                       int64_t expected_rows, const ColumnReadOptions& options, const std::string& context,
                       ChunkBuffers* buffers, LeafData* out);

}  // namespace icesync::parquet
