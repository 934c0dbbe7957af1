#include "load/net_change.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "iceberg/column_fill.h"
#include "iceberg/data_file_projection.h"
#include "iceberg/delete_filter.h"
#include "iceberg/incremental_planner.h"
#include "iceberg/key_runs.h"
#include "parquet/parquet_reader.h"

namespace icesync::load {

namespace {

using iceberg::FileContent;

bool SameIds(std::vector<int> a, std::vector<int> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Accumulates deleted keys into bounded batches for the sink.
class KeyBatcher {
 public:
  KeyBatcher(std::shared_ptr<const Schema> schema, int64_t batch_rows, const KeyBatchSink& sink)
      : schema_(std::move(schema)), batch_rows_(batch_rows), sink_(sink), batch_(schema_) {}

  // Appends row `row` of `columns` (key order) removed at `at_us`.
  Status Add(const std::vector<const ColumnVector*>& columns, int64_t row, int64_t at_us) {
    for (size_t i = 0; i < columns.size(); ++i) iceberg::AppendValueFrom(batch_.column(i), *columns[i], row);
    batch_.column(columns.size()).Append<int64_t>(at_us);
    if (batch_.num_rows() >= batch_rows_) return Flush();
    return Status::OK();
  }
  Status Flush() {
    if (batch_.num_rows() == 0) return Status::OK();
    RETURN_IF_ERROR(sink_(batch_));
    batch_ = RecordBatch(schema_);
    return Status::OK();
  }

 private:
  std::shared_ptr<const Schema> schema_;
  int64_t batch_rows_;
  const KeyBatchSink& sink_;
  RecordBatch batch_;
};

// Columns of `batch` converted to the fields' types (promotions), in field order.
Result<std::vector<ColumnVector>> Converted(RecordBatch&& batch, const std::vector<Field>& fields) {
  std::vector<ColumnVector> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    ASSIGN_OR_RETURN(ColumnVector c, iceberg::ConvertColumn(std::move(batch.column(i)), fields[i].type));
    out.push_back(std::move(c));
  }
  return out;
}

struct DeletedRow {
  int64_t pos;
  int64_t at_us;
  bool operator<(const DeletedRow& o) const { return pos < o.pos; }
};

// The keys of `rows` (sorted) from the key runs in the data file's footer (iceberg/key_runs.h),
// when the key is one integer column stored as such and the file has runs: the file's rows
// are then not read at all. nullopt otherwise.
Result<std::optional<ColumnVector>> KeysFromFooter(const std::string& local, const std::vector<Field>& key_fields,
                                                   const std::vector<DeletedRow>& rows) {
  if (key_fields.size() != 1) return std::optional<ColumnVector>();
  const DataType& type = key_fields[0].type;
  if (type.id() != TypeId::kInt64 && type.id() != TypeId::kInt32) return std::optional<ColumnVector>();
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetReader> reader, parquet::ParquetReader::Open(local));
  const Field* stored = reader->schema()->FindFieldById(key_fields[0].id);
  if (stored == nullptr || stored->type.id() != type.id()) return std::optional<ColumnVector>();
  std::optional<iceberg::KeyRuns> runs =
      iceberg::FooterKeyRuns(reader->key_value_metadata(), reader->num_rows(), key_fields[0].id);
  if (!runs) return std::optional<ColumnVector>();
  std::vector<int64_t> positions;
  positions.reserve(rows.size());
  for (const DeletedRow& r : rows) positions.push_back(r.pos);
  std::optional<std::vector<int64_t>> keys = runs->KeysAt(positions);
  if (!keys) return std::optional<ColumnVector>();  // a position past the end: the read reports it
  ColumnVector out(type);
  out.Reserve(static_cast<int64_t>(keys->size()));
  for (int64_t k : *keys) {
    if (type.id() == TypeId::kInt64) {
      out.Append(k);
    } else {
      out.Append(static_cast<int32_t>(k));
    }
  }
  return std::optional<ColumnVector>(std::move(out));
}

// Position-delete files: (data file path, pos) rows, grouped by data file.
Status CollectPositions(const iceberg::Table& table, const NetChange& change,
                        std::map<std::string, std::vector<DeletedRow>>* by_path) {
  static const std::vector<Field> fields = {
      Field{iceberg::kDeleteFilePathFieldId, "file_path", DataType::String(), true},
      Field{iceberg::kDeletePosFieldId, "pos", DataType::Int64(), true},
  };
  const iceberg::TableFileMapper mapper = table.FileMapper(change.allow_moved_paths);
  for (const iceberg::ScanFile& del : change.position_deletes) {
    const int64_t at_us = AddedAtMs(table, del, change.to->timestamp_ms) * 1000;
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(del.path()));
    ASSIGN_OR_RETURN(iceberg::ProjectedFile projected,
                     iceberg::ReadProjected(local, fields, [&](RecordBatch&& batch, int64_t) -> Status {
                       if (batch.num_columns() != 2) return Status::OK();  // reported below
                       for (int64_t r = 0; r < batch.num_rows(); ++r) {
                         (*by_path)[std::string(batch.column(0).GetBytes(r))].push_back(
                             {batch.column(1).Value<int64_t>(r), at_us});
                       }
                       return Status::OK();
                     }));
    if (!projected.present[0] || !projected.present[1]) {
      return Corrupt("position delete file {} lacks the file_path or pos column", local);
    }
  }
  return Status::OK();
}

}  // namespace

