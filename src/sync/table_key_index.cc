#include "sync/table_key_index.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "iceberg/delete_filter.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"
#include "sync/int_key_scan.h"
#include "sync/int_key_set.h"

namespace icesync::sync {

namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

RowLocation LocationOf(const iceberg::ScanFile& file, int64_t pos) {
  return RowLocation{file.path(), pos, file.spec_id, file.file.partition};
}

Result<const Field*> FieldById(const Schema& schema, int id) {
  const Field* f = schema.FindFieldById(id);
  if (f == nullptr) return InvalidArgument("field id {} is not in the table's schema", id);
  return f;
}

Status DuplicateKey(const std::string& key_names, const iceberg::Table& table, const KeyIndex& index, uint32_t a,
                    uint32_t b) {
  return InvalidArgument("the key ({}) is not unique in table {}: two live rows hold the same key (in {} and {}); a "
                         "mirror sync needs a unique key (--key)",
                         key_names, table.table_dir, index.files[a].file_path, index.files[b].file_path);
}

}  // namespace

std::string ContentHash(const std::vector<const ColumnVector*>& columns, int64_t row) {
  const std::string key = iceberg::EqualityKey(columns, row);
  const uint64_t h[2] = {Fnv1a(key), std::hash<std::string>{}(key)};
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

uint64_t ContentHash64(const std::vector<const ColumnVector*>& columns, int64_t row) {
  return Fnv1a(iceberg::EqualityKey(columns, row));
}

Result<KeyIndex> IndexTableKeys(const iceberg::Table& table, const Schema& row_schema, const KeyIndexOptions& options,
                                const KeyFilter& filter, const std::vector<Predicate>& prune) {
  KeyIndex index;
  const std::unordered_set<std::string>* wanted = filter.absent ? nullptr : filter.keys;
  if (table.metadata.CurrentSnapshot() == nullptr) return index;
  if (!filter.absent && filter.keys != nullptr && filter.keys->empty() && filter.sorted_ints == nullptr) return index;
  iceberg::ScanOptions so;
  so.filter = prune;
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, so));
  // Read the key columns, the order and tag columns and the hashed ones, each once.
  std::vector<Field> fields;
  auto position_of = [&](int id) -> Result<size_t> {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].id == id) return i;
    }
    ASSIGN_OR_RETURN(const Field* f, FieldById(row_schema, id));
    fields.push_back(*f);
    return fields.size() - 1;
  };
  std::vector<size_t> key_columns, hash_columns;
  for (int id : options.key_field_ids) {
    ASSIGN_OR_RETURN(size_t i, position_of(id));
    key_columns.push_back(i);
  }
  for (int id : options.hash_field_ids) {
    ASSIGN_OR_RETURN(size_t i, position_of(id));
    hash_columns.push_back(i);
  }
  std::optional<size_t> order_column, tag_column;
  if (options.latest_by_field_id) {
    ASSIGN_OR_RETURN(order_column, position_of(*options.latest_by_field_id));
  }
  if (options.tag_field_id) {
    ASSIGN_OR_RETURN(tag_column, position_of(*options.tag_field_id));
  }
  std::string key_names;
  for (size_t c : key_columns) key_names += (key_names.empty() ? "" : ", ") + fields[c].name;
  // A single integer key (the common case) is tested as a number before any key string is
  // built: the scan of a large table's key column then costs a hash probe per row.
  std::optional<IntKeySet> wanted_ints;
  std::vector<int64_t> sorted_wanted;  // the same keys, ascending
  const bool int_key = key_columns.size() == 1 && (fields[key_columns[0]].type.id() == TypeId::kInt64 ||
                                                   fields[key_columns[0]].type.id() == TypeId::kInt32);
  const std::vector<int64_t>* sorted_ints = int_key ? filter.sorted_ints : nullptr;
  if (int_key && wanted != nullptr && sorted_ints == nullptr) {
    const bool wide = fields[key_columns[0]].type.id() == TypeId::kInt64;
    wanted_ints.emplace(wanted->size());
    for (const std::string& k : *wanted) {
      if (k.size() != 1 + (wide ? 8u : 4u) || k[0] != '\1') continue;  // null keys match nothing here
      if (wide) {
        int64_t v;
        std::memcpy(&v, k.data() + 1, 8);
        wanted_ints->Insert(v);
        sorted_wanted.push_back(v);
      } else {
        int32_t v;
        std::memcpy(&v, k.data() + 1, 4);
        wanted_ints->Insert(v);
        sorted_wanted.push_back(v);
      }
    }
    std::sort(sorted_wanted.begin(), sorted_wanted.end());
  }
  plan.schema = Schema(fields, row_schema.schema_id());
  iceberg::TableReader reader(table, plan, false);
  // The lean path (sync/int_key_scan.h): only the key column is read, and nothing is kept per
  // row but the wanted ones.
  const bool lean = wanted_ints && fields.size() == 1 && !filter.absent;
  const iceberg::TableFileMapper mapper = table.FileMapper(false);
  const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  for (const iceberg::FileScanTask& task : plan.tasks) {
    const uint32_t file_index = static_cast<uint32_t>(index.files.size());
    index.files.push_back(LocationOf(task.data, 0));
    if (lean) {
      Result<std::vector<int64_t>> deleted = reader.DeletedPositions(task);
      if (deleted.ok()) {
        ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(task.data.path()));
        ASSIGN_OR_RETURN(std::optional<std::vector<FoundIntKey>> found,
                         ScanIntKeys(local, fields[0], *wanted_ints, sorted_wanted, *deleted, prune, threads));
        if (found) {
          const size_t width = fields[0].type.id() == TypeId::kInt64 ? 8 : 4;
          for (const FoundIntKey& f : *found) {
            std::string k(1, '\1');
            if (width == 8) {
              k.append(reinterpret_cast<const char*>(&f.key), 8);
            } else {
              const int32_t narrow = static_cast<int32_t>(f.key);
              k.append(reinterpret_cast<const char*>(&narrow), 4);
            }
            auto [it, inserted] = index.rows.try_emplace(std::move(k), IndexedRow{file_index, f.pos, 0, {}, {}});
            if (!inserted) return DuplicateKey(key_names, table, index, it->second.file, file_index);
          }
          continue;
        }
      } else if (deleted.status().code() != ErrorCode::kUnsupported) {
        return deleted.status();
      }
    }
    ASSIGN_OR_RETURN(bool more, reader.ReadTask(task, [&](const RecordBatch& batch,
                                                          const std::vector<int64_t>& positions) -> Result<bool> {
      std::vector<const ColumnVector*> key;
      for (size_t c : key_columns) key.push_back(&batch.column(c));
      std::vector<const ColumnVector*> hashed;
      for (size_t c : hash_columns) hashed.push_back(&batch.column(c));
      const ColumnVector& first_key = batch.column(key_columns[0]);
      const bool wide = first_key.type().id() == TypeId::kInt64;
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        if (wanted_ints || sorted_ints) {
          bool in_set = false;
          if (!first_key.IsNull(r)) {
            const int64_t v = wide ? first_key.Value<int64_t>(r) : first_key.Value<int32_t>(r);
            in_set = wanted_ints ? wanted_ints->Contains(v)
                                 : std::binary_search(sorted_ints->begin(), sorted_ints->end(), v);
          }
          if (in_set == filter.absent) continue;
        }
        std::string k = iceberg::EqualityKey(key, r);
        if (!sorted_ints && filter.keys != nullptr && (filter.keys->count(k) > 0) == filter.absent) continue;
        IndexedRow row{file_index, positions[static_cast<size_t>(r)], 0, {}, {}};
        if (order_column) {
          const ColumnVector& o = batch.column(*order_column);
          row.order = o.IsNull(r) ? INT64_MIN : o.Value<int64_t>(r);
        }
        if (tag_column && !batch.column(*tag_column).IsNull(r)) {
          row.tag = std::string(batch.column(*tag_column).GetBytes(r));
        }
        if (!hashed.empty()) row.content_hash = ContentHash(hashed, r);
        auto [it, inserted] = index.rows.try_emplace(std::move(k), row);
        if (inserted) continue;
        if (!options.latest_by_field_id) return DuplicateKey(key_names, table, index, it->second.file, row.file);
        if (row.order > it->second.order) it->second = std::move(row);
      }
      return true;
    }));
    (void)more;
  }
  return index;
}

Status ReadRowsAt(const iceberg::Table& table, const Schema& row_schema, const std::vector<RowLocation>& rows,
                  const LocatedRowSink& sink) {
  if (rows.empty()) return Status::OK();
  std::map<std::string, std::map<int64_t, const RowLocation*>> by_file;
  for (const RowLocation& r : rows) by_file[r.file_path][r.pos] = &r;
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, {}));
  plan.schema = row_schema;
  iceberg::TableReader reader(table, plan, false);
  for (const iceberg::FileScanTask& task : plan.tasks) {
    auto file = by_file.find(task.data.path());
    if (file == by_file.end()) continue;
    const auto& wanted = file->second;
    ASSIGN_OR_RETURN(bool more, reader.ReadTask(task, [&](const RecordBatch& batch,
                                                          const std::vector<int64_t>& positions) -> Result<bool> {
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        auto at = wanted.find(positions[static_cast<size_t>(r)]);
        if (at != wanted.end()) RETURN_IF_ERROR(sink(batch, r, *at->second));
      }
      return true;
    }));
    (void)more;
  }
  return Status::OK();
}

}  // namespace icesync::sync
