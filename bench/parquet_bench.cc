// Parquet write/scan benchmark driver, run by `bench/run parquet`.
//
//   parquet_bench --rows N --out FILE [--threads T] [--compression C] [--zstd-level L]
//                 [--write-only]
//
// Writes N deterministic rows of ten mixed columns (int64 key, int32, decimal(18,4),
// timestamp, date, short and medium strings with repetition, a nullable double, boolean,
// double) with ParquetWriter (zstd), then scans the file with ParquetReader. Prints
//   RESULT parquet_write_rows_per_s <rows/s>   (writer time only: the time to generate the
//                                               rows, measured in a separate pass, is
//                                               subtracted, as DuckDB's COPY reads rows it
//                                               already holds)
//   RESULT parquet_write_peak_rss_mib <MiB>     (ru_maxrss after writing, before scanning)
//   RESULT parquet_file_size_bytes <bytes>
//   RESULT parquet_scan_rows_per_s <rows/s>     (our reader on our file, every column; the
//                                               best of 3 scans)
//   INFO parquet_write_cpu_seconds ...          (user+sys CPU of all threads while writing,
//                                                generation's CPU subtracted likewise)
//   INFO parquet_write_seconds_inside_calls ... (wall time inside Open/Write/Close)
// --threads, --compression and --zstd-level set WriterOptions::threads (default 0: one per
// core), compression (default zstd) and compression_level (default 0: the writer's
// default); --write-only skips the scan (for profiling the writer).
//
//   parquet_bench --scan-only FILE   scans an existing file only (for profiling the reader)
//   --batch-rows N                   rows per scan batch (default: the reader's default)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "parquet/parquet_reader.h"
#include "parquet/writer.h"

using namespace icesync;
using namespace icesync::parquet;

namespace {

constexpr int64_t kBatchRows = 64 * 1024;

std::shared_ptr<const Schema> BenchSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {1, "id", DataType::Int64(), true, "", ""},
      {2, "qty", DataType::Int32(), true, "", ""},
      {3, "amount", DataType::Decimal(18, 4), true, "", ""},
      {4, "created_at", DataType::Timestamp(), true, "", ""},
      {5, "order_date", DataType::Date(), true, "", ""},
      {6, "status", DataType::String(), true, "", ""},
      {7, "customer", DataType::String(), true, "", ""},
      {8, "discount", DataType::Float64(), false, "", ""},
      {9, "shipped", DataType::Boolean(), true, "", ""},
      {10, "price", DataType::Float64(), true, "", ""},
  });
}

// A cheap deterministic pseudo-random sequence (splitmix64) so values look like real data.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

