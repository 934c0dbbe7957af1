#pragma once
// S3 settings as every AWS tool reads them, and s3:// locations.
//
// Sources, first found wins (the AWS CLI's order, less the ones icesync does not speak: SSO,
// instance metadata, credential_process):
//   credentials  AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
//                profile AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE
//                (~/.aws/credentials), else the same profile in AWS_CONFIG_FILE (~/.aws/config,
//                section "[profile NAME]", or "[default]"). None: requests go unsigned
//                (public buckets).
//   region       AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in the config
//                file, else us-east-1.
//   endpoint     AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (an S3-compatible store: MinIO, Ceph,
//                R2, a test server), addressed path-style (ENDPOINT/bucket/key); without one,
//                AWS itself, virtual-hosted (https://bucket.s3.REGION.amazonaws.com/key).
//
// Invariant: secrets (the secret key, the session token) are held here and handed to the HTTP
// layer's signer only; no message built from an S3Config contains them (`credentials_source`
// names where they came from, for "check ..." hints).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icesync::io {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  bool empty() const { return access_key_id.empty(); }
};

struct S3Config {
  S3Credentials credentials;
  // Where the credentials came from, for error messages: "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
  // "profile 'dev' in /home/u/.aws/credentials", or "none (unsigned requests)".
  std::string credentials_source;
  std::string region = "us-east-1";
  // "http://127.0.0.1:9000" (no trailing '/'), or empty for AWS.
  std::string endpoint;
  bool path_style = false;  // true whenever `endpoint` is set

  // The URL of an object (key empty: of the bucket), the key percent-encoded once per RFC 3986
  // with '/' kept, which is also the form SigV4's canonical URI takes for S3. Path-style with
  // an endpoint, and on AWS for bucket names that are no DNS label (dots, upper case, '_').
  std::string ObjectUrl(std::string_view bucket, std::string_view key) const;
};

// Reads an environment variable; nullopt when unset. Tests pass a map instead of the process's.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup ProcessEnvironment();

// The configuration from the environment and the shared AWS files (see above).
// InvalidArgument when AWS_PROFILE names a profile neither file has, when only one of the key
// pair is set, or when the endpoint is not an http(s) URL; each message names the variable or
// file to fix.
Result<S3Config> S3ConfigFromEnvironment(const EnvLookup& env = ProcessEnvironment());

// s3://bucket/key (also s3a:// and s3n://, Hadoop's names for the same store).
struct S3Location {
  std::string scheme;  // "s3", "s3a" or "s3n": listings hand back the caller's form
  std::string bucket;
  std::string key;     // may be empty (the bucket itself) and may end in '/'
  std::string ToString() const;  // scheme://bucket/key
};
// InvalidArgument naming the location when the scheme is not one of the above or the bucket
// name is empty or holds characters no store allows in one (legacy and S3-compatible stores
// accept more than AWS's 3-63 of a-z 0-9 . -, so only letters, digits, '.', '-', '_' are
// checked).
Result<S3Location> ParseS3Location(std::string_view location);

}  // namespace icesync::io
