#include "iceberg/table_reader.h"

#include <algorithm>

#include "iceberg/column_fill.h"
#include "iceberg/data_file_projection.h"
#include "iceberg/single_value_json.h"

namespace icesync::iceberg {

namespace {

const std::vector<Field>& PositionDeleteFields() {
  static const std::vector<Field> fields = {
      Field{kDeleteFilePathFieldId, "file_path", DataType::String(), true},
      Field{kDeletePosFieldId, "pos", DataType::Int64(), true},
  };
  return fields;
}

// The value a field missing from a data file reads as (table spec, "Column Projection").
Result<Value> MissingFieldValue(const Field& field, const ScanFile& data_file) {
  for (const auto& [source_id, value] : data_file.identity_values) {
    if (source_id != field.id) continue;
    if (value.is_null()) return Value::Null(field.type);
    if (value.type() == field.type) return value;
    break;  // an identity value of another type (promoted column): not this field's value
  }
  return InitialDefaultValue(field);
}

}  // namespace

TableReader::TableReader(const Table& table, const ScanPlan& plan, bool allow_moved_paths)
    : table_(table),
      plan_(plan),
      mapper_(table.FileMapper(allow_moved_paths)),
      schema_(std::make_shared<const Schema>(plan.schema)) {}

const Field* TableReader::FindTableField(int field_id) const {
  if (const Field* f = schema_->FindFieldById(field_id)) return f;
  for (auto it = table_.metadata.schemas.rbegin(); it != table_.metadata.schemas.rend(); ++it) {
    if (const Field* f = it->FindFieldById(field_id)) return f;
  }
  return nullptr;
}

Result<const PositionDeletes*> TableReader::LoadPositionDeletes(const ScanFile& delete_file) {
  auto it = position_deletes_.find(delete_file.path());
  if (it != position_deletes_.end()) return it->second.get();
  ASSIGN_OR_RETURN(std::string local, mapper_.ToLocal(delete_file.path()));
  auto deletes = std::make_unique<PositionDeletes>();
  ASSIGN_OR_RETURN(ProjectedFile projected,
                   ReadProjected(local, PositionDeleteFields(), [&](RecordBatch&& batch, int64_t) -> Status {
                     if (batch.num_columns() != 2) return Status::OK();  // reported below
                     return deletes->AddBatch(batch, 0, 1);
                   }));
  if (!projected.present[0] || !projected.present[1]) {
    return Corrupt("position delete file {} lacks the file_path or pos column (field ids {} and {})", local,
                   kDeleteFilePathFieldId, kDeletePosFieldId);
  }
  const PositionDeletes* raw = deletes.get();
  position_deletes_.emplace(delete_file.path(), std::move(deletes));
  return raw;
}

Result<const EqualityDeletes*> TableReader::LoadEqualityDeletes(const ScanFile& delete_file) {
  auto it = equality_deletes_.find(delete_file.path());
  if (it != equality_deletes_.end()) return it->second.get();
  ASSIGN_OR_RETURN(std::string local, mapper_.ToLocal(delete_file.path()));
  const std::vector<int>& ids = delete_file.file.equality_ids;
  if (ids.empty()) return Corrupt("equality delete file {} has no equality_ids", local);
  std::vector<Field> fields;
  for (int id : ids) {
    const Field* f = FindTableField(id);
    if (!f) return Corrupt("equality delete file {}: equality field id {} is not in the table's schemas", local, id);
    if (f->type.is_nested()) return Unsupported("equality delete file {}: equality on nested field {}", local, f->name);
    fields.push_back(*f);
  }
  auto deletes = std::make_unique<EqualityDeletes>(ids);
  ASSIGN_OR_RETURN(ProjectedFile projected, ReadProjected(local, fields, [&](RecordBatch&& batch, int64_t) -> Status {
                     if (batch.num_columns() != fields.size()) return Status::OK();  // reported below
                     std::vector<ColumnVector> converted;
                     for (size_t i = 0; i < fields.size(); ++i) {
                       ASSIGN_OR_RETURN(ColumnVector c, ConvertColumn(std::move(batch.column(i)), fields[i].type));
                       converted.push_back(std::move(c));
                     }
                     std::vector<const ColumnVector*> columns;
                     for (const ColumnVector& c : converted) columns.push_back(&c);
                     deletes->AddRows(columns);
                     return Status::OK();
                   }));
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!projected.present[i]) {
      return Corrupt("equality delete file {} lacks column '{}' (field id {}) named by its equality_ids", local,
                     fields[i].name, fields[i].id);
    }
  }
  const EqualityDeletes* raw = deletes.get();
  equality_deletes_.emplace(delete_file.path(), std::move(deletes));
  return raw;
}

Status TableReader::CollectDeletes(const FileScanTask& task, std::vector<int64_t>* positions,
                                   std::vector<const EqualityDeletes*>* equality) {
  for (const ScanFile& del : task.deletes) {
    if (del.content() == FileContent::kPositionDeletes) {
      ASSIGN_OR_RETURN(const PositionDeletes* pd, LoadPositionDeletes(del));
      std::vector<int64_t> mine = pd->PositionsFor(task.data.path());
      positions->insert(positions->end(), mine.begin(), mine.end());
    } else if (del.content() == FileContent::kEqualityDeletes) {
      ASSIGN_OR_RETURN(const EqualityDeletes* ed, LoadEqualityDeletes(del));
      equality->push_back(ed);
    }
  }
  std::sort(positions->begin(), positions->end());
  return Status::OK();
}

