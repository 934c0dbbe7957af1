#pragma once
// Writes the sample shop (sample_data.h) into a database through icesync's own db module:
// the tables are created with their DDL and filled by the bulk loader, in one transaction.
#include <string>

#include "sync/sample_data.h"

namespace icesync::sync {

struct SampleDatabaseStats {
  int64_t customers = 0;
  int64_t orders = 0;
};

// `connection` names an empty database (e.g. sqlite:///tmp/demo-source.db, which SQLite
// creates); existing sample tables are an error from the database.
Result<SampleDatabaseStats> CreateSampleDatabase(const std::string& connection, const SampleSpec& spec);

}  // namespace icesync::sync
