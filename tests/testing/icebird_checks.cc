#include "testing/icebird_checks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "testing/export_support.h"

namespace icesync::sync::testing {

void IcebirdChecks::Add(const std::string& table_dir, const std::string& expected, const std::string& what) {
  const std::string metadata = std::filesystem::path(LoadTable(table_dir).metadata_path).filename().string();
  const std::string expected_file = dir_.file("expected-" + std::to_string(whats_.size()) + ".jsonl");
  icesync::testing::WriteFile(expected_file, expected);
  list_ += table_dir + "\t" + metadata + "\t" + expected_file + "\n";
  whats_.push_back(what + " (" + metadata + ")");
}

void IcebirdChecks::Verify() {
  if (whats_.empty()) return;
  icesync::testing::WriteFile(dir_.file("list.txt"), list_);
  CommandResult r = icesync::testing::RunNode("export_readback.mjs", "icebird-rounds " + ShellQuote(dir_.file("list.txt")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  size_t i = 0;
  for (std::string line; std::getline(in, line); ++i) {
    ASSERT_LT(i, whats_.size()) << "icebird printed more versions than it was given";
    const nlohmann::json j = nlohmann::json::parse(line);
    std::string rows, form;
    for (const auto& l : j["rows"]) rows += l.get<std::string>() + "\n";
    for (const auto& l : j["form"]) form += l.get<std::string>() + "\n";
    ExpectSameLines(form, rows, "icebird reading " + whats_[i]);
  }
  EXPECT_EQ(i, whats_.size()) << "icebird read fewer versions than it was given:\n" << r.err;
  whats_.clear();
  list_.clear();
}

}  // namespace icesync::sync::testing
