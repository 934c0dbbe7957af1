// Extract and load throughput on a table, for `bench/run odbc` (which starts PostgreSQL and
// times psql COPY next to this on the same server).
//   db_bench extract URL TABLE [odbc]     reads TABLE as an export does (sync::SourceReader:
//                                         PostgreSQL COPY, or ODBC with `odbc` / elsewhere)
//   db_bench load URL TABLE ROWS [transaction]
//                                         creates TABLE and loads ROWS generated rows with the
//                                         connection in autocommit, as a staging table is filled
//                                         (PostgreSQL: binary COPY), or in one transaction (unnest)
// Prints "TIME <what> <seconds> <rows>", "METHOD <how>", "RSS <MiB>" and "CPU <seconds>".
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "db/bulk_loader.h"
#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "sync/source_reader.h"

using namespace icesync;
using namespace icesync::db;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int Fail(const Status& st) {
  std::fprintf(stderr, "db_bench: %s\n", st.ToString().c_str());
  return 1;
}

// Peak RSS and CPU seconds (user + system, all threads) of this process.
void PrintRss() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("RSS %.1f\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  std::printf("CPU %.3f\n", seconds(ru.ru_utime) + seconds(ru.ru_stime));
}

// The mixed table: the same columns bench/lib/postgres.sh (pg_mixed_table) creates.
std::shared_ptr<const Schema> MixedSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{1, "id", DataType::Int64(), true},
                                                     {2, "qty", DataType::Int32()},
                                                     {3, "amount", DataType::Decimal(12, 2)},
                                                     {4, "price", DataType::Float64()},
                                                     {5, "created", DataType::Timestamp()},
                                                     {6, "name", DataType::String()},
                                                     {7, "active", DataType::Boolean()}},
                                  0, std::vector<int>{1});
}

void FillBatch(RecordBatch* b, int64_t first_id, int64_t rows) {
  b->Clear();
  for (int64_t i = 0; i < rows; ++i) {
    int64_t id = first_id + i;
    b->column(0).Append<int64_t>(id);
    if (id % 10 == 0) b->column(1).AppendNull();
    else b->column(1).Append<int32_t>(static_cast<int32_t>(id % 1000));
    b->column(2).Append<Int128>(static_cast<Int128>(id % 100000) * 7);
    b->column(3).Append<double>(static_cast<double>(id) / 3.0);
    b->column(4).Append<int64_t>(1'700'000'000'000'000LL + id * 1'000'003);
    std::string name = "name-" + std::to_string(id);
    b->column(5).AppendBytes(name);
    b->column(6).Append<uint8_t>(id % 2);
  }
}

int Extract(const std::string& url, const std::string& table, bool pg_copy) {
  auto source = sync::SourceReader::Open(url, table, "", sync::SourceReadOptions{pg_copy});
  if (!source.ok()) return Fail(source.status());
  double start = Now();
  auto ex = (*source)->Extract(ExtractOptions{});
  if (!ex.ok()) return Fail(ex.status());
  RecordBatch batch;
  int64_t rows = 0;
  while (true) {
    auto more = (*ex)->Next(&batch);
    if (!more.ok()) return Fail(more.status());
    if (!*more) break;
    rows += batch.num_rows();
  }
  std::printf("TIME extract %.3f %lld\n", Now() - start, static_cast<long long>(rows));
  std::printf("METHOD %s\n", (*ex)->method());
  if (auto* odbc = dynamic_cast<const Extractor*>(ex->get())) {
    std::printf("ROWSET %lld\n", static_cast<long long>(odbc->rowset_size()));
  }
  PrintRss();
  return 0;
}

int Load(const std::string& url, const std::string& table, int64_t total, bool in_transaction) {
  auto conn = Connect(url);
  if (!conn.ok()) return Fail(conn.status());
  auto parsed = ParseTableName(table);
  if (!parsed.ok()) return Fail(parsed.status());
  auto schema = MixedSchema();
  Status st = (*conn)->Execute((*conn)->dialect().CreateTable(*parsed, *schema, false));
  if (!st.ok()) return Fail(st);
  RecordBatch batch(schema);
  const int64_t kBatch = 65536;
  double start = Now();
  if (in_transaction && !(st = (*conn)->Begin()).ok()) return Fail(st);
  auto loader = BulkLoader::Open(**conn, *parsed, schema);
  if (!loader.ok()) return Fail(loader.status());
  for (int64_t done = 0; done < total; done += kBatch) {
    FillBatch(&batch, done + 1, std::min(kBatch, total - done));
    if (!(st = (*loader)->Append(batch)).ok()) return Fail(st);
  }
  auto n = (*loader)->Finish();
  if (!n.ok()) return Fail(n.status());
  if (in_transaction && !(st = (*conn)->Commit()).ok()) return Fail(st);
  std::printf("TIME load %.3f %lld\n", Now() - start, static_cast<long long>(*n));
  std::printf("METHOD %s\n", (*loader)->method());
  PrintRss();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "extract" && (argc == 4 || (argc == 5 && std::string(argv[4]) == "odbc"))) {
    return Extract(argv[2], argv[3], /*pg_copy=*/argc == 4);
  }
  if (mode == "load" && (argc == 5 || (argc == 6 && std::string(argv[5]) == "transaction"))) {
    return Load(argv[2], argv[3], std::atoll(argv[4]), /*in_transaction=*/argc == 6);
  }
  std::fprintf(stderr, "usage: db_bench extract URL TABLE [odbc] | db_bench load URL TABLE ROWS [transaction]\n");
  return 2;
}
