#include "iceberg/file_writer.h"

#include "iceberg/snapshot_producer.h"
#include "parquet/writer.h"

namespace icesync::iceberg {

Result<DataFile> WriteNewFile(const Table& table, const RecordBatch& batch, FileContent content,
                              std::vector<Value> partition, std::vector<int> equality_ids) {
  std::string partition_path;
  if (!partition.empty()) {
    const PartitionSpec* spec = table.metadata.DefaultSpec();
    if (spec == nullptr) return InvalidArgument("table {} has no default partition spec", table.table_dir);
    partition_path = spec->PartitionPath(partition);
  }
  ASSIGN_OR_RETURN(NewFileLocation loc, NewDataFileLocation(table, partition_path));
  ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(loc.local_path, batch.schema()));
  RETURN_IF_ERROR(writer->Write(batch));
  ASSIGN_OR_RETURN(parquet::FileMetrics m, writer->Close());
  DataFile f;
  f.content = content;
  f.file_path = loc.uri;
  f.partition = std::move(partition);
  f.record_count = m.record_count;
  f.file_size_in_bytes = m.file_size_in_bytes;
  f.column_sizes = m.column_sizes;
  f.value_counts = m.value_counts;
  f.null_value_counts = m.null_value_counts;
  f.nan_value_counts = m.nan_value_counts;
  f.lower_bounds = m.lower_bounds;
  f.upper_bounds = m.upper_bounds;
  f.split_offsets = m.split_offsets;
  f.equality_ids = std::move(equality_ids);
  return f;
}

}  // namespace icesync::iceberg
