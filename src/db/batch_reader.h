#pragma once
// What the jobs read a table through: a stream of RecordBatches of one schema. Two kinds
// exist: db::Extractor (ODBC, every DBMS) and db::PgCopyExtractor (PostgreSQL's binary COPY
// over a companion libpq session). Both produce identical values for every mapped type
// (tests/db/pg_copy_test.cc compares them).
#include <memory>
#include <string>

#include "core/batch.h"

namespace icesync::db {

class BatchReader {
 public:
  virtual ~BatchReader() = default;
  virtual const std::shared_ptr<const Schema>& schema() const = 0;
  // The statement that reads the rows (for the snapshot summary).
  virtual const std::string& sql() const = 0;
  // How rows travel, for summaries and benchmarks: "odbc" or "postgresql-copy".
  virtual const char* method() const = 0;
  // Replaces the contents of *batch with the next rows (at most the batch size; a batch of
  // the same schema keeps its buffers). Returns false, with an empty batch, at the end.
  virtual Result<bool> Next(RecordBatch* batch) = 0;
};

}  // namespace icesync::db
