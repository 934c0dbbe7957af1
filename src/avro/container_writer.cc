#include "avro/container_writer.h"

#include <zlib.h>

#include <random>

#include "avro/encoding.h"

namespace icesync::avro {
namespace {

std::string RandomBytes(size_t n) {
  std::random_device rd;
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rd() & 0xff);
  return s;
}

Result<std::string> Deflate(const std::string& in) {
  z_stream zs{};
  // Avro's deflate codec is raw RFC 1951 data: negative window bits, no zlib header.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Internal("deflateInit2 failed");
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("deflate failed ({})", rc);
  out.resize(produced);
  return out;
}

}  // namespace

const char* CodecName(Codec c) {
  switch (c) {
    case Codec::kNull: return "null";
    case Codec::kDeflate: return "deflate";
    case Codec::kZstd: return "zstandard";
    case Codec::kSnappy: return "snappy";
  }
  return "?";
}

ContainerWriter::ContainerWriter(NodePtr schema, std::vector<std::pair<std::string, std::string>> metadata,
                                 Codec codec, size_t records_per_block)
    : schema_(std::move(schema)), codec_(codec), records_per_block_(records_per_block ? records_per_block : 1) {
  // Only null and deflate are written (zstd/snappy are read-only here).
  if (codec_ != Codec::kNull && codec_ != Codec::kDeflate) codec_ = Codec::kDeflate;
  sync_ = RandomBytes(16);
  out_ = std::string("Obj\x01", 4);
  metadata.emplace_back("avro.schema", SchemaToString(*schema_));
  metadata.emplace_back("avro.codec", CodecName(codec_));
  EncodeLong(static_cast<int64_t>(metadata.size()), &out_);
  for (const auto& [k, v] : metadata) {
    EncodeBytes(k, &out_);
    EncodeBytes(v, &out_);
  }
  EncodeLong(0, &out_);
  out_ += sync_;
}

Status ContainerWriter::Append(const Datum& record) {
  RETURN_IF_ERROR(EncodeDatum(record, *schema_, &block_));
  ++block_records_;
  ++num_records_;
  if (block_records_ >= records_per_block_) return FlushBlock();
  return Status::OK();
}

Status ContainerWriter::FlushBlock() {
  if (block_records_ == 0) return Status::OK();
  std::string payload;
  if (codec_ == Codec::kDeflate) {
    ASSIGN_OR_RETURN(payload, Deflate(block_));
  } else {
    payload = std::move(block_);
  }
  EncodeLong(static_cast<int64_t>(block_records_), &out_);
  EncodeLong(static_cast<int64_t>(payload.size()), &out_);
  out_ += payload;
  out_ += sync_;
  block_.clear();
  block_records_ = 0;
  return Status::OK();
}

Result<std::string> ContainerWriter::Finish() {
  RETURN_IF_ERROR(FlushBlock());
  return std::move(out_);
}

}  // namespace icesync::avro
