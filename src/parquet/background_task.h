#pragma once
// A thread of its own that runs one job at a time for its owner, so the owner's thread can
// return while the job runs (ParquetWriter encodes a batch on it while the caller fills the
// next one).
//
//   task.Start(job);       // returns at once; job runs on the task's thread
//   ...                    // the owner must not touch what the job uses
//   Status st = task.Wait();  // the job has finished; its writes are visible here
//
// Invariant: at most one job runs or waits; Start waits for the previous job first. Wait()
// returns the last job's status, again on every call until the next Start (so an error is
// not lost by a caller that only needed the job to be finished).
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/status.h"

namespace icesync::parquet {

// Calls job(); an exception escaping it becomes an Internal status rather than ending the
// process (jobs run on threads where nobody could catch it).
Status RunGuarded(const std::function<Status()>& job);

class BackgroundTask {
 public:
  BackgroundTask();
  // Waits for the running job, if any.
  ~BackgroundTask();
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  void Start(std::function<Status()> job);
  Status Wait();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable changed_;  // a job was started or finished, or stopping
  std::function<Status()> job_;      // guarded by mu_: set while a job waits or runs
  bool running_ = false;             // guarded by mu_
  Status status_;                    // guarded by mu_: the last finished job's
  bool stopping_ = false;            // guarded by mu_
  std::thread thread_;               // last: started once the members above exist
};

}  // namespace icesync::parquet