void FillBatch(RecordBatch& b, int64_t first, int64_t n, const std::vector<std::string>& statuses,
               const std::vector<std::string>& customers) {
  b.Clear();
  for (int64_t i = first; i < first + n; ++i) {
    uint64_t r = Mix(static_cast<uint64_t>(i));
    b.column(0).Append<int64_t>(i);
    b.column(1).Append<int32_t>(static_cast<int32_t>(r % 1000));
    b.column(2).Append<Int128>(static_cast<Int128>(static_cast<int64_t>(r % 100'000'000) - 50'000'000));
    b.column(3).Append<int64_t>(1'700'000'000'000'000LL + i * 1'000'000 + static_cast<int64_t>(r % 1'000'000));
    b.column(4).Append<int32_t>(19'000 + static_cast<int32_t>(i / 10'000));
    b.column(5).AppendBytes(statuses[(r >> 10) % statuses.size()]);
    b.column(6).AppendBytes(customers[(r >> 20) % customers.size()]);
    if ((r >> 40) % 5 == 0) {
      b.column(7).AppendNull();
    } else {
      b.column(7).Append<double>(static_cast<double>((r >> 24) % 50) / 100.0);
    }
    b.column(8).Append<uint8_t>((r >> 33) & 1);
    b.column(9).Append<double>(static_cast<double>((r >> 12) % 1'000'000) / 100.0);
  }
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// User + system CPU seconds of the process so far (all threads).
double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int Fail(const Status& st) {
  std::fprintf(stderr, "parquet_bench: %s\n", st.ToString().c_str());
  return 1;
}

int64_t FailedScan(const Status& st) {
  Fail(st);
  return -1;
}

// Scans every column of every row group of `file` once; the rows scanned, or -1 on error
// (reported).
int64_t ScanOnce(const std::string& file, int64_t batch_rows) {
  auto reader = ParquetReader::Open(file);
  if (!reader.ok()) return FailedScan(reader.status());
  auto scan = (*reader)->Scan(ScanOptions{.batch_rows = batch_rows});
  if (!scan.ok()) return FailedScan(scan.status());
  int64_t scanned = 0;
  RecordBatch rb;
  while (true) {
    Result<bool> more = (*scan)->Next(&rb);
    if (!more.ok()) return FailedScan(more.status());
    if (!*more) break;
    scanned += rb.num_rows();
  }
  return scanned;
}

// Times kScanRepeats scans of `file` and reports the fastest (the machine may be shared:
// the best run is the one least disturbed; bench/parquet_duckdb.mjs does the same);
// checks the row count unless it is -1.
int Scan(const std::string& file, int64_t rows, int64_t batch_rows) {
  constexpr int kScanRepeats = 3;
  double best = 0;
  std::string all;
  for (int i = 0; i < kScanRepeats; ++i) {
    auto t2 = std::chrono::steady_clock::now();
    const int64_t scanned = ScanOnce(file, batch_rows);
    auto t3 = std::chrono::steady_clock::now();
    if (scanned < 0) return 1;
    if (rows < 0) rows = scanned;
    if (scanned != rows) {
      std::fprintf(stderr, "parquet_bench: scanned %lld rows, wrote %lld\n", static_cast<long long>(scanned),
                   static_cast<long long>(rows));
      return 1;
    }
    const double per_s = rows / Seconds(t2, t3);
    best = std::max(best, per_s);
    char run[32];
    std::snprintf(run, sizeof run, " %.0f", per_s);
    all += run;
  }
  std::printf("INFO parquet_scan_runs_rows_per_s%s\n", all.c_str());
  std::printf("RESULT parquet_scan_rows_per_s %.0f\n", best);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  std::string out = "/tmp/icesync_bench.parquet";
  bool scan_only = false, write_only = false;
  int64_t batch_rows = kDefaultBatchRows;
  WriterOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-only") == 0) {
      write_only = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::stoll(argv[++i]);
    else if (std::strcmp(argv[i], "--out") == 0) out = argv[++i];
    else if (std::strcmp(argv[i], "--threads") == 0) options.threads = std::stoi(argv[++i]);
    else if (std::strcmp(argv[i], "--zstd-level") == 0) options.compression_level = std::stoi(argv[++i]);
    else if (std::strcmp(argv[i], "--compression") == 0) {
      auto codec = ParseCompressionCodec(argv[++i]);
      if (!codec.ok()) return Fail(codec.status());
      options.compression = *codec;
    }
    else if (std::strcmp(argv[i], "--scan-only") == 0) out = argv[++i], scan_only = true;
    else if (std::strcmp(argv[i], "--batch-rows") == 0) batch_rows = std::stoll(argv[++i]);
  }
  if (scan_only) return Scan(out, -1, batch_rows);
  auto schema = BenchSchema();
  std::vector<std::string> statuses = {"NEW", "PAID", "SHIPPED", "DELIVERED", "RETURNED", "CANCELLED", "ON_HOLD"};
  std::vector<std::string> customers;
  for (int i = 0; i < 20'000; ++i) {
    customers.push_back("Customer " + std::to_string(Mix(i) % 1'000'000) + " Holdings Ltd, Branch " +
                        std::to_string(i % 97));
  }
  RecordBatch batch(schema);
  batch.Reserve(kBatchRows);

  // Pass 1: generating the rows alone.
  auto g0 = std::chrono::steady_clock::now();
  const double g0_cpu = CpuSeconds();
  for (int64_t first = 0; first < rows; first += kBatchRows) {
    FillBatch(batch, first, std::min(kBatchRows, rows - first), statuses, customers);
  }
  double generate_s = Seconds(g0, std::chrono::steady_clock::now());
  const double generate_cpu = CpuSeconds() - g0_cpu;

  // Pass 2: generating and writing.
  auto t0 = std::chrono::steady_clock::now();
  const double t0_cpu = CpuSeconds();
  double in_calls_s = 0;  // inside Open, Write and Close
  auto writer = ParquetWriter::Open(out, schema, options);
  if (!writer.ok()) return Fail(writer.status());
  const auto t0_open_end = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < rows; first += kBatchRows) {
    FillBatch(batch, first, std::min(kBatchRows, rows - first), statuses, customers);
    const auto w0 = std::chrono::steady_clock::now();
    // The writer takes the batch's buffers and hands back an earlier batch's to refill.
    Status st = (*writer)->WriteAsync(&batch);
    in_calls_s += Seconds(w0, std::chrono::steady_clock::now());
    if (!st.ok()) return Fail(st);
  }
  const auto c0 = std::chrono::steady_clock::now();
  auto metrics = (*writer)->Close();
  if (!metrics.ok()) return Fail(metrics.status());
  auto t1 = std::chrono::steady_clock::now();
  in_calls_s += Seconds(c0, t1) + Seconds(t0, t0_open_end);
  const double write_cpu = CpuSeconds() - t0_cpu - generate_cpu;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double total_s = Seconds(t0, t1);
  double write_s = std::max(total_s - generate_s, 1e-9);
  std::printf("RESULT parquet_write_rows_per_s %.0f\n", rows / write_s);
  std::printf("INFO parquet_write_incl_generation_rows_per_s %.0f\n", rows / total_s);
  std::printf("RESULT parquet_write_peak_rss_mib %.1f\n", ru.ru_maxrss / 1024.0);
  std::printf("RESULT parquet_file_size_bytes %lld\n", static_cast<long long>(metrics->file_size_in_bytes));
  std::printf("INFO parquet_write_seconds %.3f generate_seconds %.3f row_groups %zu cpu_seconds %.3f\n", write_s,
              generate_s, metrics->split_offsets.size(),
              ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
  std::printf("INFO parquet_write_cpu_seconds %.3f (user+sys, all threads) generate_cpu_seconds %.3f threads %d\n",
              write_cpu, generate_cpu, options.threads);
  // Generating a batch takes longer between writes than in pass 1 (the writer has evicted
  // the generator's data from the caches), and write_seconds counts that difference; the
  // time inside the writer's calls does not (nor the background file writes that overlap
  // the generation).
  std::printf("INFO parquet_write_seconds_inside_calls %.3f (%.0f rows/s)\n", in_calls_s, rows / in_calls_s);
  std::fflush(stdout);

  if (write_only) return 0;
  return Scan(out, rows, batch_rows);
}