Result<std::vector<int64_t>> TableReader::DeletedPositions(const FileScanTask& task) {
  std::vector<int64_t> positions;
  std::vector<const EqualityDeletes*> equality;
  RETURN_IF_ERROR(CollectDeletes(task, &positions, &equality));
  if (!equality.empty()) {
    return Unsupported("{}: equality deletes apply; read it with ReadTask", task.data.path());
  }
  return positions;
}

Result<bool> TableReader::ReadTask(const FileScanTask& task, const BatchSink& sink) {
  return ReadTask(task, [&](const RecordBatch& batch, const std::vector<int64_t>&) { return sink(batch); });
}

Result<bool> TableReader::ReadTask(const FileScanTask& task, const PositionedBatchSink& sink) {
  const ScanFile& data = task.data;
  ASSIGN_OR_RETURN(std::string local, mapper_.ToLocal(data.path()));

  // Deletes that apply, loaded (and cached) first.
  std::vector<int64_t> positions;
  std::vector<const EqualityDeletes*> equality;
  RETURN_IF_ERROR(CollectDeletes(task, &positions, &equality));

  // Read the scan schema's fields plus any equality column the scan schema lacks.
  std::vector<Field> wanted = schema_->fields();
  const size_t scan_columns = wanted.size();
  std::vector<std::vector<size_t>> equality_columns;  // per equality delete: indexes into wanted
  for (const EqualityDeletes* ed : equality) {
    std::vector<size_t> indexes;
    for (int id : ed->equality_ids()) {
      auto at = std::find_if(wanted.begin(), wanted.end(), [id](const Field& f) { return f.id == id; });
      if (at == wanted.end()) {
        const Field* f = FindTableField(id);
        if (!f) return Corrupt("equality field id {} is not in the table's schemas", id);
        wanted.push_back(*f);
        at = wanted.end() - 1;
      }
      indexes.push_back(static_cast<size_t>(at - wanted.begin()));
    }
    equality_columns.push_back(std::move(indexes));
  }
  // Values of the fields the file may lack, computed once.
  std::vector<Value> fill(wanted.size());
  for (size_t i = 0; i < wanted.size(); ++i) {
    ASSIGN_OR_RETURN(fill[i], MissingFieldValue(wanted[i], data));
  }

  bool stopped = false;
  auto on_batch = [&](RecordBatch&& part, int64_t first_row) -> Status {
    if (stopped) return Status::OK();
    const int64_t rows = part.num_rows();
    RecordBatch full(schema_);
    std::vector<ColumnVector> columns(wanted.size());
    size_t next_present = 0;
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (next_present < part.num_columns() && part.schema()->field(next_present).id == wanted[i].id) {
        ASSIGN_OR_RETURN(columns[i], ConvertColumn(std::move(part.column(next_present)), wanted[i].type));
        ++next_present;
      } else {
        ASSIGN_OR_RETURN(columns[i], ConstantColumn(wanted[i].type, fill[i], rows));
      }
    }
    std::vector<uint8_t> keep(rows, 1);
    ApplyPositionDeletes(positions, first_row, keep);
    for (size_t d = 0; d < equality.size(); ++d) {
      std::vector<const ColumnVector*> key;
      for (size_t index : equality_columns[d]) key.push_back(&columns[index]);
      equality[d]->Apply(key, keep);
    }
    for (size_t i = 0; i < scan_columns; ++i) full.column(i) = std::move(columns[i]);
    full.set_num_rows(rows);
    std::vector<int64_t> kept_positions;
    kept_positions.reserve(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) {
      if (keep[static_cast<size_t>(i)]) kept_positions.push_back(first_row + i);
    }
    const bool all_kept = static_cast<int64_t>(kept_positions.size()) == rows;
    Result<bool> more = all_kept ? sink(full, kept_positions) : sink(SelectRows(full, keep), kept_positions);
    RETURN_IF_ERROR(more);
    if (!*more) stopped = true;
    return Status::OK();
  };
  RETURN_IF_ERROR(ReadProjected(local, wanted, on_batch));
  return !stopped;
}

Status TableReader::Read(const BatchSink& sink) {
  for (const FileScanTask& task : plan_.tasks) {
    ASSIGN_OR_RETURN(bool more, ReadTask(task, sink));
    if (!more) break;
  }
  return Status::OK();
}

Result<RecordBatch> TableReader::ReadAll() {
  RecordBatch all(schema_);
  int64_t rows = 0;
  RETURN_IF_ERROR(Read([&](const RecordBatch& batch) -> Result<bool> {
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      for (int64_t r = 0; r < batch.num_rows(); ++r) AppendValueFrom(all.column(c), batch.column(c), r);
    }
    rows += batch.num_rows();
    return true;
  }));
  all.set_num_rows(rows);
  return all;
}

}  // namespace icesync::iceberg
