#pragma once
// The live display of `icesync run` on a terminal: a line per table, redrawn in place ten
// times a second at the bottom of the screen, with the run's log lines scrolling above it.
//
//   09:14:02 orders: sync ok: 1,204 rows read, 1,180 inserted, 24 updated, 0 deleted, snapshot 81…
//   customers  sync       412,000 rows   98,113 rows/s    0:04  reading changes: SELECT …
//   orders     import                                     0:01
//   payments   waiting
//
// Invariants: the board occupies the last `drawn_` lines of the output, and only the board
// writes to `out` while it lives (log lines go through Log), so moving the cursor up
// `drawn_` lines always lands on the board's first line. Lines are cut to the terminal's width
// (a wrapped line would break that count). Everything happens under one mutex: the job
// threads only store numbers and strings, the ticker thread draws.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/coordinator.h"

namespace icesync::pipeline {

class RunBoard : public RunMonitor {
 public:
  // `tables` in display order; `width` 0 asks the terminal (80 when it cannot say).
  RunBoard(std::FILE* out, std::vector<std::string> tables, int width = 0);
  ~RunBoard() override;  // Stop()

  void Phase(const std::string& table, const std::string& phase) override;
  void Rows(const std::string& table, int64_t rows) override;
  void Note(const std::string& table, const std::string& note) override;
  // A line that scrolls above the board.
  void Log(const std::string& line);
  // Draws the final state once more and stops redrawing; the board's lines stay on screen.
  void Stop();

  // The text of a table's line (without escape codes), as drawn now.
  std::string LineFor(size_t index) const;

 private:
  struct Row {
    std::string name;
    std::string phase = "waiting";
    int64_t rows = 0;
    std::string note;
    bool started = false;  // left "waiting": the clock runs from `start`
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point phase_since;  // rows/s counts from here
    bool done = false;     // a final status: the clock stops at `total`
    double total = 0;
  };
  Row* Find(const std::string& table);
  std::string Render(const Row& row) const;
  void Draw();   // under mu_: erase the board, draw it again
  void Erase();  // under mu_: cursor to the board's first line, clear to the end

  std::FILE* out_;
  int width_;
  size_t name_width_ = 5;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Row> rows_;
  int drawn_ = 0;  // lines of the board now on screen
  bool stopped_ = false;
  std::thread ticker_;
};

// True when `out` is a terminal (the board is drawn only there).
bool IsTerminal(std::FILE* out);

}  // namespace icesync::pipeline
