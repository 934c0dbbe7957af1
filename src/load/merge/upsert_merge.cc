// upsert: deleted keys first (they never include re-added keys), then UPDATE of the staged
// keys present in the target, then INSERT of the others: every key ends with its final version.
#include "load/merge/merge.h"

namespace icesync::load {

Result<MergeCounts> UpsertMerge(const MergeInput& in) {
  const db::Dialect& d = in.conn->dialect();
  MergeCounts counts;
  if (in.deleted) {
    ASSIGN_OR_RETURN(counts.deleted, in.conn->ExecuteCount(d.DeleteFromStaging(in.target, *in.deleted, in.keys)));
  }
  if (in.full_read) {
    // A full read of the snapshot: target keys it does not hold were deleted in Iceberg.
    ASSIGN_OR_RETURN(int64_t gone, in.conn->ExecuteCount(d.DeleteMissingFromStaging(in.target, in.rows, in.keys)));
    counts.deleted += gone;
  }
  const std::string update = d.UpdateFromStaging(in.target, in.rows, in.columns, in.keys);
  if (!update.empty()) {
    ASSIGN_OR_RETURN(counts.updated, in.conn->ExecuteCount(update));
  }
  ASSIGN_OR_RETURN(counts.inserted,
                   in.conn->ExecuteCount(d.InsertMissingFromStaging(in.target, in.rows, in.columns, in.keys)));
  return counts;
}

}  // namespace icesync::load