int64_t AddedAtMs(const iceberg::Table& table, const iceberg::ScanFile& file, int64_t fallback_ms) {
  const iceberg::Snapshot* s = table.metadata.SnapshotById(file.snapshot_id);
  return s ? s->timestamp_ms : fallback_ms;
}

Result<NetChange> PlanNetChange(const iceberg::Table& table, std::optional<FromSnapshot> from,
                                std::optional<int64_t> to_snapshot_id, const std::vector<int>& key_field_ids,
                                bool allow_moved_paths) {
  iceberg::ScanOptions options;
  options.snapshot_id = to_snapshot_id;
  options.allow_moved_paths = allow_moved_paths;
  NetChange c;
  c.allow_moved_paths = allow_moved_paths;
  ASSIGN_OR_RETURN(c.to, iceberg::SelectSnapshot(table.metadata, options));
  if (c.to == nullptr) {
    c.reason = "the Iceberg table has no snapshot";
    ASSIGN_OR_RETURN(c.scan, iceberg::PlanScan(table, options));
    return c;
  }
  options.snapshot_id = c.to->snapshot_id;
  ASSIGN_OR_RETURN(c.scan, iceberg::PlanScan(table, options));
  auto full = [&](std::string reason) {
    c.full_read = true;
    c.reason = std::move(reason);
    c.row_tasks = c.scan.tasks;
    c.position_deletes.clear();
    c.equality_deletes.clear();
    return c;
  };
  if (!from) return full("first import into this target");
  if (table.metadata.SnapshotById(from->snapshot_id) == nullptr) {
    return full(fmt::format("snapshot {} held by the target is no longer in the table's history (expired)",
                            from->snapshot_id));
  }
  Result<std::vector<iceberg::SnapshotChanges>> changes =
      iceberg::PlanIncremental(table, from->snapshot_id, c.to->snapshot_id, allow_moved_paths);
  if (!changes.ok()) {
    return full(fmt::format("snapshot {} is not an ancestor of {} ({})", from->snapshot_id, c.to->snapshot_id,
                            changes.status().message()));
  }
  std::unordered_set<std::string> added;
  for (const iceberg::SnapshotChanges& ch : *changes) {
    const int64_t id = ch.snapshot.snapshot_id;
    if (!ch.removed_data_files.empty() || !ch.removed_delete_files.empty()) {
      return full(fmt::format("snapshot {} ({}) removed files", id, ch.snapshot.operation()));
    }
    for (const iceberg::ScanFile& f : ch.added_data_files) added.insert(f.path());
    if (key_field_ids.empty()) continue;  // no deleted keys wanted
    for (const iceberg::ScanFile& f : ch.added_delete_files) {
      if (f.content() == FileContent::kPositionDeletes) {
        c.position_deletes.push_back(f);
      } else if (SameIds(f.file.equality_ids, key_field_ids)) {
        c.equality_deletes.push_back(f);
      } else {
        return full(fmt::format("snapshot {} deletes by equality on columns other than the key", id));
      }
    }
  }
  c.full_read = false;
  c.reason = "incremental";
  for (const iceberg::FileScanTask& task : c.scan.tasks) {
    if (added.count(task.data.path())) c.row_tasks.push_back(task);
  }
  return c;
}

