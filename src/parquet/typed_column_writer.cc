// The typed column writers behind ColumnWriter::Make. One template covers every
// dictionary-capable physical type; Traits says how a value is PLAIN-encoded, ordered and
// stored in the dictionary. Values are read straight from the ColumnVector buffers through a
// per-source accessor that the compiler inlines into the append loop (no per-value virtual
// calls), and min/max are updated only when a value is new to the dictionary.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/decimal.h"
#include "parquet/column_writer.h"
#include "parquet/dictionary.h"
#include "parquet/encoding_plain.h"
#include "parquet/rle.h"
#include "parquet/writer_schema.h"

namespace icesync::parquet {
namespace {

constexpr int64_t kMaxPageRows = 1 << 20;
// Dictionary size (entries) from which string lookups look ahead (DictionaryLookahead).
constexpr size_t kLookaheadEntries = 1024;
// Parquet statistics of byte arrays longer than this are truncated (and marked inexact).
constexpr size_t kMaxStatisticsBytes = 64;

template <typename P>
struct NumericTraits {
  using ValueType = P;
  using Stored = P;
  using Dict = FixedDictionary<P>;
  static constexpr bool kFloat = std::is_floating_point_v<P>;
  static void Plain(P v, std::string* out) { AppendPlain(v, out); }
  static int64_t PlainSize(P) { return sizeof(P); }
  static P DictValue(const Dict& d, uint32_t i) { return d.values()[i]; }
  static void DictPlain(const Dict& d, std::string* out) {
    out->append(reinterpret_cast<const char*>(d.values().data()), d.plain_bytes());
  }
  static bool Less(P a, P b, bool) { return a < b; }
  static Dict MakeDict(int) { return Dict(); }
};

// BYTE_ARRAY (fixed_length 0) and FIXED_LEN_BYTE_ARRAY values.
template <bool kFixed>
struct BytesTraits {
  using ValueType = std::string_view;
  using Stored = std::string;
  using Dict = BytesDictionary;
  static constexpr bool kFloat = false;
  static void Plain(std::string_view v, std::string* out) {
    if constexpr (kFixed) out->append(v.data(), v.size());
    else AppendByteArray(v, out);
  }
  static int64_t PlainSize(std::string_view v) { return static_cast<int64_t>(v.size()) + (kFixed ? 0 : 4); }
  static std::string_view DictValue(const Dict& d, uint32_t i) { return d.value(i); }
  static void DictPlain(const Dict& d, std::string* out) { d.AppendPlain(out); }
  // Unsigned byte order; decimals (big-endian two's complement, fixed width) order signed,
  // which is the unsigned order with the sign bit of the first byte flipped.
  static bool Less(std::string_view a, std::string_view b, bool signed_order) {
    if (signed_order && !a.empty() && !b.empty() && (a[0] ^ b[0]) & 0x80) {
      return (static_cast<uint8_t>(a[0]) & 0x80) != 0;
    }
    return a < b;  // std::string_view compares as unsigned char
  }
  static Dict MakeDict(int fixed_length) { return Dict(kFixed ? fixed_length : 0); }
};

// Lookups in a dictionary of many strings miss the cache (20,000 customer names outgrow L2),
// one miss after another. This hashes the value kFar rows ahead of the lookup and prefetches
// its slot, and kNear rows ahead prefetches the bytes of the entry in that slot, so the
// misses of consecutive rows overlap. HashOf(i) is right whatever the call pattern: a row
// whose hash was not staged is hashed on the spot.
template <typename Dict, typename Get>
class DictionaryLookahead {
 public:
  DictionaryLookahead(const Dict& dict, const Get& get, int64_t end) : dict_(dict), get_(get), end_(end) {}

  uint32_t HashOf(int64_t i) {
    if (i + kFar < end_) Stage(i + kFar);
    if (i + kNear < end_) {
      const Staged& s = ring_[(i + kNear) & kMask];
      if (s.row == i + kNear) dict_.PrefetchEntry(s.hash);
    }
    const Staged& s = ring_[i & kMask];
    return s.row == i ? s.hash : Dict::Hash(get_(i));
  }

