#include "testing/test_util.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace icesync::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp ? tmp : "/tmp";
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = base / ("icesync-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& command) {
  TempDir dir;
  std::string out_path = dir.file("out"), err_path = dir.file("err");
  std::string full = "(" + command + ") >" + ShellQuote(out_path) + " 2>" + ShellQuote(err_path) + " </dev/null";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

std::string SourceDir() { return ICESYNC_SOURCE_DIR; }
std::string IcesyncBinary() { return ICESYNC_BINARY; }

std::string SharedDir() {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(ICESYNC_SHARED_DIR, ec);
  if (ec || !fs::is_directory(p)) return "";
  return p.string();
}

CommandResult RunNode(const std::string& script, const std::string& args) {
  if (!fs::is_directory(SourceDir() + "/node_modules")) {
    ADD_FAILURE() << "node_modules is missing: run scripts/install-deps.sh to install the test readers";
    return {};
  }
  return RunCommand("cd " + ShellQuote(SourceDir()) + " && node tests/js/" + script + " " + args);
}

uint64_t TestSeed(uint64_t fallback) {
  const char* s = std::getenv("ICESYNC_TEST_SEED");
  return s != nullptr && *s != '\0' ? std::strtoull(s, nullptr, 10) : fallback;
}

int64_t EnvCount(const char* name, int64_t fallback) {
  const char* s = std::getenv(name);
  const long long n = s != nullptr ? std::atoll(s) : 0;
  return n > 0 ? n : fallback;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

}  // namespace icesync::testing
