#pragma once
// Bound values for PostgreSQL statements that cannot take parameters, COPY above all.
//
// COPY (SELECT ...) TO STDOUT has no parameter placeholders, yet a --where may carry bound
// values and the key ranges of parallel readers (db::KeyRange) always do, and values are never
// pasted into SQL (project rule). They are therefore bound, with PQexecParams, into
// transaction-local settings: SELECT set_config('icesync.p1', $1, true), and the query reads
// them back typed as current_setting('icesync.p1')::<type>. This was chosen over falling back to
// the ODBC extractor whenever there are parameters because the parallel readers, which always
// have key ranges, are where the COPY path matters most. current_setting() is STABLE, so it is
// evaluated once per statement and key predicates still use the primary key's index.
#include <string>
#include <vector>

#include "core/value.h"
#include "db/pg_session.h"

namespace icesync::db {

// The text PostgreSQL parses back into exactly `v` when cast to its type (bytea as \x hex,
// timestamptz with +00:00, floats with every digit, NaN/Infinity spelled as PostgreSQL does).
std::string PgParameterText(const Value& v);

// Rewrites the `?` placeholders of `sql` (outside string literals, quoted identifiers and
// comments), in order, into current_setting('icesync.pN')::<type> for values[N-1] (NULL::<type>
// for a null), and stores the values in the session's current transaction. The caller must be
// inside a transaction block (the settings end with it). Fails when the number of
// placeholders and values differ.
Result<std::string> BindAsTransactionSettings(PgSession& session, const std::string& sql,
                                              const std::vector<Value>& values);

}  // namespace icesync::db
