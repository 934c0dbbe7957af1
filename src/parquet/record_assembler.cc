#include "parquet/record_assembler.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/decimal.h"

namespace icesync::parquet {

namespace {

float HalfToFloat(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mant + 1024), exp - 25);
  }
  return sign ? -v : v;
}

Result<Int128> BytesToDecimal(std::string_view b, const LeafColumn& leaf) {
  if (b.empty()) return Int128{0};
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  size_t n = b.size();
  if (n > 16) {
    // Wider encodings are fine as long as the extra leading bytes are pure sign extension.
    const uint8_t fill = (p[n - 16] & 0x80) ? 0xff : 0x00;
    for (size_t i = 0; i < n - 16; ++i) {
      if (p[i] != fill) return Corrupt("decimal value of column '{}' exceeds 128 bits", leaf.dotted_path);
    }
    p += n - 16;
    n = 16;
  }
  return DecimalFromBigEndian(p, static_cast<int>(n));
}

}  // namespace

Status AppendConverted(const LeafColumn& leaf, const DecodedValues& values, int64_t i, ColumnVector* out) {
  switch (leaf.conversion) {
    case LeafConversion::kCopy:
      if (leaf.physical == Type::BOOLEAN) {
        out->Append<uint8_t>(*values.Fixed(i) ? 1 : 0);
      } else {
        out->AppendBytes(values.Bytes(i));
      }
      return Status::OK();
    case LeafConversion::kUint32ToInt64:
      out->Append<int64_t>(values.Get<uint32_t>(i));
      return Status::OK();
    case LeafConversion::kInt32ToDecimal:
      out->Append<Int128>(values.Get<int32_t>(i));
      return Status::OK();
    case LeafConversion::kInt64ToDecimal:
      out->Append<Int128>(values.Get<int64_t>(i));
      return Status::OK();
    case LeafConversion::kBytesToDecimal: {
      ASSIGN_OR_RETURN(Int128 v, BytesToDecimal(values.Bytes(i), leaf));
      out->Append<Int128>(v);
      return Status::OK();
    }
    case LeafConversion::kTimeMillisToMicros:
      out->Append<int64_t>(static_cast<int64_t>(values.Get<int32_t>(i)) * 1000);
      return Status::OK();
    case LeafConversion::kMillisToMicros: {
      int64_t micros;
      if (__builtin_mul_overflow(values.Get<int64_t>(i), int64_t{1000}, &micros)) {
        return Unsupported("timestamp {} ms in column '{}' is out of the microsecond range", values.Get<int64_t>(i),
                           leaf.dotted_path);
      }
      out->Append<int64_t>(micros);
      return Status::OK();
    }
    case LeafConversion::kFloat16ToFloat:
      out->Append<float>(HalfToFloat(values.Get<uint16_t>(i)));
      return Status::OK();
  }
  return Internal("unhandled leaf conversion");
}

namespace {

// Appends n present slots of `width` bytes to a fixed-width vector and returns them.
uint8_t* AppendSlots(ColumnVector* out, int64_t n, size_t width) {
  std::vector<uint8_t>& validity = out->mutable_validity();
  if (!validity.empty()) validity.insert(validity.end(), static_cast<size_t>(n), uint8_t{1});
  std::vector<uint8_t>& data = out->mutable_data();
  const size_t old = data.size();
  data.resize(old + static_cast<size_t>(n) * width);
  out->SetSize(out->size() + n);
  return data.data() + old;
}

// Widens n values of type From at `src` to To (static_cast, then `scale`) into `dst`.
template <typename From, typename To>
void Widen(const uint8_t* src, int64_t n, To scale, uint8_t* dst) {
  for (int64_t k = 0; k < n; ++k) {
    From v;
    std::memcpy(&v, src + k * sizeof(From), sizeof(From));
    const To w = static_cast<To>(v) * scale;
    std::memcpy(dst + k * sizeof(To), &w, sizeof(To));
  }
}

}  // namespace

bool SharesStorage(const LeafColumn& leaf, const ColumnVector& out) {
  if (leaf.conversion != LeafConversion::kCopy) return false;
  // Booleans qualify: every decoder stores them as 0/1, the vector's form.
  if (leaf.layout.width == 0) return out.type().is_variable_length() && out.offsets().size() == 1;
  return out.offsets().empty() && leaf.layout.width == out.type().fixed_width();
}