Status ReadDeletedKeys(const iceberg::Table& table, const NetChange& change, const std::vector<Field>& key_fields,
                       const std::shared_ptr<const Schema>& out_schema, int64_t batch_rows, const KeyBatchSink& sink) {
  if (change.full_read || change.to == nullptr) return Status::OK();
  KeyBatcher out(out_schema, batch_rows, sink);
  const iceberg::TableFileMapper mapper = table.FileMapper(change.allow_moved_paths);

  // Rows removed by position: the key columns of their data file at those positions.
  std::map<std::string, std::vector<DeletedRow>> by_path;
  RETURN_IF_ERROR(CollectPositions(table, change, &by_path));
  // (Not a structured binding: clang 14 does not let the lambda below capture one.)
  for (auto& entry : by_path) {
    const std::string& path = entry.first;
    std::vector<DeletedRow>& rows = entry.second;
    std::sort(rows.begin(), rows.end());
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(path));
    ASSIGN_OR_RETURN(std::optional<ColumnVector> footer_keys, KeysFromFooter(local, key_fields, rows));
    if (footer_keys) {
      const std::vector<const ColumnVector*> key = {&*footer_keys};
      for (size_t i = 0; i < rows.size(); ++i) RETURN_IF_ERROR(out.Add(key, static_cast<int64_t>(i), rows[i].at_us));
      continue;
    }
    size_t next = 0;
    ASSIGN_OR_RETURN(iceberg::ProjectedFile projected,
                     iceberg::ReadProjected(local, key_fields, [&](RecordBatch&& batch, int64_t first) -> Status {
                       if (batch.num_columns() != key_fields.size()) return Status::OK();  // reported below
                       const int64_t end = first + batch.num_rows();
                       if (next >= rows.size() || rows[next].pos >= end) return Status::OK();
                       ASSIGN_OR_RETURN(std::vector<ColumnVector> cols, Converted(std::move(batch), key_fields));
                       std::vector<const ColumnVector*> key;
                       for (const ColumnVector& col : cols) key.push_back(&col);
                       for (; next < rows.size() && rows[next].pos < end; ++next) {
                         if (rows[next].pos < first) continue;
                         RETURN_IF_ERROR(out.Add(key, rows[next].pos - first, rows[next].at_us));
                       }
                       return Status::OK();
                     }));
    for (size_t i = 0; i < key_fields.size(); ++i) {
      if (!projected.present[i]) {
        return Corrupt("data file {} has no column '{}' (field id {}): the key of its deleted rows cannot be read",
                       local, key_fields[i].name, key_fields[i].id);
      }
    }
  }

  // Equality deletes on the key: the delete rows are the keys (reordered into key order).
  for (const iceberg::ScanFile& del : change.equality_deletes) {
    const int64_t at_us = AddedAtMs(table, del, change.to->timestamp_ms) * 1000;
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(del.path()));
    ASSIGN_OR_RETURN(iceberg::ProjectedFile projected,
                     iceberg::ReadProjected(local, key_fields, [&](RecordBatch&& batch, int64_t) -> Status {
                       if (batch.num_columns() != key_fields.size()) return Status::OK();  // reported below
                       ASSIGN_OR_RETURN(std::vector<ColumnVector> cols, Converted(std::move(batch), key_fields));
                       std::vector<const ColumnVector*> key;
                       for (const ColumnVector& col : cols) key.push_back(&col);
                       for (int64_t r = 0; r < cols[0].size(); ++r) RETURN_IF_ERROR(out.Add(key, r, at_us));
                       return Status::OK();
                     }));
    for (size_t i = 0; i < key_fields.size(); ++i) {
      if (!projected.present[i]) {
        return Corrupt("equality delete file {} lacks key column '{}'", local, key_fields[i].name);
      }
    }
  }
  return out.Flush();
}

}  // namespace icesync::load