 private:
  static constexpr int64_t kFar = 16, kNear = 8, kMask = 31;
  struct Staged {
    int64_t row = -1;
    uint32_t hash = 0;
  };
  void Stage(int64_t row) {
    Staged& s = ring_[row & kMask];
    s.row = row;
    s.hash = Dict::Hash(get_(row));
    dict_.PrefetchSlot(s.hash);
  }

  const Dict& dict_;
  const Get& get_;
  const int64_t end_;
  Staged ring_[kMask + 1];
};

template <typename Traits>
class TypedColumnWriter final : public ColumnWriter {
 public:
  using V = typename Traits::ValueType;

  TypedColumnWriter(Field field, SchemaElement element, ColumnWriterOptions options)
      : ColumnWriter(std::move(field), std::move(element), options),
        dict_(Traits::MakeDict(element_.type_length.value_or(0))),
        dictionary_mode_(options.enable_dictionary),
        signed_order_(field_.type.id() == TypeId::kDecimal) {}

  Status Append(const ColumnVector& column, int64_t offset, int64_t n) override {
    RETURN_IF_ERROR(CheckRequired(column, offset, n));
    const uint8_t* valid = column.has_nulls() ? column.validity().data() : nullptr;
    const DataType& t = field_.type;
    if constexpr (std::is_same_v<Traits, BytesTraits<false>>) {
      const char* data = reinterpret_cast<const char*>(column.data().data());
      const int64_t* offsets = column.offsets().data();
      return AppendRange(valid, offset, n, [&](int64_t i) {
        return std::string_view(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
      });
    } else if constexpr (std::is_same_v<Traits, BytesTraits<true>>) {
      if (t.id() == TypeId::kDecimal) {
        const int width = *element_.type_length;
        char buf[16];
        return AppendRange(valid, offset, n, [&, width](int64_t i) {
          DecimalToBigEndian(column.Value<Int128>(i), width, reinterpret_cast<uint8_t*>(buf));
          return std::string_view(buf, width);
        });
      }
      const char* data = reinterpret_cast<const char*>(column.data().data());
      const size_t width = static_cast<size_t>(t.length());
      return AppendRange(valid, offset, n, [&](int64_t i) { return std::string_view(data + i * width, width); });
    } else {
      if (t.id() == TypeId::kDecimal) {
        const Int128* src = column.values<Int128>();
        return AppendRange(valid, offset, n, [&](int64_t i) { return static_cast<V>(src[i]); });
      }
      const V* src = column.values<V>();
      return AppendRange(valid, offset, n, [&](int64_t i) { return src[i]; });
    }
  }

 protected:
  int64_t PendingPageBytes() const override { return page_raw_bytes_; }
  bool page_uses_dictionary() const override { return dictionary_mode_; }

  void EncodePageValues(std::string* out) override {
    if (dictionary_mode_) {
      // A page of nulls only has an empty dictionary: size() - 1 would wrap to 2^64 - 1 and
      // announce 64-bit indices, which readers (DuckDB) reject.
      int width = dict_.size() == 0 ? 1 : std::max(1, BitWidth(dict_.size() - 1));
      out->push_back(static_cast<char>(width));
      RleEncode(page_indices_.data(), page_indices_.size(), width, out);
      page_indices_.clear();
    } else {
      out->append(page_plain_);
      page_plain_.clear();
    }
    page_raw_bytes_ = 0;
  }

  void EncodeDictionary(std::string* out, int32_t* count) override {
    Traits::DictPlain(dict_, out);
    *count = static_cast<int32_t>(dict_.size());
  }

  void FinishChunkStatistics(Statistics* stats, std::optional<Value>* min, std::optional<Value>* max) override {
    if (!has_minmax_) return;
    typename Traits::Stored lo = min_, hi = max_;
    if constexpr (Traits::kFloat) {
      // Parquet's rule for zeros: a zero min is written -0 and a zero max +0, so that the
      // bounds hold for either sign. Iceberg bounds follow the same rule.
      if (lo == 0) lo = -static_cast<typename Traits::Stored>(0);
      if (hi == 0) hi = 0;
    }
    *min = ToValue(lo);
    *max = ToValue(hi);
    if constexpr (std::is_arithmetic_v<typename Traits::Stored>) {
      std::string lo_bytes, hi_bytes;
      AppendPlain(lo, &lo_bytes);
      AppendPlain(hi, &hi_bytes);
      // Every numeric column's logical order is the physical signed order, so the legacy
      // min/max fields are correct too.
      stats->min = stats->min_value = lo_bytes;
      stats->max = stats->max_value = hi_bytes;
    } else {
      if (lo.size() > kMaxStatisticsBytes && !element_.type_length) {
        stats->min_value = TruncateLowerBound(field_.type, lo, kMaxStatisticsBytes);
        stats->is_min_value_exact = false;
      } else {
        stats->min_value = lo;
        stats->is_min_value_exact = true;
      }
      if (hi.size() > kMaxStatisticsBytes && !element_.type_length) {
        std::optional<std::string> up = TruncateUpperBound(field_.type, hi, kMaxStatisticsBytes);
        if (up) {
          stats->max_value = std::move(*up);
          stats->is_max_value_exact = false;
        }
      } else {
        stats->max_value = hi;
        stats->is_max_value_exact = true;
      }
    }
  }

  void ResetChunk() override {
    dict_.Clear();
    dictionary_mode_ = options_.enable_dictionary;
    has_minmax_ = false;
  }

 private:
  template <typename Get>
  Status AppendRange(const uint8_t* valid, int64_t offset, int64_t n, Get get) {
    const int64_t end = offset + n;
    // Used for BYTE_ARRAY only (below): FIXED_LEN_BYTE_ARRAY decimals are converted into one
    // buffer that a lookahead would overwrite, and fixed-width dictionaries stay small. And
    // only once the dictionary has outgrown the L1 cache: for a few values it costs more
    // than it saves.
    [[maybe_unused]] DictionaryLookahead<typename Traits::Dict, Get> lookahead(dict_, get, end);
    [[maybe_unused]] const bool look_ahead = dict_.size() >= kLookaheadEntries;
    for (int64_t i = offset; i < end; ++i) {
      if constexpr (std::is_arithmetic_v<V>) {
        if (!dictionary_mode_ && valid == nullptr) {
          int64_t next;
          RETURN_IF_ERROR(AppendPlainRun(i, end, get, &next));
          i = next - 1;  // next > i
          continue;
        }
      }
      if (optional_) {
        uint8_t present = valid ? valid[i] : 1;
        page_levels_.push_back(present);
        if (!present) {
          ++page_nulls_;
          ++page_rows_;
          if (page_rows_ >= kMaxPageRows) RETURN_IF_ERROR(PageFull());
          continue;
        }
      }
      V v = get(i);
      if constexpr (Traits::kFloat) {
        if (std::isnan(v)) ++chunk_nan_;
      }
      bool check_dictionary = false;
      if (dictionary_mode_) {
        bool inserted;
        uint32_t index;
        if constexpr (std::is_same_v<Traits, BytesTraits<false>>) {
          index = look_ahead ? dict_.GetOrInsert(v, lookahead.HashOf(i), &inserted) : dict_.GetOrInsert(v, &inserted);
        } else {
          index = dict_.GetOrInsert(v, &inserted);
        }
        page_indices_.push_back(index);
        if (inserted) {
          UpdateMinMax(v);
          check_dictionary = true;
        }
      } else {
        Traits::Plain(v, &page_plain_);
        UpdateMinMax(v);
      }
      page_raw_bytes_ += Traits::PlainSize(v);
      ++page_rows_;
      if (check_dictionary && static_cast<int64_t>(dict_.plain_bytes()) > options_.dictionary_page_size_limit) {
        RETURN_IF_ERROR(FallBackToPlain());
      }
      if (page_raw_bytes_ >= options_.page_size || page_rows_ >= kMaxPageRows) RETURN_IF_ERROR(PageFull());
    }
    return Status::OK();
  }

  // The PLAIN, null-free case of the loop in AppendRange for fixed-width values, a run at a
  // time: takes the values from `begin` up to `end` or until the page is full (the same values
  // the loop would put in this page, so the bytes are the same), then ends the page if full.
  template <typename Get>
  Status AppendPlainRun(int64_t begin, int64_t end, Get get, int64_t* next) {
    constexpr int64_t kWidth = sizeof(V);
    // The loop ends a page after the value that takes page_raw_bytes_ to page_size or more
    // (page_raw_bytes_ < page_size here: a full page has been flushed), or at kMaxPageRows.
    const int64_t fit = std::max<int64_t>(1, (options_.page_size - page_raw_bytes_ + kWidth - 1) / kWidth);
    const int64_t n = std::min({end - begin, fit, kMaxPageRows - page_rows_});
    if (optional_) page_levels_.insert(page_levels_.end(), static_cast<size_t>(n), uint8_t{1});
    const size_t at = page_plain_.size();
    page_plain_.resize(at + static_cast<size_t>(n * kWidth));
    char* dst = page_plain_.data() + at;
    for (int64_t k = 0; k < n; ++k) {
      const V v = get(begin + k);
      std::memcpy(dst + k * kWidth, &v, kWidth);
    }
    // As UpdateMinMax: NaN is skipped, the first value starts the bounds, and only a strictly
    // smaller (larger) value replaces one, which keeps the first of -0.0 and 0.0.
    bool has = has_minmax_;
    V lo = min_, hi = max_;
    for (int64_t k = 0; k < n; ++k) {
      const V v = get(begin + k);
      if constexpr (Traits::kFloat) {
        if (std::isnan(v)) {
          ++chunk_nan_;
          continue;
        }
      }
      lo = !has || v < lo ? v : lo;
      hi = !has || hi < v ? v : hi;
      has = true;
    }
    has_minmax_ = has;
    min_ = lo;
    max_ = hi;
    page_raw_bytes_ += n * kWidth;
    page_rows_ += n;
    *next = begin + n;  // n >= 1
    if (page_raw_bytes_ >= options_.page_size || page_rows_ >= kMaxPageRows) return PageFull();
    return Status::OK();
  }

  void UpdateMinMax(V v) {
    if constexpr (Traits::kFloat) {
      if (std::isnan(v)) return;
    }
    if (!has_minmax_) {
      min_ = typename Traits::Stored(v);
      max_ = typename Traits::Stored(v);
      has_minmax_ = true;
      return;
    }
    if (Traits::Less(v, min_, signed_order_)) min_ = typename Traits::Stored(v);
    if (Traits::Less(max_, v, signed_order_)) max_ = typename Traits::Stored(v);
  }

  Status PageFull() {
    // On the first page, keep the dictionary only if it makes the data smaller.
    if (dictionary_mode_ && dictionary_pages_ == 0) {
      int64_t encoded = static_cast<int64_t>(dict_.plain_bytes()) +
                        static_cast<int64_t>(page_indices_.size()) * std::max(1, BitWidth(dict_.size())) / 8;
      if (encoded >= page_raw_bytes_) RETURN_IF_ERROR(FallBackToPlain());
    }
    return FlushPage();
  }

  Status FallBackToPlain() {
    if (dictionary_pages_ == 0) {
      // No page refers to the dictionary yet: re-encode this page as PLAIN and drop it.
      for (uint32_t index : page_indices_) Traits::Plain(Traits::DictValue(dict_, index), &page_plain_);
      page_indices_.clear();
      dict_.Clear();
    } else {
      RETURN_IF_ERROR(FlushPage());
    }
    dictionary_mode_ = false;
    return Status::OK();
  }

  Value ToValue(const typename Traits::Stored& v) const {
    const DataType& t = field_.type;
    if constexpr (std::is_same_v<typename Traits::Stored, std::string>) {
      if (t.id() == TypeId::kDecimal) {
        return Value(t, DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int>(v.size())));
      }
      return Value(t, v);
    } else {
      if (t.id() == TypeId::kDecimal) return Value(t, static_cast<Int128>(v));
      return Value(t, v);
    }
  }