namespace {

// SpreadNulls' move for W-byte values without a branch per row (where nulls fall is often
// unpredictable): every row copies slot max(j, 0) (a slot at or before its own) and masks
// the copy to zeros when the row is null.
template <size_t W>
void SpreadFixed(const uint8_t* validity, int64_t num_rows, int64_t j, uint8_t* p) {
  for (int64_t r = num_rows - 1; r >= 0; --r) {
    const uint8_t present = validity[r];
    uint8_t slot[W];
    std::memcpy(slot, p + static_cast<size_t>(j < 0 ? 0 : j) * W, W);
    const auto mask = static_cast<uint8_t>(-present);  // 0xff or 0
    for (size_t b = 0; b < W; ++b) slot[b] &= mask;
    std::memcpy(p + static_cast<size_t>(r) * W, slot, W);
    j -= present;
  }
}

}  // namespace

void SpreadNulls(const std::vector<int16_t>& def, int present_def, int64_t num_rows, ColumnVector* out) {
  std::vector<uint8_t>& validity = out->mutable_validity();
  validity.resize(static_cast<size_t>(num_rows));
  for (int64_t r = 0; r < num_rows; ++r) validity[r] = def[r] >= present_def;
  // Walk backwards so that every value moves to a slot at or after its own, never over a
  // value not yet moved. j is the dense index of the last present value at or before row r.
  int64_t j = std::count(validity.begin(), validity.end(), uint8_t{1}) - 1;
  if (out->offsets().empty()) {
    const size_t w = static_cast<size_t>(out->type().fixed_width());
    std::vector<uint8_t>& data = out->mutable_data();
    data.resize(static_cast<size_t>(num_rows) * w);
    uint8_t* p = data.data();
    switch (w) {
      case 4: SpreadFixed<4>(validity.data(), num_rows, j, p); return;
      case 8: SpreadFixed<8>(validity.data(), num_rows, j, p); return;
      case 16: SpreadFixed<16>(validity.data(), num_rows, j, p); return;
      default: break;
    }
    for (int64_t r = num_rows - 1; r >= 0; --r) {
      if (validity[r]) {
        if (j != r) std::memcpy(p + r * w, p + j * w, w);  // j < r: distinct slots
        --j;
      } else {
        std::memset(p + r * w, 0, w);
      }
    }
  } else {
    // Bytes stay where they are; only the offsets spread (a null's range is empty).
    std::vector<int64_t>& offsets = out->mutable_offsets();
    offsets.resize(static_cast<size_t>(num_rows) + 1);
    for (int64_t r = num_rows - 1; r >= 0; --r) {
      offsets[r + 1] = offsets[j + 1];  // j + 1 <= r + 1: read before it is overwritten
      if (validity[r]) --j;
    }
  }
}

Status AppendConvertedRun(const LeafColumn& leaf, const DecodedValues& values, int64_t first, int64_t n,
                          ColumnVector* out) {
  if (n <= 0) return Status::OK();
  const int width = values.width();
  const bool out_fixed = out->offsets().empty();
  switch (leaf.conversion) {
    case LeafConversion::kCopy:
      if (width == 0 && !out_fixed) {
        // Byte arrays: one copy of the bytes, offsets rebased onto the vector's data.
        const int64_t* src_off = values.offsets() + first;
        std::vector<uint8_t>& data = out->mutable_data();
        const int64_t base = static_cast<int64_t>(data.size()) - src_off[0];
        data.insert(data.end(), values.data() + src_off[0], values.data() + src_off[n]);
        std::vector<int64_t>& offsets = out->mutable_offsets();
        const size_t old = offsets.size();
        offsets.resize(old + static_cast<size_t>(n));
        for (int64_t k = 0; k < n; ++k) offsets[old + k] = src_off[k + 1] + base;
        std::vector<uint8_t>& validity = out->mutable_validity();
        if (!validity.empty()) validity.insert(validity.end(), static_cast<size_t>(n), uint8_t{1});
        out->SetSize(out->size() + n);
        return Status::OK();
      }
      if (width > 0 && out_fixed && width == out->type().fixed_width()) {
        uint8_t* dst = AppendSlots(out, n, static_cast<size_t>(width));
        const uint8_t* src = values.Fixed(first);
        if (leaf.physical == Type::BOOLEAN) {
          for (int64_t k = 0; k < n; ++k) dst[k] = src[k] ? 1 : 0;
        } else {
          std::memcpy(dst, src, static_cast<size_t>(n) * width);
        }
        return Status::OK();
      }
      break;
    case LeafConversion::kUint32ToInt64:
      Widen<uint32_t, int64_t>(values.Fixed(first), n, 1, AppendSlots(out, n, sizeof(int64_t)));
      return Status::OK();
    case LeafConversion::kInt32ToDecimal:
      Widen<int32_t, Int128>(values.Fixed(first), n, 1, AppendSlots(out, n, sizeof(Int128)));
      return Status::OK();
    case LeafConversion::kInt64ToDecimal:
      Widen<int64_t, Int128>(values.Fixed(first), n, 1, AppendSlots(out, n, sizeof(Int128)));
      return Status::OK();
    case LeafConversion::kTimeMillisToMicros:
      Widen<int32_t, int64_t>(values.Fixed(first), n, 1000, AppendSlots(out, n, sizeof(int64_t)));
      return Status::OK();
    default:
      break;
  }
  for (int64_t i = first; i < first + n; ++i) RETURN_IF_ERROR(AppendConverted(leaf, values, i, out));
  return Status::OK();
}

