#include "db/connection_string.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace icesync::db {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsPasswordKey(const std::string& key) {
  std::string k = Lower(key);
  return k == "pwd" || k == "password";
}

Result<std::string> PercentDecode(const std::string& s, const std::string& what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return InvalidArgument("bad percent escape in the {} of the connection URL", what);
    }
    out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

Result<std::string> PasswordFromEnv(const std::string& var) {
  const char* v = std::getenv(var.c_str());
  if (v == nullptr) {
    return InvalidArgument(
        "the connection string asks for the password in environment variable {}, which is not "
        "set; export it before running icesync",
        var);
  }
  return std::string(v);
}

// Components of scheme://user[:password]@host[:port]/path?query.
struct Url {
  std::string scheme, user, password, host, port, path;
  std::vector<OdbcAttribute> query;
  bool has_password = false;
};

Result<Url> ParseUrl(const std::string& text) {
  Url u;
  size_t colon = text.find("://");
  u.scheme = Lower(text.substr(0, colon));
  std::string rest = text.substr(colon + 3);
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query.find('@') != std::string::npos && rest.find('@') == std::string::npos) {
      return InvalidArgument(
          "the connection URL has an '@' after a '?': a password containing '?' must be "
          "percent-encoded as %3F, or taken from the environment with ?password_env=NAME");
    }
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      std::string item = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!item.empty()) {
        size_t eq = item.find('=');
        if (eq == std::string::npos) {
          return InvalidArgument("connection URL option '{}' has no value (expected name=value)", item);
        }
        const std::string name = item.substr(0, eq);
        // The name becomes an ODBC attribute name, which cannot be braced: "x;PWD" would
        // smuggle in an attribute that redaction misses (found by connection_string_fuzz).
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
            })) {
          return InvalidArgument(
              "connection URL option '{}' needs a name of letters, digits, '_', '-' or '.' (e.g. sslmode=require)",
              item);
        }
        ASSIGN_OR_RETURN(std::string value, PercentDecode(item.substr(eq + 1), "options"));
        u.query.emplace_back(name, value);
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  if (u.scheme == "sqlite") {  // sqlite:///abs/path or sqlite://relative/path
    ASSIGN_OR_RETURN(u.path, PercentDecode(rest, "path"));
    return u;
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  // An '@' only after the host means the password holds a '/' or '?' typed raw, which split
  // the URL inside the password. Say so without quoting any piece: each may be the secret.
  if (authority.find('@') == std::string::npos &&
      rest.find('@') != std::string::npos) {
    return InvalidArgument(
        "the connection URL has an '@' after the host: a password containing '/', '?', '#' or "
        "'@' must be percent-encoded (%2F, %3F, %23, %40), or taken from the environment with "
        "?password_env=NAME");
  }
  if (slash != std::string::npos) {
    ASSIGN_OR_RETURN(u.path, PercentDecode(rest.substr(slash + 1), "database name"));
  }
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t c = userinfo.find(':');
    ASSIGN_OR_RETURN(u.user, PercentDecode(userinfo.substr(0, c), "user name"));
    if (c != std::string::npos) {
      ASSIGN_OR_RETURN(u.password, PercentDecode(userinfo.substr(c + 1), "password"));
      u.has_password = true;
    }
  }
  if (!authority.empty() && authority[0] == '[') {  // [ipv6]:port
    size_t close = authority.find(']');
    if (close == std::string::npos) return InvalidArgument("unterminated '[' in the host of the connection URL");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
  } else {
    size_t c = authority.rfind(':');
    u.host = authority.substr(0, c);
    if (c != std::string::npos) u.port = authority.substr(c + 1);
  }
  if (!u.port.empty() && !std::all_of(u.port.begin(), u.port.end(), ::isdigit)) {
    return InvalidArgument("port '{}' in the connection URL is not a number", u.port);
  }
  if (u.host.empty()) return InvalidArgument("the connection URL names no host ({}://user@host:port/db)", u.scheme);
  return u;
}