  typename Traits::Dict dict_;
  bool dictionary_mode_;
  const bool signed_order_;
  std::vector<uint32_t> page_indices_;
  std::string page_plain_;
  int64_t page_raw_bytes_ = 0;
  bool has_minmax_ = false;
  typename Traits::Stored min_{}, max_{};
};

// BOOLEAN: always PLAIN (bit-packed); a dictionary cannot beat one bit per value.
class BooleanColumnWriter final : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;

  Status Append(const ColumnVector& column, int64_t offset, int64_t n) override {
    RETURN_IF_ERROR(CheckRequired(column, offset, n));
    const uint8_t* valid = column.has_nulls() ? column.validity().data() : nullptr;
    const uint8_t* src = column.values<uint8_t>();
    for (int64_t i = offset; i < offset + n; ++i) {
      if (optional_) {
        uint8_t present = valid ? valid[i] : 1;
        page_levels_.push_back(present);
        if (!present) {
          ++page_nulls_;
        } else {
          page_values_.push_back(src[i] != 0);
          seen_[src[i] != 0] = true;
        }
      } else {
        page_values_.push_back(src[i] != 0);
        seen_[src[i] != 0] = true;
      }
      if (++page_rows_ >= kMaxPageRows) RETURN_IF_ERROR(FlushPage());
    }
    return Status::OK();
  }

