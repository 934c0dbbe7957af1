#include "sync/position_delete_writer.h"

#include <algorithm>
#include <filesystem>

#include "io/file_io.h"
#include "iceberg/delete_filter.h"
#include "sync/parquet_file_sink.h"

namespace icesync::sync {

namespace {

std::shared_ptr<const Schema> PositionDeleteSchema() {
  static const auto schema = std::make_shared<const Schema>(std::vector<Field>{
      Field{iceberg::kDeleteFilePathFieldId, "file_path", DataType::String(), true},
      Field{iceberg::kDeletePosFieldId, "pos", DataType::Int64(), true},
  });
  return schema;
}

}  // namespace

Status PositionDeleteWriter::Add(const RowLocation& row) {
  if (row.spec_id != spec_.spec_id()) {
    return Unsupported("data file {} was written with partition spec {}, not the table's current spec {}; rows of it "
                       "cannot be deleted by this sync (rewrite the table's files first)",
                       row.file_path, row.spec_id, spec_.spec_id());
  }
  PartitionDeletes& p = by_partition_[iceberg::PartitionTupleKey(row.partition)];
  p.partition = row.partition;
  p.positions[row.file_path].push_back(row.pos);
  ++rows_;
  return Status::OK();
}

std::vector<std::string> PositionDeleteWriter::TargetFiles() const {
  std::vector<std::string> out;
  for (const auto& [key, p] : by_partition_) {
    for (const auto& [file, positions] : p.positions) out.push_back(file);
  }
  return out;
}

Result<std::vector<iceberg::DataFile>> PositionDeleteWriter::Write() {
  std::vector<iceberg::DataFile> out;
  if (by_partition_.empty()) return out;
  ParquetSinkOptions so;
  so.row_group_size = int64_t{8} << 20;
  ASSIGN_OR_RETURN(DataFileSinkFactory factory, ParquetSinkFactory(PositionDeleteSchema(), so));
  int n = 0;
  for (auto& [key, p] : by_partition_) {
    const std::string partition_path = spec_.PartitionPath(p.partition);
    const std::string rel = "data/" + (partition_path.empty() ? "" : partition_path + "/") + job_id_ + "-deletes-" +
                            std::to_string(n++) + ".parquet";
    const std::string local = table_dir_ + "/" + rel;
    if (!io::HasRemoteScheme(local)) {  // object storage has no directories to make
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(local).parent_path(), ec);
      if (ec) return IOError("cannot create the directory for {}: {}", local, ec.message());
    }
    ASSIGN_OR_RETURN(std::unique_ptr<DataFileSink> sink, factory(local, local));
    RecordBatch batch(PositionDeleteSchema());
    // Sorted by file_path (the map's order), then by position.
    for (auto& [file, positions] : p.positions) {
      std::sort(positions.begin(), positions.end());
      positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
      for (int64_t pos : positions) {
        batch.column(0).AppendBytes(file);
        batch.column(1).Append<int64_t>(pos);
      }
    }
    RETURN_IF_ERROR(sink->Write(batch));
    ASSIGN_OR_RETURN(iceberg::DataFile f, sink->Close());
    f.content = iceberg::FileContent::kPositionDeletes;
    f.partition = p.partition;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace icesync::sync
