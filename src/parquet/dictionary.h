#pragma once
// Hash dictionaries for RLE_DICTIONARY encoding: each distinct value gets the next index.
// Open addressing with linear probing over a power-of-two table of (index + 1), 0 = empty;
// the table is kept at most half full. Values are compared by their bytes, so float keys
// are their bit patterns (-0.0 and 0.0 are distinct entries and round-trip exactly).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace icesync::parquet {

inline uint64_t HashInt(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

uint64_t HashBytes(const char* p, size_t n);

// Values of a fixed-width type T (int32_t, int64_t, float, double), keyed by bit pattern.
template <typename T>
class FixedDictionary {
 public:
  FixedDictionary() { Rehash(1024); }

  // Index of v, inserting it if new; *inserted says whether it was new.
  uint32_t GetOrInsert(T v, bool* inserted) {
    uint64_t key = Bits(v);
    size_t slot = HashInt(key) & mask_;
    while (true) {
      uint32_t e = slots_[slot];
      if (e == 0) break;
      if (Bits(values_[e - 1]) == key) {
        *inserted = false;
        return e - 1;
      }
      slot = (slot + 1) & mask_;
    }
    values_.push_back(v);
    uint32_t index = static_cast<uint32_t>(values_.size() - 1);
    slots_[slot] = index + 1;
    *inserted = true;
    if (values_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return index;
  }

  size_t size() const { return values_.size(); }
  const std::vector<T>& values() const { return values_; }
  // PLAIN-encoded size of the dictionary page.
  size_t plain_bytes() const { return values_.size() * sizeof(T); }
  void Clear() {
    values_.clear();
    Rehash(1024);
  }

 private:
  static uint64_t Bits(T v) {
    if constexpr (sizeof(T) == 4) {
      uint32_t b;
      std::memcpy(&b, &v, 4);
      return b;
    } else {
      uint64_t b;
      std::memcpy(&b, &v, 8);
      return b;
    }
  }
  void Rehash(size_t capacity) {
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (size_t i = 0; i < values_.size(); ++i) {
      size_t slot = HashInt(Bits(values_[i])) & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = static_cast<uint32_t>(i + 1);
    }
  }

  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  std::vector<T> values_;
};

// Byte-string values (BYTE_ARRAY, or FIXED_LEN_BYTE_ARRAY when all have one length).
// A slot holds the entry's index + 1 and the low 32 bits of its hash, so a probe compares
// bytes only when the hashes agree and rehashing never reads the entries (the table stays
// below 2^32 slots: indices are 32-bit).
class BytesDictionary {
 public:
  // `fixed_length` > 0: PLAIN encoding has no length prefixes (FIXED_LEN_BYTE_ARRAY).
  explicit BytesDictionary(int fixed_length = 0) : fixed_length_(fixed_length) { Rehash(1024); }

  uint32_t GetOrInsert(std::string_view v, bool* inserted) { return GetOrInsert(v, Hash(v), inserted); }
  // The same, with `hash` = Hash(v) computed earlier (see DictionaryLookahead).
  uint32_t GetOrInsert(std::string_view v, uint32_t hash, bool* inserted);
  static uint32_t Hash(std::string_view v) { return static_cast<uint32_t>(HashBytes(v.data(), v.size())); }
  // Cache hints for a value looked up soon: its slot, and (once the slot is cached) the
  // bytes of the entry in that slot. Only hints: any hash is harmless.
  void PrefetchSlot(uint32_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  void PrefetchEntry(uint32_t hash) const {
    const Slot s = slots_[hash & mask_];
    if (s.index_plus_1 != 0) __builtin_prefetch(data_.data() + offsets_[s.index_plus_1 - 1]);
  }

  size_t size() const { return offsets_.size() - 1; }
  std::string_view value(size_t i) const {
    return std::string_view(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  size_t plain_bytes() const { return data_.size() + (fixed_length_ > 0 ? 0 : 4 * size()); }
  // Appends the PLAIN encoding of all entries.
  void AppendPlain(std::string* out) const;
  void Clear();

 private:
  struct Slot {
    uint32_t index_plus_1;  // 0: empty
    uint32_t hash;
  };
  void Rehash(size_t capacity);

  int fixed_length_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::string data_;
  std::vector<size_t> offsets_{0};
};

}  // namespace icesync::parquet
