#pragma once
// A gtest fixture with an ODBC connection to the shared test PostgreSQL server.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "db/connection.h"
#include "testing/postgres_server.h"

namespace icesync::db::testing {

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = icesync::testing::PostgresServer::Shared(&error);
    ASSERT_NE(server_, nullptr) << error;
    auto c = Connect(server_->Url());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
  }
  void Exec(const std::string& sql) {
    Status st = conn_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // A fresh schema per test so tests sharing the server never collide.
  std::string FreshSchema(const std::string& name) {
    std::string quoted = conn_->dialect().QuoteIdentifier(name);
    Exec("DROP SCHEMA IF EXISTS " + quoted + " CASCADE");
    Exec("CREATE SCHEMA " + quoted);
    return name;
  }

  icesync::testing::PostgresServer* server_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

}  // namespace icesync::db::testing
