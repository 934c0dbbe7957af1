#include "sync/sample_database.h"

#include "db/bulk_loader.h"
#include "db/connection.h"

namespace icesync::sync {

Result<SampleDatabaseStats> CreateSampleDatabase(const std::string& connection, const SampleSpec& spec) {
  ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, db::Connect(connection));
  SampleDatabaseStats stats;
  RETURN_IF_ERROR(conn->Begin());
  for (const SampleTable& table : SampleTables(spec)) {
    RETURN_IF_ERROR(conn->Execute(table.create_sql));
    ASSIGN_OR_RETURN(std::unique_ptr<db::BulkLoader> loader,
                     db::BulkLoader::Open(*conn, db::TableName{"", table.name}, table.schema));
    RETURN_IF_ERROR(GenerateSampleRows(spec, table, 8192, [&](const RecordBatch& b) { return loader->Append(b); }));
    ASSIGN_OR_RETURN(int64_t loaded, loader->Finish());
    (table.name == "customers" ? stats.customers : stats.orders) = loaded;
  }
  RETURN_IF_ERROR(conn->Commit());
  return stats;
}

}  // namespace icesync::sync
