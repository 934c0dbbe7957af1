#pragma once
// PostgreSQL, a full read into an empty target (first import) or a replace: the rows are
// COPYed straight into the target on a companion libpq session, and the icesync_state row is
// written on that same session, in ONE transaction there. A staging table would write every
// row twice (COPY into it, then INSERT … SELECT); this writes it once. Readers see the old rows
// until COMMIT; the table is locked against other writers (SHARE ROW EXCLUSIVE) meanwhile.
// Keys are checked in the target before COMMIT (its primary key does it when it is the key).
#include <functional>
#include <optional>

#include "iceberg/catalog.h"
#include "load/import_state.h"
#include "load/merge/merge.h"
#include "load/net_change.h"
#include "load/target_table.h"

namespace icesync::load {

struct DirectCopyInput {
  db::Connection* conn = nullptr;
  const iceberg::Table* table = nullptr;
  const NetChange* change = nullptr;
  const TargetTable* target = nullptr;
  db::TableName state_table;
  Strategy strategy = Strategy::kUpsert;
  std::string from;  // for messages
  int64_t planned_snapshot = -1;  // what icesync_state held when the import was planned (-1: nothing)
};

// Calls `sink` with every row batch to load.
using RowReader = std::function<Status(const std::function<Status(const RecordBatch&)>& sink)>;

// The counts when the direct path ran (committed); nullopt when it does not apply (another
// DBMS, an incremental change, scd2, a non-empty target for upsert/append, column types COPY
// cannot fill, no libpq conninfo): the caller stages instead.
Result<std::optional<MergeCounts>> TryDirectCopy(const DirectCopyInput& in, const RowReader& read_rows,
                                                 int64_t* rows_read, std::string* method);

// `sql` with each `?` outside quotes numbered $1, $2, … (libpq's parameter form).
std::string DollarParameters(const std::string& sql);

}  // namespace icesync::load
