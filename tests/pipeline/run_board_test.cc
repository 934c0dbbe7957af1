// The live board of `icesync run`: what the terminal shows (through a small VT100 model,
// terminal_screen.h) after the board drew phases, rows and notes with log lines in between.
// The real binary on a real pseudo-terminal is tested in run_test.cc.
#include "pipeline/run_board.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "pipeline/terminal_screen.h"
#include "testing/test_util.h"

namespace icesync::pipeline {
namespace {

using icesync::testing::TerminalScreen;

class RunBoardTest : public ::testing::Test {
 protected:
  std::vector<std::string> Screen() {
    std::fflush(out_);
    return TerminalScreen(icesync::testing::ReadFile(path_));
  }
  void TearDown() override { std::fclose(out_); }

  icesync::testing::TempDir dir_;
  std::string path_ = dir_.file("tty");
  std::FILE* out_ = std::fopen(path_.c_str(), "w+");
};

TEST_F(RunBoardTest, ALinePerTableBelowTheLogLines) {
  RunBoard board(out_, {"customers", "orders", "payments"}, 100);
  board.Phase("customers", "sync");
  board.Rows("customers", 12345);
  board.Note("customers", "looking up 3 changed keys");
  board.Log("09:00:00 customers: sync from src (customers)");
  board.Phase("orders", "import");
  board.Log("09:00:01 orders: import into dst");
  board.Phase("orders", "ok");
  board.Stop();
  const std::vector<std::string> screen = Screen();
  ASSERT_EQ(screen.size(), 5u) << ::testing::PrintToString(screen);
  EXPECT_EQ(screen[0], "09:00:00 customers: sync from src (customers)");
  EXPECT_EQ(screen[1], "09:00:01 orders: import into dst");
  EXPECT_TRUE(std::regex_match(screen[2], std::regex(R"(customers  sync +12,345 rows +[0-9,]+ rows/s +0:00  looking up 3 changed keys)")))
      << screen[2];
  EXPECT_TRUE(std::regex_match(screen[3], std::regex(R"(orders +ok +0:00)"))) << screen[3];
  EXPECT_EQ(screen[4], "payments   waiting");
}

TEST_F(RunBoardTest, RowsAndNoteResetWithEachPhaseAndUnknownTablesAreIgnored) {
  RunBoard board(out_, {"t"}, 100);
  board.Phase("t", "sync");
  board.Rows("t", 10);
  board.Note("t", "reading");
  board.Phase("t", "import");
  board.Rows("elsewhere", 99);
  board.Phase("elsewhere", "failed");
  EXPECT_TRUE(std::regex_match(board.LineFor(0), std::regex(R"(t +import +0:00)"))) << board.LineFor(0);
  board.Stop();
  EXPECT_EQ(Screen().size(), 1u);
}

TEST_F(RunBoardTest, LinesAreCutToTheWidthWithoutSplittingACharacter) {
  RunBoard board(out_, {"kunden"}, 40);
  board.Phase("kunden", "sync");
  board.Note("kunden", "reading Kundé 名前名前名前名前名前名前名前名前 from the source");
  const std::string line = board.LineFor(0);
  board.Stop();
  size_t chars = 0;
  for (unsigned char c : line) chars += (c & 0xC0) != 0x80;
  EXPECT_EQ(chars, 39u) << line;
  EXPECT_EQ(line.substr(line.size() - 3), "…");
  // Every multi-byte character is whole: the line is valid UTF-8 from start to end.
  for (size_t i = 0; i < line.size();) {
    const unsigned char c = line[i];
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ASSERT_LE(i + len, line.size()) << line;
    for (size_t k = 1; k < len; ++k) ASSERT_EQ(static_cast<unsigned char>(line[i + k]) & 0xC0, 0x80) << line;
    i += len;
  }
  EXPECT_EQ(Screen().back(), line);
}

TEST_F(RunBoardTest, TheTickerRedrawsWhileTheJobRuns) {
  RunBoard board(out_, {"t"}, 100);
  board.Phase("t", "sync");
  board.Rows("t", 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  // Nothing but the ticker drew since Rows(), and it flushes whole frames: the file holds
  // several frames and the screen shows the rows.
  const std::string bytes = icesync::testing::ReadFile(path_);
  size_t frames = 0;
  for (size_t at = bytes.find("\x1b[J"); at != std::string::npos; at = bytes.find("\x1b[J", at + 1)) ++frames;
  EXPECT_GE(frames, 3u);
  const std::vector<std::string> screen = TerminalScreen(bytes);
  ASSERT_FALSE(screen.empty());
  EXPECT_TRUE(std::regex_search(screen.back(), std::regex(R"(^t +sync +7 rows)"))) << screen.back();
  board.Stop();
}

}  // namespace
}  // namespace icesync::pipeline