Status RecordAssembler::Def(int leaf, int* def) {
  const LeafData& d = data_[leaf];
  if (pos_[leaf] >= d.num_levels) {
    return Corrupt("{}: column '{}' has fewer levels than its rows need", context_,
                   schema_.leaves()[leaf].dotted_path);
  }
  *def = d.def.empty() ? 0 : d.def[pos_[leaf]];
  return Status::OK();
}

// Repetition level at the leaf's cursor; -1 at the end of the chunk.
int RecordAssembler::Rep(int leaf) const {
  const LeafData& d = data_[leaf];
  if (pos_[leaf] >= d.num_levels) return -1;
  return d.rep.empty() ? 0 : d.rep[pos_[leaf]];
}

Status RecordAssembler::AppendLeafValue(int leaf, ColumnVector* out) {
  LeafData& d = data_[leaf];
  if (vpos_[leaf] >= d.values.size()) {
    return Corrupt("{}: column '{}' has fewer values than its definition levels declare", context_,
                   schema_.leaves()[leaf].dotted_path);
  }
  Status st = AppendConverted(schema_.leaves()[leaf], d.values, vpos_[leaf]++, out);
  if (!st.ok()) return st.WithContext(context_ + ": ");
  return Status::OK();
}

// Consumes the single level entry that every leaf under `node` holds for a null or empty
// value, checking that each of them agrees (its definition level is below `below_def`).
Status RecordAssembler::AppendLeafRun(int leaf, int64_t n, ColumnVector* out) {
  LeafData& d = data_[leaf];
  if (n > d.values.size() - vpos_[leaf]) {
    return Corrupt("{}: column '{}' has fewer values than its definition levels declare", context_,
                   schema_.leaves()[leaf].dotted_path);
  }
  Status st = AppendConvertedRun(schema_.leaves()[leaf], d.values, vpos_[leaf], n, out);
  vpos_[leaf] += n;
  if (!st.ok()) return st.WithContext(context_ + ": ");
  return Status::OK();
}

Status RecordAssembler::SkipEmpty(const AssemblyNode& node, int below_def) {
  for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
    int def = 0;
    RETURN_IF_ERROR(Def(l, &def));
    if (def >= below_def) {
      return Corrupt("{}: columns under '{}' disagree on whether a value is present", context_, node.field.name);
    }
    ++pos_[l];
  }
  return Status::OK();
}

Status RecordAssembler::AssembleValue(const AssemblyNode& node, ColumnVector* out) {
  int def = 0;
  RETURN_IF_ERROR(Def(node.leaf_begin, &def));
  if (def < node.def) {
    if (node.field.required) {
      return Corrupt("{}: required column '{}' has a null (definition level {} below {})", context_,
                     node.field.name, def, node.def);
    }
    RETURN_IF_ERROR(SkipEmpty(node, node.def));
    out->AppendNull();
    return Status::OK();
  }
  switch (node.kind) {
    case AssemblyNode::kLeaf: {
      ++pos_[node.leaf];
      if (def > schema_.leaves()[node.leaf].max_def) {
        return Corrupt("{}: definition level {} exceeds the max {} of column '{}'", context_, def,
                       schema_.leaves()[node.leaf].max_def, node.field.name);
      }
      return AppendLeafValue(node.leaf, out);
    }
    case AssemblyNode::kStruct:
      out->AppendStructRow(true);
      for (size_t i = 0; i < node.children.size(); ++i) {
        RETURN_IF_ERROR(AssembleValue(node.children[i], &out->child(i)));
      }
      return Status::OK();
    case AssemblyNode::kList:
    case AssemblyNode::kMap: {
      if (def < node.empty_def) {
        RETURN_IF_ERROR(SkipEmpty(node, node.empty_def));
        out->AppendNested(0);
        return Status::OK();
      }
      int64_t count = 0;
      while (true) {
        if (node.kind == AssemblyNode::kList) {
          RETURN_IF_ERROR(AssembleValue(node.children[0], &out->child(0)));
        } else {
          RETURN_IF_ERROR(AssembleValue(node.children[0], &out->child(0)));
          if (node.map_has_value) {
            RETURN_IF_ERROR(AssembleValue(node.children[1], &out->child(1)));
          } else {
            out->child(1).AppendNull();
          }
        }
        ++count;
        const bool more = Rep(node.leaf_begin) == node.rep;
        for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
          const int rep = Rep(l);
          if ((rep == node.rep) != more || rep > node.rep) {
            return Corrupt("{}: repetition levels of the columns under '{}' disagree", context_, node.field.name);
          }
        }
        if (!more) break;
      }
      out->AppendNested(count);
      return Status::OK();
    }
  }
  return Internal("unhandled assembly node");
}

