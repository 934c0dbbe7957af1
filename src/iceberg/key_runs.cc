#include "iceberg/key_runs.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace icesync::iceberg {

void KeyRunsBuilder::Add(const ColumnVector& column) {
  if (abandoned_) return;
  if (column.null_count() > 0) {
    abandoned_ = true;
    return;
  }
  const bool wide = column.type().id() == TypeId::kInt64;
  const int64_t n = column.size();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t key = wide ? column.Value<int64_t>(i) : column.Value<int32_t>(i);
    if (!runs_.empty()) {
      KeyRun& last = runs_.back();
      // Extends the run when the key is the next one (never past INT64_MAX).
      if (last.first_key < INT64_MAX - last.length && key == last.first_key + last.length) {
        ++last.length;
        continue;
      }
    }
    if (runs_.size() == kMaxRuns) {
      abandoned_ = true;
      runs_.clear();
      return;
    }
    runs_.push_back({key, 1});
  }
  rows_ += n;
}

std::optional<std::string> KeyRunsBuilder::Encode() const {
  if (abandoned_ || runs_.empty() || rows_ < 16 * static_cast<int64_t>(runs_.size())) return std::nullopt;
  // "1;<field id>;<first key>:<length>,...": a version, then decimal pairs.
  std::string out = fmt::format("1;{};", field_id_);
  for (size_t i = 0; i < runs_.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}:{}", i == 0 ? "" : ",", runs_[i].first_key, runs_[i].length);
  }
  return out;
}

namespace {

// Parses a decimal int64 at p (advancing it); false if none.
bool ParseInt(const char*& p, const char* end, int64_t* v) {
  auto [next, ec] = std::from_chars(p, end, *v);
  if (ec != std::errc() || next == p) return false;
  p = next;
  return true;
}

}  // namespace

std::optional<KeyRuns> KeyRuns::Decode(const std::string& value, int64_t num_rows) {
  const char* p = value.data();
  const char* end = p + value.size();
  int64_t version = 0, field_id = 0;
  if (!ParseInt(p, end, &version) || version != 1 || p == end || *p++ != ';') return std::nullopt;
  if (!ParseInt(p, end, &field_id) || p == end || *p++ != ';') return std::nullopt;
  KeyRuns out;
  out.field_id = static_cast<int>(field_id);
  int64_t rows = 0;
  while (p < end) {
    KeyRun r;
    if (!ParseInt(p, end, &r.first_key) || p == end || *p++ != ':') return std::nullopt;
    if (!ParseInt(p, end, &r.length) || r.length < 1 || r.length > num_rows - rows) return std::nullopt;
    if (r.first_key > INT64_MAX - (r.length - 1)) return std::nullopt;
    rows += r.length;
    out.runs.push_back(r);
    if (p < end && (*p++ != ',' || p == end)) return std::nullopt;  // a comma, then another run
  }
  if (rows != num_rows) return std::nullopt;
  return out;
}

std::vector<std::pair<int64_t, int64_t>> KeyRuns::Find(const std::vector<int64_t>& sorted_keys) const {
  std::vector<std::pair<int64_t, int64_t>> found;
  int64_t pos = 0;
  for (const KeyRun& r : runs) {
    const int64_t last = r.first_key + (r.length - 1);
    for (auto it = std::lower_bound(sorted_keys.begin(), sorted_keys.end(), r.first_key);
         it != sorted_keys.end() && *it <= last; ++it) {
      found.emplace_back(*it, pos + (*it - r.first_key));
    }
    pos += r.length;
  }
  return found;
}

std::optional<std::vector<int64_t>> KeyRuns::KeysAt(const std::vector<int64_t>& sorted_positions) const {
  std::vector<int64_t> keys;
  keys.reserve(sorted_positions.size());
  size_t run = 0;
  int64_t run_start = 0;  // position of runs[run]'s first row
  for (int64_t pos : sorted_positions) {
    if (pos < 0) return std::nullopt;
    while (run < runs.size() && pos >= run_start + runs[run].length) run_start += runs[run++].length;
    if (run == runs.size()) return std::nullopt;
    keys.push_back(runs[run].first_key + (pos - run_start));
  }
  return keys;
}

std::optional<KeyRuns> FooterKeyRuns(const std::vector<parquet::KeyValue>& footer, int64_t num_rows, int field_id) {
  for (const parquet::KeyValue& kv : footer) {
    if (kv.key != kKeyRunsFooterKey || !kv.value) continue;
    std::optional<KeyRuns> runs = KeyRuns::Decode(*kv.value, num_rows);
    if (runs && runs->field_id == field_id) return runs;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace icesync::iceberg