// k1=v1;k2=v2 with values verbatim (for sqliteodbc, see ResolveConnectionString).
std::string JoinUnbraced(const std::vector<OdbcAttribute>& attrs) {
  std::string out;
  for (const auto& [k, v] : attrs) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

std::string DriverPath(const char* library) { return std::string(kOdbcDriverDir) + "/" + library; }

// Maps a URL onto driver attributes. Driver tuning that the extractor relies on is set here:
// psqlODBC must fetch through a cursor (else it buffers the whole result in client memory);
// FreeTDS needs TDS 7.4 for date/time2/datetimeoffset and UTF-8 as client charset (sqliteodbc's
// StepAPI=1: ResolveConnectionString, for ODBC strings too).
Result<std::vector<OdbcAttribute>> UrlAttributes(const Url& u, std::string* password_env) {
  std::vector<OdbcAttribute> attrs;
  std::vector<OdbcAttribute> extra;
  for (const auto& [k, v] : u.query) {
    if (Lower(k) == "password_env") *password_env = v;
    else extra.emplace_back(k, v);
  }
  if (u.scheme == "sqlite") {
    if (u.path.empty()) return InvalidArgument("sqlite URL names no file: use sqlite:///path/to/file.db");
    attrs = {{"Driver", DriverPath("libsqlite3odbc.so")}, {"Database", u.path}};
  } else if (u.scheme == "postgresql" || u.scheme == "postgres") {
    attrs = {{"Driver", DriverPath("psqlodbca.so")},
             {"Server", u.host},
             {"Port", u.port.empty() ? "5432" : u.port},
             {"Database", u.path.empty() ? "postgres" : u.path},
             {"UseDeclareFetch", "1"},
             {"Fetch", "10000"},
             {"UseServerSidePrepare", "1"},
             {"ByteaAsLongVarBinary", "1"}};
    if (!u.user.empty()) attrs.emplace_back("UID", u.user);
  } else if (u.scheme == "mssql" || u.scheme == "sqlserver") {
    attrs = {{"Driver", DriverPath("libtdsodbc.so")},
             {"Server", u.host},
             {"Port", u.port.empty() ? "1433" : u.port},
             {"TDS_Version", "7.4"},
             {"ClientCharset", "UTF-8"}};
    if (!u.path.empty()) attrs.emplace_back("Database", u.path);
    if (!u.user.empty()) attrs.emplace_back("UID", u.user);
  } else {
    return InvalidArgument(
        "unknown connection URL scheme '{}': use sqlite:///file.db, postgresql://user@host:port/db, "
        "mssql://user@host:port/db or an ODBC connection string (Driver={{...}};Server=...)",
        u.scheme);
  }
  if (u.has_password) attrs.emplace_back("PWD", u.password);
  attrs.insert(attrs.end(), extra.begin(), extra.end());
  return attrs;
}

}  // namespace

Result<std::vector<OdbcAttribute>> ParseOdbcAttributes(const std::string& text) {
  std::vector<OdbcAttribute> attrs;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ';' || std::isspace(static_cast<unsigned char>(text[i])))) ++i;
    if (i >= text.size()) break;
    size_t eq = text.find('=', i);
    // A name without '=' ends at the next ';'. Looking past it would make "x;PWD" one key
    // named "x;PWD", whose value then escapes redaction (found by connection_string_fuzz).
    if (eq == std::string::npos || text.find(';', i) < eq) {
      // After PWD=, the "attribute" is most likely the rest of a password with a raw ';'.
      if (!attrs.empty() && IsPasswordKey(attrs.back().first)) {
        return InvalidArgument(
            "bad ODBC connection string: the text after {}= is not a key=value attribute; a "
            "password containing ';' must be braced: {}={{...}} (a '}}' inside doubled: '}}}}')",
            attrs.back().first, attrs.back().first);
      }
      return InvalidArgument(
          "bad ODBC connection string: '{}' is not a key=value attribute (expected e.g. "
          "Driver={{FreeTDS}};Server=host;Database=db)",
          text.substr(i, text.find(';', i) - i));
    }
    std::string key = text.substr(i, eq - i);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.empty()) return InvalidArgument("bad ODBC connection string: an attribute has no name before '='");
    i = eq + 1;
    std::string value;
    if (i < text.size() && text[i] == '{') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '}') {
          if (i + 1 < text.size() && text[i + 1] == '}') {
            value.push_back('}');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(text[i++]);
      }
      if (!closed) return InvalidArgument("bad ODBC connection string: the value of {} has no closing '}}'", key);
    } else {
      size_t semi = text.find(';', i);
      value = text.substr(i, semi == std::string::npos ? std::string::npos : semi - i);
      i = semi == std::string::npos ? text.size() : semi;
    }
    attrs.emplace_back(key, value);
  }
  if (attrs.empty()) return InvalidArgument("empty connection string");
  return attrs;
}

std::string FormatOdbcAttributes(const std::vector<OdbcAttribute>& attrs) {
  std::string out;
  for (const auto& [k, v] : attrs) {
    if (!out.empty()) out += ';';
    out += k;
    out += '=';
    bool brace = v.find_first_of(";{}= ") != std::string::npos || (!v.empty() && std::isspace(static_cast<unsigned char>(v[0])));
    if (!brace) {
      out += v;
      continue;
    }
    out += '{';
    for (char c : v) {
      out.push_back(c);
      if (c == '}') out.push_back('}');
    }
    out += '}';
  }
  return out;
}

