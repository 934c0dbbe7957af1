// append: the staged rows are inserted as they are; Iceberg deletes are not applied (the
// target is a log of what arrived).
#include "load/merge/merge.h"

namespace icesync::load {

Result<MergeCounts> AppendMerge(const MergeInput& in) {
  MergeCounts counts;
  ASSIGN_OR_RETURN(counts.inserted,
                   in.conn->ExecuteCount(in.conn->dialect().InsertFromStaging(in.target, in.rows, in.columns)));
  return counts;
}

}  // namespace icesync::load
