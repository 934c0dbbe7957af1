#include "pipeline/run_board.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "sync/progress.h"

namespace icesync::pipeline {

namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

int TerminalWidth(std::FILE* out) {
  winsize ws{};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// Cuts `text` to at most `width` characters (code points: a UTF-8 sequence is never split),
// marking a cut with "…".
std::string FitWidth(const std::string& text, int width) {
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (++chars == width) {
      size_t end = i;  // the last character that fits is replaced by the mark
      for (size_t j = i + 1; j < text.size(); ++j) {
        if ((static_cast<unsigned char>(text[j]) & 0xC0) != 0x80) return text.substr(0, end) + "…";
      }
      return text;  // exactly `width` characters
    }
  }
  return text;
}

// Drops trailing spaces.
void Trim(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

}  // namespace

bool IsTerminal(std::FILE* out) { return isatty(fileno(out)) != 0; }

RunBoard::RunBoard(std::FILE* out, std::vector<std::string> tables, int width)
    : out_(out), width_(width > 0 ? width : TerminalWidth(out)) {
  for (std::string& name : tables) {
    name_width_ = std::max(name_width_, name.size());
    rows_.push_back(Row{std::move(name)});
  }
  name_width_ = std::min<size_t>(name_width_, 24);
  {
    std::lock_guard<std::mutex> lock(mu_);
    Draw();
  }
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      wake_.wait_for(lock, kRedrawInterval);
      if (!stopped_) Draw();
    }
  });
}

RunBoard::~RunBoard() { Stop(); }

void RunBoard::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    Draw();
  }
  wake_.notify_all();
  ticker_.join();
}

RunBoard::Row* RunBoard::Find(const std::string& table) {
  for (Row& r : rows_) {
    if (r.name == table) return &r;
  }
  return nullptr;
}

void RunBoard::Phase(const std::string& table, const std::string& phase) {
  std::lock_guard<std::mutex> lock(mu_);
  Row* r = Find(table);
  if (!r) return;
  const auto now = std::chrono::steady_clock::now();
  if (!r->started) {
    r->started = true;
    r->start = now;
  }
  r->done = phase == "ok" || phase == "unchanged" || phase == "failed" || phase == "planned";
  if (r->done) r->total = std::chrono::duration<double>(now - r->start).count();
  r->phase = phase;
  r->phase_since = now;
  r->rows = 0;
  r->note.clear();
}

void RunBoard::Rows(const std::string& table, int64_t rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Row* r = Find(table)) r->rows = rows;
}

void RunBoard::Note(const std::string& table, const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Row* r = Find(table)) r->note = note;
}

void RunBoard::Log(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  Erase();
  std::fprintf(out_, "%s\n", line.c_str());
  if (!stopped_) Draw();
  std::fflush(out_);
}

// "orders     sync       412,000 rows   98,113 rows/s    0:04  reading changes: …"
// The clock shows the table's whole run so far (frozen once it ends); rows and rows/s appear
// once the current phase has moved rows.
std::string RunBoard::Render(const Row& r) const {
  const auto now = std::chrono::steady_clock::now();
  std::string line = fmt::format("{:<{}}  {:<9}", FitWidth(r.name, static_cast<int>(name_width_)), name_width_, r.phase);
  if (r.started) {
    if (r.rows > 0) {
      const double in_phase = std::chrono::duration<double>(now - r.phase_since).count();
      line += fmt::format(" {:>12} rows", sync::FormatCount(r.rows));
      if (in_phase > 0) {
        line += fmt::format(" {:>10} rows/s", sync::FormatCount(static_cast<int64_t>(r.rows / in_phase)));
      }
    } else {
      line += std::string(30, ' ');
    }
    const double clock = r.done ? r.total : std::chrono::duration<double>(now - r.start).count();
    line += fmt::format(" {:>6}", sync::FormatDuration(clock));
    if (!r.note.empty()) line += "  " + r.note;
  }
  Trim(line);
  // One column short of the width: a line that fills the last column makes some terminals wrap.
  return FitWidth(line, width_ - 1);
}

std::string RunBoard::LineFor(size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  return index < rows_.size() ? Render(rows_[index]) : std::string();
}

void RunBoard::Erase() {
  if (drawn_ > 0) std::fprintf(out_, "\x1b[%dA", drawn_);
  std::fputs("\r\x1b[J", out_);  // to the first column, clear to the end of the screen
  drawn_ = 0;
}

void RunBoard::Draw() {
  Erase();
  for (const Row& r : rows_) {
    std::fprintf(out_, "%s\n", Render(r).c_str());
    ++drawn_;
  }
  std::fflush(out_);
}

}  // namespace icesync::pipeline
