#include "sync/source_stream.h"

#include "core/crash_point.h"
#include "sync/prefetching_extractor.h"

namespace icesync::sync {

Status SourceReadError(const Status& st, const SourceReader& source) {
  if (st.code() != ErrorCode::kInvalidArgument) return st;
  return DatabaseError("reading {}: {}; correct the value in the source, or export the column converted or "
                       "excluded with --query",
                       source.from_query() ? std::string("the --query result") : source.table().name.ToString(),
                       st.message());
}

Status StreamSourceBatches(db::BatchReader& reader, const SourceReader& source, PhaseTracker phase,
                           const std::function<Status(RecordBatch&)>& consume) {
  PrefetchingExtractor fetch(&reader);
  RecordBatch batch;
  bool first = true;
  for (;;) {
    phase.Set(JobPhase::kSource);
    Result<bool> more = fetch.Next(&batch);
    if (!more.ok()) return SourceReadError(more.status(), source);
    if (!*more) return Status::OK();
    phase.Set(JobPhase::kWrite);
    RETURN_IF_ERROR(consume(batch));
    if (first) {
      CrashPoint("extract");
      first = false;
    }
  }
}

}  // namespace icesync::sync
