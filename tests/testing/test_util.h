#pragma once
// Shared test support: temporary directories, running commands, and the paths of the
// source tree, the shared corpora and the icesync binary.
#include <cstdint>
#include <filesystem>
#include <string>

namespace icesync::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through /bin/sh, capturing stdout and stderr.
CommandResult RunCommand(const std::string& command);
// Single-quotes a string for /bin/sh.
std::string ShellQuote(const std::string& s);

std::string SourceDir();   // the repository root
std::string IcesyncBinary();
// ../shared beside the repository; empty if absent (tests then GTEST_SKIP).
std::string SharedDir();
// Runs `node tests/js/<script> args...` from the repository root. Fails the test (not
// skips) when node_modules is missing: scripts/install-deps.sh installs it.
CommandResult RunNode(const std::string& script, const std::string& args);

// The seed of a randomized test: $ICESYNC_TEST_SEED when set (to reproduce a failure the test
// printed), else `fallback`, so that CI runs are repeatable.
uint64_t TestSeed(uint64_t fallback);
// A positive count from the environment variable `name` (e.g. ICESYNC_DIFF_ROUNDS, to soak a
// randomized test for longer than CI does), else `fallback`.
int64_t EnvCount(const char* name, int64_t fallback);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace icesync::testing