std::string ScrubPassword(std::string text, const std::string& password) {
  if (password.empty()) return text;
  size_t pos = 0;
  while ((pos = text.find(password, pos)) != std::string::npos) {
    text.replace(pos, password.size(), "***");
    pos += 3;
  }
  return text;
}

Result<ConnectionString> ResolveConnectionString(const std::string& url_or_odbc) {
  std::vector<OdbcAttribute> attrs;
  std::string password_env;
  size_t scheme_end = url_or_odbc.find("://");
  bool is_url = scheme_end != std::string::npos && url_or_odbc.find('=') > scheme_end &&
                url_or_odbc.find(';') > scheme_end;
  if (is_url) {
    ASSIGN_OR_RETURN(Url url, ParseUrl(url_or_odbc));
    ASSIGN_OR_RETURN(attrs, UrlAttributes(url, &password_env));
  } else {
    ASSIGN_OR_RETURN(attrs, ParseOdbcAttributes(url_or_odbc));
    bool has_driver = false;
    for (auto it = attrs.begin(); it != attrs.end();) {
      std::string k = Lower(it->first);
      if (k == "pwd_env") {
        password_env = it->second;
        it = attrs.erase(it);
        continue;
      }
      has_driver |= k == "driver" || k == "dsn" || k == "filedsn";
      ++it;
    }
    if (!has_driver) {
      return InvalidArgument(
          "bad connection string: it names no Driver= (or DSN=); write e.g. "
          "Driver={{FreeTDS}};Server=host,1433;Database=db;UID=user or a URL like "
          "mssql://user@host:1433/db");
    }
  }
  ConnectionString cs;
  bool has_password = false;
  for (const auto& [k, v] : attrs) {
    if (IsPasswordKey(k)) {
      has_password = true;
      cs.password = v;
    }
  }
  if (!password_env.empty()) {
    if (has_password) {
      return InvalidArgument("the connection string gives both a password and PWD_ENV/password_env; keep one");
    }
    ASSIGN_OR_RETURN(cs.password, PasswordFromEnv(password_env));
    attrs.emplace_back("PWD", cs.password);
  } else if (!has_password) {
    if (const char* env = std::getenv("ICESYNC_PASSWORD"); env != nullptr && *env != '\0') {
      cs.password = env;
      attrs.emplace_back("PWD", cs.password);
    }
  }
  // sqliteodbc reads a value up to the next ';' and knows no braces: "Database={/a b.db}"
  // opens a file named "{/a b.db}". Its values go unbraced, so a ';' cannot be passed at all.
  const bool sqlite = std::any_of(attrs.begin(), attrs.end(), [](const OdbcAttribute& a) {
    return Lower(a.first) == "driver" && Lower(a.second).find("sqlite") != std::string::npos;
  });
  auto format = [&](const std::vector<OdbcAttribute>& a) { return sqlite ? JoinUnbraced(a) : FormatOdbcAttributes(a); };
  if (sqlite) {
    // StepAPI=1 (unless the string sets it): sqliteodbc then steps a SELECT one row per
    // fetched row ("step mode") instead of reading the whole result into memory when it
    // executes; db::TransactionMode says what else step mode needs.
    if (std::none_of(attrs.begin(), attrs.end(), [](const OdbcAttribute& a) { return Lower(a.first) == "stepapi"; })) {
      attrs.emplace_back("StepAPI", "1");
    }
    for (const auto& [k, v] : attrs) {
      if (v.find(';') != std::string::npos) {
        return InvalidArgument("the SQLite driver cannot take a ';' in {} ('{}'); rename the file or link it "
                               "under a name without ';'",
                               k, IsPasswordKey(k) ? "***" : v);
      }
    }
    // Unbraced, a value must still read back as itself (no leading '{', no edge spaces), or
    // what the driver opens and what icesync reports would differ.
    Result<std::vector<OdbcAttribute>> back = ParseOdbcAttributes(JoinUnbraced(attrs));
    if (!back.ok() || *back != attrs) {
      return InvalidArgument("the SQLite driver takes values verbatim up to ';', and one of them (starting with "
                             "'{{' or with spaces at an end) would not read back as written; rename the file or "
                             "link it under a plainer name");
    }
  }
  cs.odbc = format(attrs);
  for (auto& [k, v] : attrs) {
    if (IsPasswordKey(k)) v = "***";
  }
  cs.redacted = format(attrs);
  return cs;
}

}  // namespace icesync::db
