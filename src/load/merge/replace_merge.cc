// replace: the target ends holding exactly the snapshot's rows. DELETE (not TRUNCATE: on
// PostgreSQL TRUNCATE takes an exclusive lock and is not MVCC-safe for concurrent readers) and
// INSERT in the caller's transaction, so readers see the old rows until COMMIT, never an
// empty table.
#include "load/merge/merge.h"

namespace icesync::load {

Result<MergeCounts> ReplaceMerge(const MergeInput& in) {
  const db::Dialect& d = in.conn->dialect();
  MergeCounts counts;
  ASSIGN_OR_RETURN(counts.deleted, in.conn->ExecuteCount(d.DeleteWhere(in.target, "")));
  ASSIGN_OR_RETURN(counts.inserted, in.conn->ExecuteCount(d.InsertFromStaging(in.target, in.rows, in.columns)));
  return counts;
}

}  // namespace icesync::load
