#include "parquet/dictionary.h"

#include "parquet/encoding_plain.h"

namespace icesync::parquet {

uint64_t HashBytes(const char* p, size_t n) {
  // 8 bytes at a time, mixed by multiplication; quality is ample for a probing table.
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ HashInt(w)) * 0x9E3779B97F4A7C15ULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ HashInt(w)) * 0x9E3779B97F4A7C15ULL;
  }
  return HashInt(h);
}

uint32_t BytesDictionary::GetOrInsert(std::string_view v, bool* inserted) {
  uint64_t h = HashBytes(v.data(), v.size());
  size_t slot = h & mask_;
  while (true) {
    uint32_t e = slots_[slot];
    if (e == 0) break;
    if (hashes_[e - 1] == h && value(e - 1) == v) {
      *inserted = false;
      return e - 1;
    }
    slot = (slot + 1) & mask_;
  }
  data_.append(v.data(), v.size());
  offsets_.push_back(data_.size());
  hashes_.push_back(h);
  uint32_t index = static_cast<uint32_t>(size() - 1);
  slots_[slot] = index + 1;
  *inserted = true;
  if (size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return index;
}

void BytesDictionary::Rehash(size_t capacity) {
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (size_t i = 0; i < hashes_.size(); ++i) {
    size_t slot = hashes_[i] & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<uint32_t>(i + 1);
  }
}

void BytesDictionary::AppendPlain(std::string* out) const {
  if (fixed_length_ > 0) {
    out->append(data_);
    return;
  }
  out->reserve(out->size() + plain_bytes());
  for (size_t i = 0; i < size(); ++i) AppendByteArray(value(i), out);
}

void BytesDictionary::Clear() {
  data_.clear();
  offsets_.assign(1, 0);
  hashes_.clear();
  Rehash(1024);
}

}  // namespace icesync::parquet
