#pragma once
// The canonical, lossless JSON Lines form of rows that `icesync parquet cat --format jsonl`
// and `icesync scan --format jsonl` print, and that the test corpora's expected/*.jsonl use:
// one object per row, keys sorted by byte value, no whitespace; long and decimal as strings;
// float/double as ECMAScript's shortest round-trip text ("NaN"/"Infinity" as strings, -0 as
// -0); dates/times/timestamps ISO with µs, timestamptz with "+00:00"; uuid lowercase 8-4-4-4-12;
// binary/fixed lowercase hex.
#include <functional>
#include <string>
#include <string_view>

#include "core/batch.h"

namespace icesync {

void AppendJsonString(std::string& out, std::string_view utf8);
// ECMAScript Number.prototype.toString of a double; non-finite values as JSON strings.
void AppendJsonDouble(std::string& out, double v);
void AppendHex(std::string& out, std::string_view bytes);
void AppendUuid(std::string& out, std::string_view bytes16);

// Value `row` of `column` (any type, nested included) in canonical form.
void AppendCanonicalValue(std::string& out, const ColumnVector& column, int64_t row);
// One row of a batch as a canonical JSON object (no trailing newline).
std::string CanonicalRow(const RecordBatch& batch, int64_t row);

// Writes a non-null value in its own form and returns true, or returns false to leave it to
// the canonical rules. Lets a reader print values whose storage is not their exact type
// (Parquet's INT96 or nanosecond timestamps) while nesting and key order stay canonical.
using CanonicalValueHook =
    std::function<bool(std::string& out, const Field& field, const ColumnVector& column, int64_t row)>;
// AppendCanonicalValue / CanonicalRow with `hook` consulted for every value, nested ones included.
void AppendCanonicalValue(std::string& out, const Field& field, const ColumnVector& column, int64_t row,
                          const CanonicalValueHook& hook);
std::string CanonicalRow(const RecordBatch& batch, int64_t row, const CanonicalValueHook& hook);

}  // namespace icesync
