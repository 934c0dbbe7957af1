#include "io/s3_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "io/http_client.h"

namespace icesync::io {
namespace {

// An INI file as the AWS tools write it: "[section]" lines, "key = value" lines, '#' and ';'
// comments. Sections map to their keys (lower-cased, trimmed). Nested blocks ("s3 =" followed
// by indented lines) are read as plain keys, which the settings used here never are.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// nullopt when the file cannot be read (a missing file is normal: no profiles).
std::optional<IniFile> ReadIni(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  IniFile ini;
  std::string section;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(std::string_view(t).substr(1, t.size() - 2));
      ini[section];
      continue;
    }
    const size_t eq = t.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = Trim(std::string_view(t).substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ini[section][key] = Trim(std::string_view(t).substr(eq + 1));
  }
  return ini;
}

const std::map<std::string, std::string>* FindSection(const std::optional<IniFile>& ini, const std::string& name) {
  if (!ini) return nullptr;
  auto it = ini->find(name);
  return it == ini->end() ? nullptr : &it->second;
}

std::string Get(const std::map<std::string, std::string>* section, const char* key) {
  if (section == nullptr) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

std::string NonEmpty(const EnvLookup& env, const char* name) {
  std::optional<std::string> v = env(name);
  return v ? *v : "";
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<S3Config> S3ConfigFromEnvironment(const EnvLookup& env) {
  S3Config config;
  const std::string home = NonEmpty(env, "HOME");
  std::string credentials_path = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty() && !home.empty()) credentials_path = home + "/.aws/credentials";
  std::string config_path = NonEmpty(env, "AWS_CONFIG_FILE");
  if (config_path.empty() && !home.empty()) config_path = home + "/.aws/config";
  const std::string env_profile = NonEmpty(env, "AWS_PROFILE");
  const std::string profile = env_profile.empty() ? "default" : env_profile;

  const std::optional<IniFile> credentials_file =
      credentials_path.empty() ? std::nullopt : ReadIni(credentials_path);
  const std::optional<IniFile> config_file = config_path.empty() ? std::nullopt : ReadIni(config_path);
  // The credentials file names sections after the profile; the config file prefixes
  // "profile " except for the default.
  const auto* cred_section = FindSection(credentials_file, profile);
  const auto* conf_section =
      FindSection(config_file, profile == "default" ? "default" : "profile " + profile);
  if (!env_profile.empty() && cred_section == nullptr && conf_section == nullptr) {
    return InvalidArgument(
        "AWS_PROFILE names profile '{}', which neither {} nor {} holds: fix AWS_PROFILE or add the profile "
        "(AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE choose other files)",
        profile, credentials_path.empty() ? "~/.aws/credentials" : credentials_path,
        config_path.empty() ? "~/.aws/config" : config_path);
  }

  // Credentials: the key pair from the environment, else the profile's.
  const std::string env_key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  const std::string env_secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (env_key.empty() != env_secret.empty()) {
    return InvalidArgument("{} is set but {} is not: set both (or neither, to use a profile)",
                           env_key.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID",
                           env_key.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY");
  }
  if (!env_key.empty()) {
    config.credentials = {env_key, env_secret, NonEmpty(env, "AWS_SESSION_TOKEN")};
    config.credentials_source = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
    if (!config.credentials.session_token.empty()) config.credentials_source += "/AWS_SESSION_TOKEN";
  } else {
    for (const auto& [section, path] : {std::pair{cred_section, credentials_path}, std::pair{conf_section, config_path}}) {
      const std::string key = Get(section, "aws_access_key_id");
      if (key.empty()) continue;
      const std::string secret = Get(section, "aws_secret_access_key");
      if (secret.empty()) {
        return InvalidArgument("profile '{}' in {} has aws_access_key_id but no aws_secret_access_key: add it",
                               profile, path);
      }
      config.credentials = {key, secret, Get(section, "aws_session_token")};
      config.credentials_source = "profile '" + profile + "' in " + path;
      break;
    }
    if (config.credentials.empty()) {
      config.credentials_source = "none (unsigned requests: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)";
    }
  }

  // Region.
  std::string region = NonEmpty(env, "AWS_REGION");
  if (region.empty()) region = NonEmpty(env, "AWS_DEFAULT_REGION");
  if (region.empty()) region = Get(conf_section, "region");
  if (!region.empty()) config.region = region;
  for (char c : config.region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return InvalidArgument("AWS region '{}' is not a region name (like eu-west-1): fix AWS_REGION", config.region);
    }
  }

  // Endpoint: an S3-compatible store, addressed path-style.
  const char* endpoint_var = "AWS_ENDPOINT_URL_S3";
  std::string endpoint = NonEmpty(env, endpoint_var);
  if (endpoint.empty()) {
    endpoint_var = "AWS_ENDPOINT_URL";
    endpoint = NonEmpty(env, endpoint_var);
  }
  if (!endpoint.empty()) {
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    const bool http = endpoint.rfind("http://", 0) == 0 || endpoint.rfind("https://", 0) == 0;
    if (!http || endpoint.find('/', endpoint.find("://") + 3) != std::string::npos || endpoint.find('?') != std::string::npos) {
      return InvalidArgument("{}='{}' is not an endpoint URL: expected http(s)://host[:port]", endpoint_var,
                             UrlForMessages(endpoint));
    }
    config.endpoint = endpoint;
    config.path_style = true;
  }
  return config;
}

std::string S3Config::ObjectUrl(std::string_view bucket, std::string_view key) const {
  const std::string path = UrlEncode(key, /*keep_slash=*/true);
  // Bucket names with dots do not match AWS's wildcard certificate as a host name, and legacy
  // names (upper case, '_') are no host names at all: those are addressed path-style on AWS too.
  const bool host_name = std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (path_style || !host_name) {
    const std::string base = endpoint.empty() ? "https://s3." + region + ".amazonaws.com" : endpoint;
    return base + "/" + std::string(bucket) + "/" + path;
  }
  return "https://" + std::string(bucket) + ".s3." + region + ".amazonaws.com/" + path;
}

std::string S3Location::ToString() const { return scheme + "://" + bucket + "/" + key; }

Result<S3Location> ParseS3Location(std::string_view location) {
  const size_t sep = location.find("://");
  S3Location out;
  if (sep != std::string_view::npos) out.scheme = std::string(location.substr(0, sep));
  if (out.scheme != "s3" && out.scheme != "s3a" && out.scheme != "s3n") {
    return InvalidArgument("'{}' is not an S3 location: expected s3://bucket/key (or s3a://, s3n://)", location);
  }
  std::string_view rest = location.substr(sep + 3);
  const size_t slash = rest.find('/');
  out.bucket = std::string(rest.substr(0, slash));
  out.key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (out.bucket.empty()) {
    return InvalidArgument("'{}' names no bucket: expected {}://bucket/key", location, out.scheme);
  }
  if (out.bucket.find('@') != std::string::npos) {
    // Never echo what may be user:secret@ written into the location.
    return InvalidArgument("an {}:// location holds credentials before '@': remove them and set AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead", out.scheme);
  }
  for (char c : out.bucket) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return InvalidArgument("'{}': '{}' is not a bucket name (letters, digits, '.', '-', '_'); expected {}://bucket/key",
                             location, out.bucket, out.scheme);
    }
  }
  return out;
}

}  // namespace icesync::io
