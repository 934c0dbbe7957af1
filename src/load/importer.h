#pragma once
// `icesync import`: loads an Iceberg table into a database table, exactly once.
//
//   1. the target is prepared (created with --create), the key resolved, icesync_state read;
//   2. the net change from the snapshot the target holds to the chosen one is planned
//      (net_change.h); the snapshot already held: nothing to do ("unchanged");
//   3. the rows, and the deleted keys, are bulk-loaded into staging tables (staging.h) and
//      checked (count, key present and unique);
//   4. one transaction: the strategy's set-based statements (merge/) and the new state row;
//   5. the staging tables are dropped.
// A crash before 4 commits leaves the target and its state at the old snapshot; the next run
// drops the leftover staging tables and applies the change again.
#include "load/import_options.h"

namespace icesync::load {

Result<ImportResult> Import(const ImportOptions& options);

}  // namespace icesync::load
