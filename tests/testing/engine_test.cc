#include "testing/engine_test.h"

#include "testing/postgres_server.h"

namespace icesync::testing {

void EngineTest::SetUp() {
  if (sqlite()) {
    source_ = "sqlite://" + dir_.file(prefix() + "_source.db");
    target_ = "sqlite://" + dir_.file(prefix() + "_target.db");
    return;
  }
  std::string error;
  PostgresServer* server = PostgresServer::Shared(&error);
  if (server == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << error;
  source_ = server->FreshDatabase(prefix() + "_source");
  target_ = server->FreshDatabase(prefix() + "_target");
}

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace icesync::testing