Status RecordAssembler::AssembleField(const AssemblyNode& node, int64_t num_rows, ColumnVector* out) {
  for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
    const LeafData& d = data_[l];
    const LeafColumn& leaf = schema_.leaves()[l];
    for (int16_t v : d.def) {
      if (v < 0 || v > leaf.max_def) {
        return Corrupt("{}: column '{}' has definition level {} beyond its max {}", context_, leaf.dotted_path, v,
                       leaf.max_def);
      }
    }
    for (int16_t v : d.rep) {
      if (v < 0 || v > leaf.max_rep) {
        return Corrupt("{}: column '{}' has repetition level {} beyond its max {}", context_, leaf.dotted_path, v,
                       leaf.max_rep);
      }
    }
  }
  // Flat leaf: one level entry per row, no repetition.
  if (node.kind == AssemblyNode::kLeaf && schema_.leaves()[node.leaf].max_rep == 0) {
    const int l = node.leaf;
    LeafData& d = data_[l];
    if (d.num_levels != num_rows) {
      return Corrupt("{}: column '{}' holds {} values for a batch of {} rows", context_,
                     schema_.leaves()[l].dotted_path, d.num_levels, num_rows);
    }
    // Same storage into an empty vector: the decoded buffers become the column's (no copy),
    // then nulls are spread in place.
    int64_t present = num_rows;
    if (!d.def.empty()) present = std::count_if(d.def.begin(), d.def.end(), [&](int16_t v) { return v >= node.def; });
    if (out->size() == 0 && present == d.values.size() && SharesStorage(schema_.leaves()[l], *out)) {
      out->mutable_validity().clear();
      out->mutable_data().clear();
      d.values.SwapBuffers(&out->mutable_data(), &out->mutable_offsets());
      if (present < num_rows) SpreadNulls(d.def, node.def, num_rows, out);
      out->SetSize(num_rows);
      pos_[l] = num_rows;
      vpos_[l] = 0;  // every decoded value was used (present == values.size()); d.values is empty now
      return CheckConsumed(node, num_rows);
    }
    // An eighth more (capacity only), so that the next batch, if a little larger (more
    // string bytes, a longer row group), fits the buffers this batch keeps.
    const int64_t rows = num_rows + num_rows / 8;
    out->Reserve(rows, d.values.is_variable() ? d.values.byte_size() + d.values.byte_size() / 8 : 0);
    // Alternate runs of present values (appended in bulk) and nulls.
    int64_t r = 0;
    while (r < num_rows) {
      int64_t end = num_rows;
      if (!d.def.empty()) {
        end = r;
        while (end < num_rows && d.def[end] >= node.def) ++end;
      }
      RETURN_IF_ERROR(AppendLeafRun(l, end - r, out));
      for (r = end; r < num_rows && d.def[r] < node.def; ++r) out->AppendNull();
    }
    pos_[l] = num_rows;
  } else {
    out->Reserve(num_rows);
    for (int64_t r = 0; r < num_rows; ++r) {
      for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
        const int rep = Rep(l);
        if (rep < 0) {
          return Corrupt("{}: column '{}' ends after {} of a batch's {} rows", context_,
                         schema_.leaves()[l].dotted_path, r, num_rows);
        }
        if (rep != 0) {
          return Corrupt("{}: column '{}': the first repetition level of a row must be 0, found {}", context_,
                         schema_.leaves()[l].dotted_path, rep);
        }
      }
      RETURN_IF_ERROR(AssembleValue(node, out));
    }
  }
  return CheckConsumed(node, num_rows);
}

Status RecordAssembler::CheckConsumed(const AssemblyNode& node, int64_t num_rows) {
  for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
    if (pos_[l] != data_[l].num_levels) {
      return Corrupt("{}: column '{}' holds more levels ({}) than a batch's {} rows use", context_,
                     schema_.leaves()[l].dotted_path, data_[l].num_levels, num_rows);
    }
    if (vpos_[l] != data_[l].values.size()) {
      return Corrupt("{}: column '{}' holds {} values but its definition levels use {}", context_,
                     schema_.leaves()[l].dotted_path, data_[l].values.size(), vpos_[l]);
    }
  }
  return Status::OK();
}

}  // namespace icesync::parquet
