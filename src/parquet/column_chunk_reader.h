#pragma once
// Reads one column chunk: walks its pages (dictionary, data v1, data v2), checks CRCs when
// asked, decompresses, decodes levels and values into a LeafData for record assembly.
#include <string>

#include "parquet/byte_source.h"
#include "parquet/file_schema.h"
#include "parquet/metadata.h"
#include "parquet/record_assembler.h"

namespace icesync::parquet {

struct ColumnReadOptions {
  bool verify_checksums = false;
};

// `expected_rows` is the row group's num_rows (bounds the levels of non-repeated columns).
// `context` ("file.parquet, row group 2") prefixes error messages.
Status ReadColumnChunk(const ByteSource& source, const ColumnChunk& chunk, const LeafColumn& leaf,
                       int64_t expected_rows, const ColumnReadOptions& options, const std::string& context,
                       LeafData* out);

}  // namespace icesync::parquet
