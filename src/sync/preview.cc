#include "sync/preview.h"

#include "core/canonical_json.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"

namespace icesync::sync {

Result<std::vector<std::string>> PreviewRows(const iceberg::Table& table, int64_t limit) {
  ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(table, iceberg::ScanOptions{}));
  iceberg::TableReader reader(table, plan, false);
  std::vector<std::string> rows;
  RETURN_IF_ERROR(reader.Read([&](const RecordBatch& batch) -> Result<bool> {
    for (int64_t r = 0; r < batch.num_rows() && static_cast<int64_t>(rows.size()) < limit; ++r) {
      rows.push_back(CanonicalRow(batch, r));
    }
    return static_cast<int64_t>(rows.size()) < limit;
  }));
  return rows;
}

}  // namespace icesync::sync
