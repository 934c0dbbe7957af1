#pragma once
// Runs a db::BatchReader (ODBC or COPY extractor) on a background thread one batch ahead of its caller, so that fetching
// the next batch (network, psqlODBC's conversions, our decoding) overlaps with writing the
// current one into Parquet. On one connection the extract and the write otherwise add up.
// Memory: at most `depth` batches waiting besides the caller's.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "db/batch_reader.h"

namespace icesync::sync {

class PrefetchingExtractor {
 public:
  // `extractor` must outlive this object and not be used by anyone else meanwhile.
  explicit PrefetchingExtractor(db::BatchReader* extractor, size_t depth = 2);
  ~PrefetchingExtractor();  // stops the thread (after its current fetch) and joins it
  PrefetchingExtractor(const PrefetchingExtractor&) = delete;
  PrefetchingExtractor& operator=(const PrefetchingExtractor&) = delete;

  // Extractor::Next's contract: replaces *batch with the next rows; false at the end. The
  // batch passed in is recycled for a later fetch.
  Result<bool> Next(RecordBatch* batch);

 private:
  void Run();

  db::BatchReader* extractor_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<RecordBatch> ready_;  // fetched, in order
  std::vector<RecordBatch> spare_;  // handed back by the caller, reused by the thread
  Status status_;                   // the fetch error that ended the stream
  bool finished_ = false;           // no more batches will be produced
  bool stop_ = false;               // the owner is going away
  std::thread thread_;              // last: starts after the members above exist
};

}  // namespace icesync::sync
