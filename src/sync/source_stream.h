#pragma once
// The extract half of the "source -> data files" stage: a reader's batches handed to the
// caller one by one while the next batch is fetched on a background thread
// (PrefetchingExtractor), with the job's phase kept current for the exit code.
#include <functional>

#include "core/batch.h"
#include "db/batch_reader.h"
#include "sync/job_phase.h"
#include "sync/source_reader.h"

namespace icesync::sync {

// Calls `consume` with every batch of `reader` (which `source` opened) until the reader is
// exhausted or `consume` fails. The crash point "extract" follows the first consumed batch.
// A value the source's column type does not allow (SQLite stores anything anywhere) is
// reported as an error of the source naming the table, with the ways out.
Status StreamSourceBatches(db::BatchReader& reader, const SourceReader& source, PhaseTracker phase,
                           const std::function<Status(RecordBatch&)>& consume);

// Such an error from a source read, rewritten as above (others unchanged).
Status SourceReadError(const Status& st, const SourceReader& source);

}  // namespace icesync::sync
