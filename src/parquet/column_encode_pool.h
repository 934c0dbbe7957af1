#pragma once
// The threads a ParquetWriter encodes its columns on. Columns are independent (each
// ColumnWriter owns its pages, dictionary and statistics), so the writer hands each slice of
// rows to every column as one task, and at the end of a row group finishes every chunk as one
// task; Run() returns when all tasks of the round are done.
//
// Invariant: a task touches only its own column's state, and each column's results depend
// only on the rows it is given, never on which thread ran it or when; so the file's bytes
// are the same for every thread count. The writer reads the columns (sizes, statuses) only
// between rounds, after Run() has returned (which orders those reads after the tasks' writes).
//
// Tasks are claimed in the order the caller gives: longest first (by the last round's time)
// keeps the threads evenly busy. The calling thread works too, so `threads` = 1 starts no
// thread at all and runs everything inline. One caller at a time: Run() is not reentrant.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace icesync::parquet {

class ColumnEncodePool {
 public:
  // `threads` >= 1, the calling thread included (threads - 1 are started).
  explicit ColumnEncodePool(int threads);
  ~ColumnEncodePool();
  ColumnEncodePool(const ColumnEncodePool&) = delete;
  ColumnEncodePool& operator=(const ColumnEncodePool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(i) for each i in `order` (distinct indices) and returns their statuses, indexed
  // by i (size: the largest index + 1; unlisted indices OK). An exception escaping a task
  // becomes an Internal status for that index rather than ending the process.
  std::vector<Status> Run(const std::vector<int>& order, const std::function<Status(int)>& task);

 private:
  void WorkerLoop();
  // Claims and runs tasks of the current round until none is left.
  void Drain();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_ready_;  // a round started, or the pool is shutting down
  std::condition_variable round_done_;  // the last task of the round finished
  // The current round (guarded by mu_; the task and order are set before the round's
  // generation is bumped and stay untouched until every task of it has finished).
  const std::vector<int>* order_ = nullptr;
  const std::function<Status(int)>* task_ = nullptr;
  std::vector<Status>* statuses_ = nullptr;
  size_t next_ = 0;      // next position in *order_ to claim
  size_t finished_ = 0;  // tasks of the round finished
  uint64_t generation_ = 0;
  bool stopping_ = false;
};

}  // namespace icesync::parquet
