#include "db/pg_session.h"

#include <strings.h>

#include <cctype>

#include "db/odbc_handle.h"

namespace icesync::db {
namespace {

// A conninfo value in single quotes, backslash-escaping quotes and backslashes (libpq's rule).
std::string ConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// PgResult owns a PGresult.
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

}  // namespace

Result<std::string> LibpqConninfo(const ConnectionString& cs, int connect_timeout_seconds) {
  ASSIGN_OR_RETURN(std::vector<OdbcAttribute> attrs, ParseOdbcAttributes(cs.odbc));
  std::string host, port, dbname, user, sslmode, pqopt;
  for (const auto& [key, value] : attrs) {
    // Init-capture: clang before 16 cannot capture a structured binding by name.
    auto is = [&k = key](const char* name) { return strcasecmp(k.c_str(), name) == 0; };
    if (is("server") || is("servername") || is("host")) host = value;
    else if (is("port")) port = value;
    else if (is("database") || is("dbname")) dbname = value;
    else if (is("uid") || is("username") || is("user")) user = value;
    else if (is("sslmode")) sslmode = value;
    else if (is("pqopt")) pqopt = value;  // psqlODBC hands this libpq conninfo text to libpq as is
  }
  if (host.empty()) {
    return Unsupported("the connection string {} names no Server=, so the PostgreSQL COPY session cannot "
                       "find the server (a DSN= is only known to the ODBC driver)",
                       cs.redacted);
  }
  std::string info = "host=" + ConninfoValue(host);
  if (!port.empty()) info += " port=" + ConninfoValue(port);
  if (!dbname.empty()) info += " dbname=" + ConninfoValue(dbname);
  if (!user.empty()) info += " user=" + ConninfoValue(user);
  if (!cs.password.empty()) info += " password=" + ConninfoValue(cs.password);
  if (!sslmode.empty()) info += " sslmode=" + ConninfoValue(sslmode);
  info += " connect_timeout=" + ConninfoValue(std::to_string(connect_timeout_seconds));
  info += " client_encoding='UTF8' application_name='icesync'";
  if (!pqopt.empty()) info += " " + pqopt;
  return info;
}

Result<std::unique_ptr<PgSession>> PgSession::Open(const ConnectionString& cs, int connect_timeout_seconds) {
  ASSIGN_OR_RETURN(std::string conninfo, LibpqConninfo(cs, connect_timeout_seconds));
  std::unique_ptr<PgSession> s(new PgSession());
  s->redacted_ = cs.redacted;
  s->password_ = cs.password;
  s->conn_ = PQconnectdb(conninfo.c_str());
  if (s->conn_ == nullptr) return DatabaseError("libpq could not allocate a connection for {}", cs.redacted);
  if (PQstatus(s->conn_) != CONNECTION_OK) {
    return s->Error(nullptr, "opening the PostgreSQL COPY session (libpq) with " + cs.redacted);
  }
  // As the ODBC session (PostgresDialect::SessionSetup): text casts and parameters in UTC/ISO.
  RETURN_IF_ERROR(s->Execute("SET TIME ZONE 'UTC'"));
  RETURN_IF_ERROR(s->Execute("SET DateStyle TO ISO"));
  return s;
}

PgSession::~PgSession() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Status PgSession::Error(const PGresult* result, const std::string& what) const {
  std::string sqlstate, message;
  if (result != nullptr) {
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
    message = PQresultErrorMessage(result);
  }
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (sqlstate.empty() && PQstatus(conn_) == CONNECTION_BAD) {
    // libpq reports login and network failures without a SQLSTATE; classify for the hint.
    if (message.find("password") != std::string::npos || message.find("authentication") != std::string::npos) {
      sqlstate = "28P01";
    } else {
      sqlstate = "08001";
    }
  }
  std::string hint = HintForSqlState(sqlstate);
  std::string text = what + ": " + (sqlstate.empty() ? "" : "[" + sqlstate + "] ") + message;
  if (!hint.empty()) text += " (" + hint + ")";
  return DatabaseError("{}", ScrubPassword(text, password_));
}

Status PgSession::Check(PGresult* raw, const std::string& what) {
  PgResult result(raw);
  ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::OK();
  return Error(result.get(), what);
}

Status PgSession::Execute(const std::string& sql) { return Check(PQexec(conn_, sql.c_str()), "running " + sql); }

Status PgSession::ExecuteParams(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  return Check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                            nullptr, 0),
               "running " + sql);
}

Result<int64_t> PgSession::QueryInt64(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK) return static_cast<int64_t>(std::strtoll(PQcmdTuples(result.get()), nullptr, 10));
  if (st != PGRES_TUPLES_OK) return Error(result.get(), "running " + sql);
  if (PQntuples(result.get()) < 1 || PQnfields(result.get()) < 1 || PQgetisnull(result.get(), 0, 0)) {
    return DatabaseError("{} returned no value", sql);
  }
  return static_cast<int64_t>(std::strtoll(PQgetvalue(result.get(), 0, 0), nullptr, 10));
}

Status PgSession::StartCopy(const std::string& copy_sql) {
  PgResult result(PQexec(conn_, copy_sql.c_str()));
  const ExecStatusType st = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COPY_OUT || st == PGRES_COPY_IN) return Status::OK();
  return Error(result.get(), "running " + copy_sql);
}

Status PgSession::FinishCopy(const std::string& what) {
  Status first;
  while (PgResult result{PQgetResult(conn_)}) {
    if (first.ok() && PQresultStatus(result.get()) != PGRES_COMMAND_OK) first = Error(result.get(), what);
  }
  return first;
}

Status PgSession::BeginOnSnapshot(const std::string& snapshot_id) {
  RETURN_IF_ERROR(Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  // SET TRANSACTION SNAPSHOT takes no parameters; the id is the server's own output
  // (hex digits and dashes, e.g. 00000003-0000001B-1), checked here before it goes into SQL.
  for (char c : snapshot_id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') {
      return InvalidArgument("'{}' is not a PostgreSQL snapshot id", snapshot_id);
    }
  }
  if (snapshot_id.empty()) return InvalidArgument("no PostgreSQL snapshot id to read");
  return Execute("SET TRANSACTION SNAPSHOT '" + snapshot_id + "'");
}

}  // namespace icesync::db
