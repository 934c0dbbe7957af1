#pragma once
// What every catalog's commit shares (filesystem, SQL, REST): the optimistic retry loop and
// the fields a committed metadata file always gets. A catalog supplies one attempt: load the
// current version, build the next with the caller's MetadataUpdate, try to make it current.
#include <functional>
#include <optional>
#include <string>

#include "iceberg/catalog.h"

namespace icesync::iceberg {

// Sets last-updated-ms (never behind the base's) and appends the base's metadata file to the
// metadata log (keeping the newest 100, Java's write.metadata.previous-versions-max).
void FinishCommittedMetadata(const Table& base, TableMetadata* next);

// One commit attempt: the committed table, or nullopt when another writer made a different
// version current first (the attempt must have cleaned up after itself). Any error stops.
using CommitAttempt = std::function<Result<std::optional<Table>>(int attempt)>;

// Runs attempts until one commits, backing off with jitter between lost races; Conflict naming
// `table_name` after options.max_attempts lost races.
Result<Table> RetryCommit(const std::string& table_name, const CommitOptions& options, const CommitAttempt& attempt);

}  // namespace icesync::iceberg
