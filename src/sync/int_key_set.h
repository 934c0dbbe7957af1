#pragma once
// A set of integers probed once per row of a key column (the table's key scan): open
// addressing with linear probing in a power-of-two table at most half full, Fibonacci hashing.
// A probe is a multiply, a shift and usually one cache line (std::unordered_set divides by a
// prime and chases a node). In front of the table sits a bitmap of 16 bits a key, small
// enough to stay in L1 for ten thousand keys: most rows of a large table are not wanted, and
// the bitmap turns away about 94% of them without touching the table.
#include <bit>
#include <cstdint>
#include <vector>

namespace icesync::sync {

class IntKeySet {
 public:
  explicit IntKeySet(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    slots_.assign(cap, kEmpty);
    shift_ = 64 - static_cast<int>(std::countr_zero(cap));
    size_t bits = 64;
    while (bits < 16 * n) bits <<= 1;
    bits_.assign(bits / 64, 0);
    bit_shift_ = 64 - static_cast<int>(std::countr_zero(bits));
  }
  void Insert(int64_t v) {
    if (v == kEmpty) {
      has_empty_value_ = true;
      return;
    }
    const uint64_t b = Bit(v);
    bits_[b >> 6] |= uint64_t{1} << (b & 63);
    for (size_t i = Slot(v);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == v) return;
      if (slots_[i] == kEmpty) {
        slots_[i] = v;
        return;
      }
    }
  }
  bool Contains(int64_t v) const {
    if (v == kEmpty) return has_empty_value_;
    const uint64_t b = Bit(v);
    if ((bits_[b >> 6] & (uint64_t{1} << (b & 63))) == 0) return false;
    for (size_t i = Slot(v);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == v) return true;
      if (slots_[i] == kEmpty) return false;
    }
  }

 private:
  static constexpr int64_t kEmpty = INT64_MIN;
  static uint64_t Mix(int64_t v) { return static_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ull; }
  size_t Slot(int64_t v) const { return static_cast<size_t>(Mix(v) >> shift_); }
  // Another multiplier than the slots', so that keys sharing a slot run do not share a bit.
  uint64_t Bit(int64_t v) const { return (static_cast<uint64_t>(v) * 0xC2B2AE3D27D4EB4Full) >> bit_shift_; }

  std::vector<int64_t> slots_;
  int shift_ = 0;
  std::vector<uint64_t> bits_;
  int bit_shift_ = 0;
  bool has_empty_value_ = false;
};

}  // namespace icesync::sync
