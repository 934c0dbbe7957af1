#include "sync/progress.h"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

namespace icesync::sync {

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatBytes(int64_t bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string FormatDuration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string FormatProgress(const ProgressSnapshot& s) {
  std::string out = FormatCount(s.rows) + " rows";
  if (s.total_rows && *s.total_rows > 0) {
    out += fmt::format(" ({:.0f}%)", 100.0 * std::min<int64_t>(s.rows, *s.total_rows) / *s.total_rows);
  }
  out += "  " + FormatBytes(s.bytes);
  if (s.elapsed_seconds > 0) {
    const double rate = s.rows / s.elapsed_seconds;
    out += "  " + FormatCount(static_cast<int64_t>(rate)) + " rows/s";
    if (s.total_rows && rate > 0 && s.rows <= *s.total_rows) {
      out += "  ETA " + FormatDuration((*s.total_rows - s.rows) / rate);
    }
  }
  return out;
}

ProgressReporter::Mode ProgressReporter::DetectMode(std::FILE* out, bool silent) {
  if (silent) return Mode::kSilent;
  return isatty(fileno(out)) ? Mode::kTerminal : Mode::kLog;
}

ProgressReporter::ProgressReporter(Mode mode, std::FILE* out, std::string label,
                                   std::chrono::milliseconds log_interval)
    : mode_(mode),
      out_(out),
      label_(std::move(label)),
      interval_(mode == Mode::kLog ? log_interval : std::chrono::milliseconds(100)),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

ProgressReporter::ProgressReporter(Listener listener)
    : ProgressReporter(Mode::kForward, nullptr, "", std::chrono::milliseconds(100)) {
  listener_ = std::move(listener);
}

ProgressSnapshot ProgressReporter::snapshot() const {
  const auto now = std::chrono::steady_clock::now();
  return ProgressSnapshot{rows_, bytes_, std::chrono::duration<double>(now - start_).count(), total_rows_};
}

void ProgressReporter::Update(int64_t rows, int64_t bytes) {
  rows_ = rows;
  bytes_ = bytes;
  if (mode_ == Mode::kSilent) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_print_ < interval_) return;
  last_print_ = now;
  Print();
}

void ProgressReporter::Print() {
  if (mode_ == Mode::kForward) {
    if (listener_.update) listener_.update(snapshot());
    return;
  }
  const std::string line = FormatProgress(snapshot());
  if (mode_ == Mode::kTerminal) {
    // \r + erase-to-end-of-line redraws the status line in place.
    std::fprintf(out_, "\r\x1b[K%s: %s", label_.c_str(), line.c_str());
    line_open_ = true;
  } else {
    std::fprintf(out_, "%s: %s\n", label_.c_str(), line.c_str());
  }
  std::fflush(out_);
}

void ProgressReporter::Note(const std::string& message) {
  if (mode_ == Mode::kSilent) return;
  if (mode_ == Mode::kForward) {
    if (listener_.note) listener_.note(message);
    return;
  }
  if (line_open_) {
    std::fputs("\r\x1b[K", out_);
    line_open_ = false;
  }
  std::fprintf(out_, "%s: %s\n", label_.c_str(), message.c_str());
  std::fflush(out_);
}

void ProgressReporter::Finish() {
  if (line_open_) {
    std::fputs("\r\x1b[K", out_);
    std::fflush(out_);
    line_open_ = false;
  }
}

}  // namespace icesync::sync
