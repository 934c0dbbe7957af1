// scd2: history in the target. A deleted key's current version is closed at the commit time
// of the snapshot that deleted it; a changed key's current version is closed at the commit
// time of the snapshot that carried the new values, and the new values become the current
// version from that time. Times come from Iceberg, not the clock, so re-running an import
// writes the same history. An unchanged key keeps its version.
#include "load/merge/merge.h"

#include "db/odbc_codec.h"

namespace icesync::load {

Result<MergeCounts> Scd2Merge(const MergeInput& in) {
  const db::Dialect& d = in.conn->dialect();
  MergeCounts counts;
  if (in.deleted) {
    ASSIGN_OR_RETURN(counts.deleted, in.conn->ExecuteCount(d.Scd2CloseDeleted(in.target, *in.deleted, in.keys, in.scd)));
  }
  if (in.full_read) {
    ASSIGN_OR_RETURN(int64_t gone, in.conn->ExecuteCount(d.Scd2CloseMissing(in.target, in.rows, in.keys, in.scd),
                                                         {db::TimestampText(in.snapshot_time_us, true)}));
    counts.deleted += gone;
  }
  const std::string close = d.Scd2CloseChanged(in.target, in.rows, in.columns, in.keys, in.scd);
  if (!close.empty()) {
    ASSIGN_OR_RETURN(counts.updated, in.conn->ExecuteCount(close));
  }
  ASSIGN_OR_RETURN(int64_t versions,
                   in.conn->ExecuteCount(d.Scd2InsertCurrent(in.target, in.rows, in.columns, in.keys, in.scd)));
  counts.inserted = versions - counts.updated;  // the rest are new versions of changed keys
  return counts;
}

}  // namespace icesync::load
