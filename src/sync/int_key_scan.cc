#include "sync/int_key_scan.h"

#include <algorithm>
#include <thread>

#include "parquet/parquet_reader.h"
#include "iceberg/key_runs.h"

namespace icesync::sync {

namespace {

// One thread's share: the row groups `groups` of the file, probed; found rows go to `out`.
template <typename T>
Status ProbeRowGroups(const std::string& local_path, int field_id, const std::vector<int>& groups,
                      const IntKeySet& wanted, std::vector<FoundIntKey>* out) {
  if (groups.empty()) return Status::OK();
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetReader> reader, parquet::ParquetReader::Open(local_path));
  parquet::ScanOptions scan;
  scan.field_ids = {field_id};
  scan.row_groups = groups;
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::BatchReader> stream, reader->Scan(scan));
  RecordBatch batch;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stream->Next(&batch));
    if (!more) break;
    const ColumnVector& column = batch.column(0);
    const T* values = column.values<T>();
    const int64_t rows = batch.num_rows();
    const int64_t first = stream->first_row();
    for (int64_t r = 0; r < rows; ++r) {
      if (!wanted.Contains(values[r])) [[likely]] continue;
      if (column.IsNull(r)) continue;  // null keys match nothing
      out->push_back({values[r], first + r});
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::optional<std::vector<FoundIntKey>>> ScanIntKeys(const std::string& local_path, const Field& key,
                                                            const IntKeySet& wanted,
                                                            const std::vector<int64_t>& sorted_wanted,
                                                            const std::vector<int64_t>& deleted,
                                                            const std::vector<Predicate>& prune, int threads) {
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetReader> reader, parquet::ParquetReader::Open(local_path));
  const Field* stored = reader->schema()->FindFieldById(key.id);
  std::vector<FoundIntKey> found;
  if (stored == nullptr) return std::optional<std::vector<FoundIntKey>>(std::move(found));  // the file predates the key
  if (stored->type.id() != key.type.id()) return std::optional<std::vector<FoundIntKey>>();
  auto live = [&](int64_t pos) { return !std::binary_search(deleted.begin(), deleted.end(), pos); };
  if (std::optional<iceberg::KeyRuns> runs =
          iceberg::FooterKeyRuns(reader->key_value_metadata(), reader->num_rows(), key.id)) {
    for (const auto& [k, pos] : runs->Find(sorted_wanted)) {
      if (live(pos)) found.push_back({k, pos});
    }
    return std::optional<std::vector<FoundIntKey>>(std::move(found));
  }
  std::vector<int> groups;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    if (reader->RowGroupMightMatch(rg, prune)) groups.push_back(rg);
  }
  const int n = std::max(1, std::min<int>(threads, static_cast<int>(groups.size())));
  std::vector<std::vector<int>> shares(n);
  for (size_t i = 0; i < groups.size(); ++i) shares[i % n].push_back(groups[i]);
  std::vector<std::vector<FoundIntKey>> outs(n);
  std::vector<Status> results(n, Status::OK());
  auto work = [&](int t) {
    results[t] = key.type.id() == TypeId::kInt64
                     ? ProbeRowGroups<int64_t>(local_path, key.id, shares[t], wanted, &outs[t])
                     : ProbeRowGroups<int32_t>(local_path, key.id, shares[t], wanted, &outs[t]);
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < n; ++t) helpers.emplace_back(work, t);
  work(0);
  for (std::thread& h : helpers) h.join();
  for (int t = 0; t < n; ++t) {
    if (!results[t].ok()) return results[t].WithContext(local_path);
    for (const FoundIntKey& f : outs[t]) {
      if (live(f.pos)) found.push_back(f);
    }
  }
  return std::optional<std::vector<FoundIntKey>>(std::move(found));
}

}  // namespace icesync::sync
