// bench/run import helper: commits one row delta changing 1 row in every `--every` of an
// Iceberg table (keyed by its first identifier field, a long), as the sync feature commits an
// update: a position-delete file removing the old rows and a data file with the new versions
// (the first string column gets "-changed" appended). Prints "CHANGED <rows>".
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "iceberg/column_fill.h"
#include "iceberg/data_file_projection.h"
#include "iceberg/delete_filter.h"
#include "iceberg/file_writer.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_producer.h"

using namespace icesync;

namespace {

Result<int64_t> Run(const std::string& table_dir, int64_t every) {
  ASSIGN_OR_RETURN(iceberg::Table table, iceberg::LoadTableDir(table_dir));
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, {}));
  auto schema = std::make_shared<const Schema>(plan.schema.fields(), plan.schema.schema_id(),
                                               plan.schema.identifier_field_ids());
  if (schema->identifier_field_ids().empty()) return InvalidArgument("the table has no identifier field");
  size_t key = 0, text = schema->num_fields();
  for (size_t i = 0; i < schema->num_fields(); ++i) {
    if (schema->field(i).id == schema->identifier_field_ids()[0]) key = i;
    if (text == schema->num_fields() && schema->field(i).type.id() == TypeId::kString) text = i;
  }
  auto pos_schema = std::make_shared<const Schema>(std::vector<Field>{
      {iceberg::kDeleteFilePathFieldId, "file_path", DataType::String(), true},
      {iceberg::kDeletePosFieldId, "pos", DataType::Int64(), true}});
  RecordBatch positions(pos_schema);
  RecordBatch changed(schema);
  const iceberg::TableFileMapper mapper = table.FileMapper(false);
  for (const iceberg::FileScanTask& task : plan.tasks) {
    ASSIGN_OR_RETURN(std::string local, mapper.ToLocal(task.data.path()));
    RETURN_IF_ERROR(iceberg::ReadProjected(local, schema->fields(), [&](RecordBatch&& batch, int64_t first) -> Status {
                      if (batch.num_columns() != schema->num_fields()) return Internal("{}: columns missing", local);
                      for (int64_t r = 0; r < batch.num_rows(); ++r) {
                        if (batch.column(key).Value<int64_t>(r) % every != 0) continue;
                        positions.column(0).AppendBytes(task.data.path());
                        positions.column(1).Append<int64_t>(first + r);
                        for (size_t c = 0; c < schema->num_fields(); ++c) {
                          if (c == text && !batch.column(c).IsNull(r)) {
                            changed.column(c).AppendBytes(std::string(batch.column(c).GetBytes(r)) + "-changed");
                          } else {
                            iceberg::AppendValueFrom(changed.column(c), batch.column(c), r);
                          }
                        }
                      }
                      return Status::OK();
                    }));
  }
  ASSIGN_OR_RETURN(iceberg::DataFile deletes, iceberg::WriteNewFile(table, positions, iceberg::FileContent::kPositionDeletes));
  ASSIGN_OR_RETURN(iceberg::DataFile data, iceberg::WriteNewFile(table, changed, iceberg::FileContent::kData));
  RETURN_IF_ERROR(iceberg::RowDelta(table_dir, {data}, {deletes}));
  return changed.num_rows();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[2], "--every") != 0) {
    std::fprintf(stderr, "usage: import_delta_bench TABLE_DIR --every N\n");
    return 2;
  }
  Result<int64_t> changed = Run(argv[1], std::atoll(argv[3]));
  if (!changed.ok()) {
    std::fprintf(stderr, "import_delta_bench: %s\n", changed.status().ToString().c_str());
    return 1;
  }
  std::printf("CHANGED %lld\n", static_cast<long long>(*changed));
  return 0;
}
