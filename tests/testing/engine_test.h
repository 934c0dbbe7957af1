#pragma once
// A test fixture run once per database engine (SQLite files, the test PostgreSQL) with an
// empty source and an empty import target of that engine, for the randomized tests. On
// PostgreSQL both are databases created afresh, so that a test run many times in one server
// (a soak, a reused seed) never meets old tables or an old icesync_state.
#include <gtest/gtest.h>

#include <string>

#include "testing/random_table.h"
#include "testing/test_util.h"

namespace icesync::testing {

class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  // Creates the databases (named <prefix>_source and <prefix>_target); skips the test when
  // PostgreSQL cannot start here.
  void SetUp() override;
  virtual std::string prefix() const = 0;
  bool sqlite() const { return GetParam() == Engine::kSqlite; }
  std::string warehouse() const { return dir_.file("lake"); }

  TempDir dir_;
  std::string source_;
  std::string target_;
};

// "Sqlite", "Postgres": the suffix of each instantiated test's name.
std::string EngineName(const ::testing::TestParamInfo<Engine>& info);

// Instantiates `suite` (an EngineTest) for both engines.
#define ICESYNC_FOR_EACH_ENGINE(suite)                                                                 \
  INSTANTIATE_TEST_SUITE_P(Engines, suite, ::testing::Values(::icesync::testing::Engine::kSqlite,      \
                                                             ::icesync::testing::Engine::kPostgres), \
                           ::icesync::testing::EngineName)

}  // namespace icesync::testing
