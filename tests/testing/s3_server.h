#pragma once
// A throwaway S3-compatible server for tests: s3rver (npm s3rver 3.7.1) on a free port of
// 127.0.0.1 with its data in a temporary directory and one bucket, plus the strict proxy in
// front of it (s3_strict_proxy.mjs: SigV4 verification and If-None-Match: * as real S3, which
// s3rver lacks). Both run in one node process (tests/testing/s3_server.mjs) that exits when this
// process does, however it ends (it watches its stdin, a pipe only this process holds).
//
// Missing node or s3rver: Shared() returns nullptr and tests skip, printing a loud banner; with
// CI or ICESYNC_REQUIRE_S3RVER set in the environment the missing server fails the test instead
// (REQUIRE_S3_SERVER below), since CI installs both and must not pass by skipping.
#include <string>

#include <gtest/gtest.h>

#include "io/s3_config.h"

namespace icesync::testing {

class S3Server {
 public:
  static constexpr const char* kBucket = "icesync-test";
  // s3rver accepts only its own key pair; the proxy checks signatures against the same pair.
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";
  // The proxy requires this token (x-amz-security-token, signed) on every request.
  static constexpr const char* kSessionToken = "icesync-test-session-token";

  // The server shared by the whole process (started on first use, stopped at exit), or nullptr
  // when it cannot start; `error` then says why.
  static S3Server* Shared(std::string* error);
  ~S3Server();

  std::string endpoint() const;         // s3rver: http://127.0.0.1:PORT
  std::string strict_endpoint() const;  // the strict proxy in front of it
  // Configuration for s3rver itself, or (strict) for the proxy with the session token.
  io::S3Config Config(bool strict = false) const;
  // s3://icesync-test/<prefix>
  std::string Location(const std::string& key) const;

 private:
  S3Server() = default;
  bool Start(std::string* error);

  int pid_ = -1;
  int stdin_fd_ = -1;  // write end of the server's stdin; closing it stops the server
  int port_ = 0;
  int strict_port_ = 0;
};

// Reports a missing server: a banner on stderr, and a test failure under CI (see above).
void ReportMissingS3Server(const std::string& why);

}  // namespace icesync::testing

// In a test body: binds `var` to the shared server, or skips (fails under CI) naming why.
#define REQUIRE_S3_SERVER(var)                                         \
  std::string var##_why;                                               \
  ::icesync::testing::S3Server* var = ::icesync::testing::S3Server::Shared(&var##_why); \
  if (var == nullptr) {                                                \
    ::icesync::testing::ReportMissingS3Server(var##_why);              \
    GTEST_SKIP() << var##_why;                                         \
  }
