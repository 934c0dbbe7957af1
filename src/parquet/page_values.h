#pragma once
// The values of one data page, handed out in order a run at a time: a batch takes the
// values of its rows, the next batch continues where it stopped. PLAIN and dictionary
// pages (what most writers produce) are decoded as they are taken, straight into the
// caller's buffer; the other encodings are decoded whole when the page starts and then
// copied out in runs.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parquet/decoded_values.h"
#include "parquet/metadata.h"
#include "parquet/rle.h"
#include "parquet/value_decoders.h"

namespace icesync::parquet {

class PageValues {
 public:
  // Starts on a page of `n` present values encoded with `encoding` in `data`, which must
  // stay valid (and unchanged) until they are all taken. `dictionary` is the chunk's
  // dictionary, nullptr when it has none. Errors carry no context: the caller adds the
  // file and column. Buffers are kept from the previous page.
  Status Start(Encoding encoding, std::string_view data, int64_t n, ValueLayout layout,
               const DecodedValues* dictionary);

  // Values not taken yet.
  int64_t remaining() const { return remaining_; }
  // Appends the next n values (n <= remaining()) to *out, which has the layout's width.
  Status Take(int64_t n, DecodedValues* out);

 private:
  enum class Mode { kPlainFixed, kPlainBoolean, kPlainBytes, kDictionary, kDecoded };

  Status StartDictionary(std::string_view data, const DecodedValues* dictionary);
  Status TakeDictionary(int64_t n, DecodedValues* out);
  Status TakePlainBytes(int64_t n, DecodedValues* out);

  Mode mode_ = Mode::kDecoded;
  ValueLayout layout_;
  std::string_view data_;
  int64_t remaining_ = 0;
  // kPlainFixed / kPlainBoolean / kDecoded: index of the next value; kPlainBytes: byte
  // offset in data_ of the next value's length.
  int64_t next_ = 0;
  // kDictionary: the index stream and the dictionary it indexes.
  RleDecoder indices_;
  const DecodedValues* dictionary_ = nullptr;
  std::vector<uint32_t> index_buffer_;
  // kDecoded: the whole page's values.
  DecodedValues decoded_;
};

}  // namespace icesync::parquet