 protected:
  int64_t PendingPageBytes() const override { return static_cast<int64_t>(page_values_.size() + 7) / 8; }
  bool page_uses_dictionary() const override { return false; }
  void EncodePageValues(std::string* out) override {
    AppendPlainBooleans(page_values_.data(), page_values_.size(), out);
    page_values_.clear();
  }
  void EncodeDictionary(std::string*, int32_t* count) override { *count = 0; }
  void FinishChunkStatistics(Statistics* stats, std::optional<Value>* min, std::optional<Value>* max) override {
    if (!seen_[0] && !seen_[1]) return;
    bool lo = !seen_[0], hi = seen_[1];
    stats->min = stats->min_value = std::string(1, lo ? '\1' : '\0');
    stats->max = stats->max_value = std::string(1, hi ? '\1' : '\0');
    *min = Value(field_.type, lo);
    *max = Value(field_.type, hi);
  }
  void ResetChunk() override { seen_[0] = seen_[1] = false; }

 private:
  std::vector<uint8_t> page_values_;
  bool seen_[2] = {false, false};
};

}  // namespace

Result<std::unique_ptr<ColumnWriter>> ColumnWriter::Make(const Field& field, const ColumnWriterOptions& options) {
  ASSIGN_OR_RETURN(SchemaElement element, LeafSchemaElement(field));
  std::unique_ptr<ColumnWriter> w;
  switch (*element.type) {
    case Type::BOOLEAN:
      w.reset(new BooleanColumnWriter(field, std::move(element), options));
      break;
    case Type::INT32:
      w.reset(new TypedColumnWriter<NumericTraits<int32_t>>(field, std::move(element), options));
      break;
    case Type::INT64:
      w.reset(new TypedColumnWriter<NumericTraits<int64_t>>(field, std::move(element), options));
      break;
    case Type::FLOAT:
      w.reset(new TypedColumnWriter<NumericTraits<float>>(field, std::move(element), options));
      break;
    case Type::DOUBLE:
      w.reset(new TypedColumnWriter<NumericTraits<double>>(field, std::move(element), options));
      break;
    case Type::BYTE_ARRAY:
      w.reset(new TypedColumnWriter<BytesTraits<false>>(field, std::move(element), options));
      break;
    case Type::FIXED_LEN_BYTE_ARRAY:
      w.reset(new TypedColumnWriter<BytesTraits<true>>(field, std::move(element), options));
      break;
    case Type::INT96:
      return Internal("INT96 is never written");
  }
  return w;
}

}  // namespace icesync::parquet
