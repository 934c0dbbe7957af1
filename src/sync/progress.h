#pragma once
// Progress of a long job (rows and bytes moved), reported the way the output device wants:
// on a terminal one status line redrawn in place (rows, MB, rows/s, ETA when the total is
// known); otherwise a quiet one-line log every few seconds, so that logs stay readable.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace icesync::sync {

struct ProgressSnapshot {
  int64_t rows = 0;
  int64_t bytes = 0;  // bytes written so far (compressed, as on disk)
  double elapsed_seconds = 0;
  std::optional<int64_t> total_rows;  // known when the source could count cheaply
};

// "1,234,567 rows  45.6 MB  312,000 rows/s  ETA 0:12" (ETA only with a total).
std::string FormatProgress(const ProgressSnapshot& s);
// 1234567 -> "1,234,567".
std::string FormatCount(int64_t n);
// 47841280 -> "45.6 MB" (binary units, one decimal).
std::string FormatBytes(int64_t bytes);
// 75.5 -> "1:15"; 3725 -> "1:02:05".
std::string FormatDuration(double seconds);

class ProgressReporter {
 public:
  enum class Mode {
    kSilent,    // --json or --quiet: nothing until the result
    kLog,       // not a terminal: "<label>: <progress>" every log_interval
    kTerminal,  // a terminal: one line redrawn at most 10 times a second
    kForward,   // prints nothing: updates (at most 10 a second) and notes go to a Listener,
                // e.g. `icesync run`'s board, which draws a line for each of many jobs
  };
  struct Listener {
    std::function<void(const ProgressSnapshot&)> update;
    std::function<void(const std::string& note)> note;
  };
  // Terminal when `out` is a TTY, else log lines; silent when `silent`.
  static Mode DetectMode(std::FILE* out, bool silent);

  ProgressReporter(Mode mode, std::FILE* out, std::string label,
                   std::chrono::milliseconds log_interval = std::chrono::seconds(5));
  // Mode::kForward. The listener is called on the job's thread.
  explicit ProgressReporter(Listener listener);

  void SetTotalRows(std::optional<int64_t> total) { total_rows_ = total; }
  // Records the running totals; prints when the mode's interval has passed.
  void Update(int64_t rows, int64_t bytes);
  // A one-off status message (e.g. "committing"), printed in every mode but silent.
  void Note(const std::string& message);
  // Clears the terminal line; called before the final result is printed.
  void Finish();

  ProgressSnapshot snapshot() const;
  Mode mode() const { return mode_; }

 private:
  void Print();

  Mode mode_;
  std::FILE* out_;
  std::string label_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  std::optional<int64_t> total_rows_;
  bool line_open_ = false;  // a terminal status line is displayed
  Listener listener_;       // kForward only
};

}  // namespace icesync::sync
