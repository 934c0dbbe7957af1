#pragma once
// The schema and partition spec a job writes with, derived from the rows' (source) schema and
// the table's existing metadata: where schema evolution and partition-spec changes are decided.
// The commit (snapshot_producer.h) then records them with the snapshot.
//
// Field ids: a new table numbers the source columns 1..n. For an existing table a column keeps
// its field id when its name matches and its type is the same or, under kEvolve, an allowed
// promotion (table spec, "Schema Evolution": int -> long, float -> double, decimal(p,s) ->
// decimal(p',s) with p' > p; a longer varchar is the same Iceberg string). Other columns get
// new ids above last-column-id, so data written earlier never reads as the new column.
#include <string>
#include <vector>

#include "core/schema.h"
#include "iceberg/partition_spec.h"
#include "iceberg/table_metadata.h"

namespace icesync::iceberg {

enum class SchemaChangePolicy {
  // export --replace: the table takes the source's columns; a column whose type changed in a
  // way Iceberg cannot promote becomes a new column (new id) and the old one leaves the schema.
  kReplace,
  // sync (--on-schema-change evolve): new source columns are added, allowed promotions apply,
  // table columns the source no longer has stay (read as null in new rows); any other type
  // change is Unsupported naming the column.
  kEvolve,
  // sync (--on-schema-change fail): any difference from the current schema is an error.
  kFail,
};

struct TableLayout {
  Schema schema;  // ids final; the existing schema id when nothing changed
  PartitionSpec spec;
  bool new_schema = false;
  bool new_spec = false;
  // Per field of `schema`: the index of the source column that fills it, or -1 (a column the
  // source no longer has, written as null).
  std::vector<int> source_column;
  // Human-readable changes ("added column x", "widened y int -> long"), for messages.
  std::vector<std::string> changes;
};

// `existing` null: a new table. `partition_by` as iceberg::ParsePartitionSpec takes it; an
// existing table keeps an equal spec (same id) and gets a new spec id otherwise. Under kEvolve
// and kFail an empty `partition_by` keeps the table's default spec.
Result<TableLayout> LayoutForSource(const Schema& source, const std::string& partition_by,
                                    const TableMetadata* existing,
                                    SchemaChangePolicy policy = SchemaChangePolicy::kReplace);

// Whether Iceberg allows promoting a column of type `from` to `to` in place.
bool IsAllowedPromotion(const DataType& from, const DataType& to);

}  // namespace icesync::iceberg
