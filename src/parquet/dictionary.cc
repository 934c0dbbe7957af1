#include "parquet/dictionary.h"

#include "parquet/encoding_plain.h"

namespace icesync::parquet {

namespace {

uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
uint64_t Load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
// 64x64 -> 128-bit multiply folded to 64 bits: one instruction mixes all input bits.
uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
constexpr uint64_t kK0 = 0xa0761d6478bd642fULL, kK1 = 0xe7037ed1a0b428dbULL, kK2 = 0x8ebc6af09c88c6e3ULL;

// Equality of n bytes, 8 at a time (the strings are short: a libc call costs more).
bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
      if (Load64(a + i) != Load64(b + i)) return false;
    }
    return Load64(a + n - 8) == Load64(b + n - 8);  // the tail, overlapping
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

uint64_t HashBytes(const char* p, size_t n) {
  // wyhash-style: 16 bytes per folded multiply; the last 1-16 bytes are read as two
  // (possibly overlapping) words. Quality is ample for a probing table.
  uint64_t h = kK0 ^ (n * kK1);
  while (n > 16) {
    h = Fold(Load64(p) ^ kK1, Load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) | (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) |
        static_cast<uint8_t>(p[n - 1]);
  }
  return Fold(a ^ kK2, b ^ h);
}

uint32_t BytesDictionary::GetOrInsert(std::string_view v, uint32_t h, bool* inserted) {
  size_t slot = h & mask_;
  while (true) {
    const Slot s = slots_[slot];
    if (s.index_plus_1 == 0) break;
    if (s.hash == h) {
      const size_t e = s.index_plus_1 - 1;
      const size_t begin = offsets_[e];
      if (offsets_[e + 1] - begin == v.size() && SameBytes(data_.data() + begin, v.data(), v.size())) {
        *inserted = false;
        return static_cast<uint32_t>(e);
      }
    }
    slot = (slot + 1) & mask_;
  }
  data_.append(v.data(), v.size());
  offsets_.push_back(data_.size());
  uint32_t index = static_cast<uint32_t>(size() - 1);
  slots_[slot] = Slot{index + 1, h};
  *inserted = true;
  if (size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return index;
}

void BytesDictionary::Rehash(size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{0, 0});
  mask_ = capacity - 1;
  for (const Slot& s : old) {
    if (s.index_plus_1 == 0) continue;
    size_t slot = s.hash & mask_;
    while (slots_[slot].index_plus_1 != 0) slot = (slot + 1) & mask_;
    slots_[slot] = s;
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
  slots_.clear();
  Rehash(1024);
}

}  // namespace icesync::parquet
