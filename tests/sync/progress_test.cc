#include "sync/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>
#include <vector>

namespace icesync::sync {
namespace {

TEST(ProgressTest, FormatsCountsBytesAndDurations) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KB");
  EXPECT_EQ(FormatBytes(47841280), "45.6 MB");
  EXPECT_EQ(FormatDuration(75.4), "1:15");
  EXPECT_EQ(FormatDuration(3725), "1:02:05");
}

TEST(ProgressTest, EtaOnlyWhenTotalKnown) {
  ProgressSnapshot s{.rows = 250'000, .bytes = 10 << 20, .elapsed_seconds = 2.5};
  EXPECT_EQ(FormatProgress(s), "250,000 rows  10.0 MB  100,000 rows/s");
  s.total_rows = 1'000'000;
  EXPECT_EQ(FormatProgress(s), "250,000 rows (25%)  10.0 MB  100,000 rows/s  ETA 0:08");
}

TEST(ProgressTest, LogModePrintsOneLinePerInterval) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressReporter p(ProgressReporter::Mode::kLog, f, "export", std::chrono::milliseconds(0));
    p.Update(10, 100);
    p.Update(20, 200);
    p.Note("committing");
    p.Finish();
  }
  std::rewind(f);
  char buf[4096] = {};
  size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  std::string out(buf, n);
  EXPECT_NE(out.find("export: 10 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("export: 20 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("export: committing\n"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << "no terminal control codes in logs";
}

TEST(ProgressTest, SilentModePrintsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressReporter p(ProgressReporter::Mode::kSilent, f, "export", std::chrono::milliseconds(0));
  p.Update(10, 100);
  p.Note("committing");
  p.Finish();
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

// Forwarding (a pipeline's board): updates at most every 100 ms, the first one after that
// interval; every note; nothing printed anywhere.
TEST(ProgressTest, ForwardModeHandsUpdatesAndNotesToTheListener) {
  std::vector<int64_t> updates;
  std::vector<std::string> notes;
  ProgressReporter p(ProgressReporter::Listener{[&](const ProgressSnapshot& s) { updates.push_back(s.rows); },
                                                [&](const std::string& n) { notes.push_back(n); }});
  EXPECT_EQ(p.mode(), ProgressReporter::Mode::kForward);
  p.Update(1, 10);
  p.Note("indexing keys");
  EXPECT_TRUE(updates.empty()) << "throttled";
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  p.Update(2, 20);
  p.Update(3, 30);
  p.Finish();
  EXPECT_EQ(updates, std::vector<int64_t>{2});
  EXPECT_EQ(notes, std::vector<std::string>{"indexing keys"});
}

}  // namespace
}  // namespace icesync::sync
