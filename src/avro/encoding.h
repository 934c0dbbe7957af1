#pragma once
// Avro binary encoding (Avro spec, "Binary Encoding"): zig-zag varints for int/long,
// little-endian IEEE floats, length-prefixed bytes/strings, blocked arrays and maps,
// union branch index then value.
//
// Decoding is bounds-checked: every length and count is checked against the bytes left
// before anything is allocated, so a corrupt or truncated input yields a Corrupt status,
// never a crash or an unbounded allocation.
#include <cstdint>
#include <string>
#include <string_view>

#include "avro/datum.h"
#include "avro/schema.h"
#include "core/status.h"

namespace icesync::avro {

class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  Result<int64_t> ReadLong();
  Result<int32_t> ReadInt();
  Result<std::string_view> ReadBytes();              // length-prefixed
  Result<std::string_view> ReadFixed(size_t size);   // raw
  Result<float> ReadFloat();
  Result<double> ReadDouble();
  Result<bool> ReadBool();

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void EncodeLong(int64_t v, std::string* out);
void EncodeBytes(std::string_view v, std::string* out);

// Decodes one value written with `schema`.
Result<Datum> DecodeDatum(Decoder& in, const Node& schema);
// Encodes `datum` as `schema`; InvalidArgument when the datum does not fit the schema.
Status EncodeDatum(const Datum& datum, const Node& schema, std::string* out);

}  // namespace icesync::avro
