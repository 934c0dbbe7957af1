#pragma once
// icebird's view of many table versions, checked in one node process: randomized tests commit
// hundreds of small versions, and starting node per version would cost more than the rounds.
// Each version is time-travelled to by its metadata file, so a later commit does not hide an
// earlier round's mistake.
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace icesync::sync::testing {

class IcebirdChecks {
 public:
  // Remembers the current metadata version of the table at `table_dir` and the rows
  // (`expected`, sorted canonical lines) it must hold; `what` names it in failures.
  void Add(const std::string& table_dir, const std::string& expected, const std::string& what);
  // Reads every remembered version with icebird and fails the test for each that differs from
  // its expected rows (both in icebird's reduced form); then forgets them.
  void Verify();
  size_t size() const { return whats_.size(); }

 private:
  icesync::testing::TempDir dir_;
  std::vector<std::string> whats_;
  std::string list_;
};

}  // namespace icesync::sync::testing
