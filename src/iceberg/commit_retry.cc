#include "iceberg/commit_retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace icesync::iceberg {
namespace {
// Java's default for write.metadata.previous-versions-max.
constexpr size_t kMaxMetadataLog = 100;

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

void FinishCommittedMetadata(const Table& base, TableMetadata* next) {
  next->last_updated_ms = std::max(NowMillis(), base.metadata.last_updated_ms);
  next->metadata_log = base.metadata.metadata_log;
  std::string location = base.metadata.location;
  while (location.size() > 1 && location.back() == '/') location.pop_back();
  // The log names files by the table's location (how other engines find them), not by where
  // this process happened to read them.
  next->metadata_log.push_back({base.metadata.last_updated_ms, location + "/metadata/" + FileName(base.metadata_path)});
  if (next->metadata_log.size() > kMaxMetadataLog) {
    next->metadata_log.erase(next->metadata_log.begin(), next->metadata_log.end() - kMaxMetadataLog);
  }
}

Result<Table> RetryCommit(const std::string& table_name, const CommitOptions& options, const CommitAttempt& attempt) {
  std::mt19937 rng(std::random_device{}());
  int backoff = std::max(1, options.initial_backoff_ms);
  for (int n = 1;; ++n) {
    ASSIGN_OR_RETURN(std::optional<Table> committed, attempt(n));
    if (committed) return std::move(*committed);
    if (n >= options.max_attempts) {
      return Conflict("table {}: commit failed after {} attempts, other writers kept committing first; retry later",
                      table_name, n);
    }
    std::uniform_int_distribution<int> jitter(backoff / 2, backoff);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
    backoff = std::min(options.max_backoff_ms, backoff * 2);
  }
}

}  // namespace icesync::iceberg
