#include "avro/container_reader.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "avro/encoding.h"
#include "io/file_io.h"

namespace icesync::avro {
namespace {

// No block of a manifest comes near this; the cap keeps a corrupt or hostile file from
// making us allocate without bound.
constexpr size_t kMaxBlockBytes = size_t{256} << 20;

Result<std::string> Inflate(std::string_view in) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Internal("inflateInit2 failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t old = out.size();
    size_t grow = std::max<size_t>(in.size() * 4, 4096);
    if (old + grow > kMaxBlockBytes) grow = kMaxBlockBytes - old;
    if (grow == 0) {
      inflateEnd(&zs);
      return Corrupt("deflate block inflates beyond {} bytes", kMaxBlockBytes);
    }
    out.resize(old + grow);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    zs.avail_out = static_cast<uInt>(grow);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + grow - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_out == 0)) {
      inflateEnd(&zs);
      return Corrupt("invalid deflate block ({})", zs.msg ? zs.msg : "truncated");
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Corrupt("truncated deflate block");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> Unzstd(std::string_view in) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  if (!ds) return Internal("ZSTD_createDStream failed");
  ZSTD_initDStream(ds);
  std::string out;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t rc = 1;
  while (true) {
    size_t old = out.size();
    size_t grow = std::max<size_t>(ZSTD_DStreamOutSize(), in.size() * 4);
    if (old + grow > kMaxBlockBytes) grow = kMaxBlockBytes - old;
    if (grow == 0) {
      ZSTD_freeDStream(ds);
      return Corrupt("zstandard block decompresses beyond {} bytes", kMaxBlockBytes);
    }
    out.resize(old + grow);
    ZSTD_outBuffer ob{out.data() + old, grow, 0};
    rc = ZSTD_decompressStream(ds, &ob, &ib);
    out.resize(old + ob.pos);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDStream(ds);
      return Corrupt("invalid zstandard block: {}", ZSTD_getErrorName(rc));
    }
    if (rc == 0 && ib.pos == ib.size) break;  // frame(s) complete, input consumed
    if (ib.pos == ib.size && ob.pos < grow) {
      ZSTD_freeDStream(ds);
      return Corrupt("truncated zstandard block");
    }
  }
  ZSTD_freeDStream(ds);
  return out;
}

Result<std::string> Unsnappy(std::string_view in) {
  if (in.size() < 4) return Corrupt("snappy block shorter than its CRC32");
  std::string_view body = in.substr(0, in.size() - 4);
  size_t len = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &len) || len > kMaxBlockBytes)
    return Corrupt("invalid snappy block header");
  std::string out;
  if (!snappy::Uncompress(body.data(), body.size(), &out)) return Corrupt("invalid snappy block");
  const auto* c = reinterpret_cast<const unsigned char*>(in.data() + body.size());
  uint32_t expected = (uint32_t{c[0]} << 24) | (uint32_t{c[1]} << 16) | (uint32_t{c[2]} << 8) | c[3];
  uint32_t actual = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  if (expected != actual) return Corrupt("snappy block CRC32 mismatch");
  return out;
}

}  // namespace

Result<ContainerFile> ParseContainer(std::string_view bytes) {
  if (bytes.size() < 4 || bytes.substr(0, 4) != std::string_view("Obj\x01", 4))
    return Corrupt("not an Avro object container file (bad magic)");
  Decoder in(bytes.substr(4));
  ContainerFile file;
  // File metadata: an Avro map<bytes>.
  for (;;) {
    ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count == 0) break;
    if (count < 0) {
      if (count == INT64_MIN) return Corrupt("bad metadata block count");
      count = -count;
      RETURN_IF_ERROR(in.ReadLong());
    }
    if (static_cast<uint64_t>(count) > in.remaining() / 2) return Corrupt("metadata block count {} exceeds the file", count);
    for (int64_t i = 0; i < count; ++i) {
      ASSIGN_OR_RETURN(std::string_view k, in.ReadBytes());
      ASSIGN_OR_RETURN(std::string_view v, in.ReadBytes());
      file.metadata[std::string(k)] = std::string(v);
    }
  }
  ASSIGN_OR_RETURN(std::string_view sync, in.ReadFixed(16));
  auto schema_it = file.metadata.find("avro.schema");
  if (schema_it == file.metadata.end()) return Corrupt("no avro.schema in the file metadata");
  auto schema = ParseSchema(schema_it->second);
  if (!schema.ok()) return schema.status().WithContext("avro.schema");
  file.writer_schema = *schema;
  std::string codec = "null";
  if (auto c = file.metadata.find("avro.codec"); c != file.metadata.end() && !c->second.empty()) codec = c->second;
  if (codec != "null" && codec != "deflate" && codec != "zstandard" && codec != "snappy")
    return Unsupported("Avro codec \"{}\" is not supported (null, deflate, zstandard, snappy are)", codec);

  int block_index = 0;
  while (!in.at_end()) {
    ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    ASSIGN_OR_RETURN(int64_t size, in.ReadLong());
    if (count < 0 || size < 0 || static_cast<uint64_t>(size) > in.remaining())
      return Corrupt("block {}: count {} / size {} out of range (file truncated?)", block_index, count, size);
    ASSIGN_OR_RETURN(std::string_view raw, in.ReadFixed(static_cast<size_t>(size)));
    ASSIGN_OR_RETURN(std::string_view marker, in.ReadFixed(16));
    if (marker != sync) return Corrupt("block {}: sync marker mismatch", block_index);
    std::string decompressed;
    std::string_view data = raw;
    if (codec != "null") {
      Result<std::string> r = codec == "deflate"     ? Inflate(raw)
                              : codec == "zstandard" ? Unzstd(raw)
                                                     : Unsnappy(raw);
      if (!r.ok()) return r.status().WithContext(fmt::format("block {}", block_index));
      decompressed = std::move(r).value();
      data = decompressed;
    }
    Decoder block(data);
    // A record takes at least one byte unless the schema is empty; cap counts either way.
    if (static_cast<uint64_t>(count) > data.size() + (int64_t{1} << 20))
      return Corrupt("block {}: {} records cannot fit in {} bytes", block_index, count, data.size());
    file.records.reserve(file.records.size() + static_cast<size_t>(std::min<int64_t>(count, data.size() + 1)));
    for (int64_t i = 0; i < count; ++i) {
      auto d = DecodeDatum(block, *file.writer_schema);
      if (!d.ok()) return d.status().WithContext(fmt::format("block {} record {}", block_index, i));
      file.records.push_back(std::move(d).value());
    }
    if (!block.at_end()) return Corrupt("block {}: {} bytes left after {} records", block_index, block.remaining(), count);
    ++block_index;
  }
  return file;
}

Result<ContainerFile> ReadContainerFile(const std::string& path) {
  Result<std::string> bytes = io::ReadFileAt(path);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound) return NotFound("cannot open {}", path);
    return bytes.status();
  }
  auto r = ParseContainer(*bytes);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

}  // namespace icesync::avro
