// ReadProjected (data_file_projection.h) on top of the Parquet reader.
#include "iceberg/data_file_projection.h"

#include "parquet/parquet_reader.h"

namespace icesync::iceberg {

Result<ProjectedFile> ReadProjected(const std::string& local_path, const std::vector<Field>& wanted,
                                    const ProjectedBatchSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetReader> reader, parquet::ParquetReader::Open(local_path));
  const Schema& file_schema = *reader->schema();

  ProjectedFile result;
  result.num_rows = reader->num_rows();
  result.present.assign(wanted.size(), false);
  std::vector<Field> present_fields;  // wanted fields the file has, in wanted order
  parquet::ScanOptions scan;
  for (size_t i = 0; i < wanted.size(); ++i) {
    for (const Field& f : file_schema.fields()) {
      if (f.id != wanted[i].id) continue;
      result.present[i] = true;
      Field pf = f;
      pf.name = wanted[i].name;
      present_fields.push_back(std::move(pf));
      scan.field_ids.push_back(f.id);
      break;
    }
  }
  auto out_schema = std::make_shared<const Schema>(present_fields);
  if (scan.field_ids.empty()) {
    // Nothing to read but the row count: a file predating every wanted field.
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      RecordBatch batch(out_schema);
      batch.set_num_rows(reader->row_group_num_rows(rg));
      RETURN_IF_ERROR(sink(std::move(batch), reader->row_group_first_row(rg)));
    }
    return result;
  }
  const std::shared_ptr<const Schema> projected = reader->ProjectedSchema(scan);
  // Column index in the reader's batches of each present field, in wanted order.
  std::vector<size_t> source_column;
  for (const Field& f : present_fields) {
    for (size_t c = 0; c < projected->num_fields(); ++c) {
      if (projected->field(c).id == f.id) {
        source_column.push_back(c);
        break;
      }
    }
  }
  if (source_column.size() != present_fields.size()) {
    return Internal("{}: the Parquet reader did not return every projected field", local_path);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::BatchReader> stream, reader->Scan(scan));
  RecordBatch part;
  while (true) {
    Result<bool> more = stream->Next(&part);
    if (!more.ok()) return more.status().WithContext(local_path);
    if (!*more) break;
    // The columns are swapped out (fresh empty ones take their place in `part`), so that
    // the reader's next batch finds valid columns to fill.
    RecordBatch batch(out_schema);
    for (size_t i = 0; i < source_column.size(); ++i) std::swap(batch.column(i), part.column(source_column[i]));
    batch.set_num_rows(part.num_rows());
    RETURN_IF_ERROR(sink(std::move(batch), stream->first_row()));
  }
  return result;
}

}  // namespace icesync::iceberg
