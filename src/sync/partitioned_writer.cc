#include "sync/partitioned_writer.h"

#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include "io/file_io.h"
#include "sync/batch_rows.h"

namespace icesync::sync {

Value ValueAt(const ColumnVector& column, int64_t row) {
  const DataType& type = column.type();
  if (column.IsNull(row)) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBoolean: return Value(type, column.Value<uint8_t>(row) != 0);
    case TypeId::kInt32:
    case TypeId::kDate: return Value(type, column.Value<int32_t>(row));
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value(type, column.Value<int64_t>(row));
    case TypeId::kFloat32: return Value(type, column.Value<float>(row));
    case TypeId::kFloat64: return Value(type, column.Value<double>(row));
    case TypeId::kDecimal: return Value(type, column.Value<Int128>(row));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kUuid:
    case TypeId::kFixed: return Value(type, std::string(column.GetBytes(row)));
    default: return Value::Null(type);  // nested types are never partition sources
  }
}


PartitionedWriter::PartitionedWriter(std::shared_ptr<const Schema> schema, iceberg::PartitionSpec spec,
                                     PartitionedWriterOptions options, DataFileSinkFactory open_sink)
    : schema_(std::move(schema)),
      spec_(std::move(spec)),
      options_(std::move(options)),
      open_sink_(std::move(open_sink)),
      scratch_(schema_) {}

Result<std::unique_ptr<PartitionedWriter>> PartitionedWriter::Create(std::shared_ptr<const Schema> schema,
                                                                     iceberg::PartitionSpec spec,
                                                                     PartitionedWriterOptions options,
                                                                     DataFileSinkFactory open_sink) {
  std::vector<size_t> sources;
  for (const iceberg::PartitionField& pf : spec.fields()) {
    size_t index = schema->num_fields();
    for (size_t i = 0; i < schema->num_fields(); ++i) {
      if (schema->field(i).id == pf.source_id) index = i;
    }
    if (index == schema->num_fields()) {
      return InvalidArgument("partition field '{}' refers to field id {}, which is not a top-level column", pf.name,
                             pf.source_id);
    }
    sources.push_back(index);
  }
  std::unique_ptr<PartitionedWriter> w(
      new PartitionedWriter(std::move(schema), std::move(spec), std::move(options), std::move(open_sink)));
  w->source_columns_ = std::move(sources);
  return w;
}

int64_t PartitionedWriter::bytes_written() const {
  int64_t total = closed_bytes_;
  for (const auto& [key, file] : open_) total += file.sink->EstimatedSize();
  return total;
}

Result<PartitionedWriter::OpenFile*> PartitionedWriter::FileFor(const std::string& key,
                                                                const std::vector<Value>& tuple) {
  if (auto it = open_.find(key); it != open_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return &it->second;
  }
  if (static_cast<int>(open_.size()) >= options_.max_open_files) {
    RETURN_IF_ERROR(CloseFile(lru_.back()));
  }
  OpenFile file;
  file.tuple = tuple;
  file.partition_path = spec_.PartitionPath(tuple);
  const std::string name = fmt::format("{}-{:05}.parquet", options_.job_id, next_sequence_++);
  const std::string rel = file.partition_path.empty() ? name : file.partition_path + "/" + name;
  const std::string local = options_.data_dir + "/" + rel;
  if (!io::HasRemoteScheme(local)) {  // object storage has no directories to make
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(local).parent_path(), ec);
    if (ec) return IOError("cannot create directory for {}: {}", local, ec.message());
  }
  ASSIGN_OR_RETURN(file.sink, open_sink_(local, options_.data_uri + "/" + rel));
  lru_.push_front(key);
  file.lru = lru_.begin();
  auto [it, inserted] = open_.emplace(key, std::move(file));
  return &it->second;
}

Status PartitionedWriter::CloseFile(const std::string& key) {
  auto it = open_.find(key);
  if (it == open_.end()) return Status::OK();
  OpenFile file = std::move(it->second);
  lru_.erase(file.lru);
  open_.erase(it);
  ASSIGN_OR_RETURN(iceberg::DataFile data_file, file.sink->Close());
  data_file.partition = std::move(file.tuple);
  closed_bytes_ += data_file.file_size_in_bytes;
  done_.push_back(std::move(data_file));
  return Status::OK();
}

Status PartitionedWriter::WriteRows(const std::string& key, const std::vector<Value>& tuple,
                                    const RecordBatch& batch, const std::vector<int64_t>* rows) {
  ASSIGN_OR_RETURN(OpenFile * file, FileFor(key, tuple));
  if (rows == nullptr) {
    RETURN_IF_ERROR(file->sink->Write(batch));
  } else {
    scratch_.Clear();
    AppendRows(scratch_, batch, *rows);
    RETURN_IF_ERROR(file->sink->Write(scratch_));
  }
  if (file->sink->EstimatedSize() >= options_.target_file_size) RETURN_IF_ERROR(CloseFile(key));
  return Status::OK();
}

Status PartitionedWriter::Write(const RecordBatch& batch) {
  if (batch.num_rows() == 0) return Status::OK();
  rows_ += batch.num_rows();
  if (spec_.fields().empty()) return WriteRows("", {}, batch, nullptr);

  // Group the batch's rows by partition; groups keep first-seen order so output is stable.
  std::unordered_map<std::string, size_t> group_of;
  std::vector<std::pair<std::vector<Value>, std::vector<int64_t>>> groups;
  std::vector<Value> source(source_columns_.size());
  std::string key;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    for (size_t i = 0; i < source_columns_.size(); ++i) source[i] = ValueAt(batch.column(source_columns_[i]), r);
    ASSIGN_OR_RETURN(std::vector<Value> tuple, spec_.PartitionTuple(source));
    key = iceberg::PartitionTupleKey(tuple);
    auto [it, inserted] = group_of.emplace(key, groups.size());
    if (inserted) groups.emplace_back(std::move(tuple), std::vector<int64_t>{});
    groups[it->second].second.push_back(r);
  }
  if (groups.size() == 1) {
    const std::string only = iceberg::PartitionTupleKey(groups[0].first);
    return WriteRows(only, groups[0].first, batch, nullptr);
  }
  for (auto& [tuple, rows] : groups) {
    RETURN_IF_ERROR(WriteRows(iceberg::PartitionTupleKey(tuple), tuple, batch, &rows));
  }
  return Status::OK();
}

Result<std::vector<iceberg::DataFile>> PartitionedWriter::Finish() {
  while (!lru_.empty()) RETURN_IF_ERROR(CloseFile(lru_.back()));
  return std::move(done_);
}

}  // namespace icesync::sync
