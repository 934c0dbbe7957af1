#pragma once
// Named points in a job where tests can stop the process the hard way, to prove that a kill
// at any moment leaves the table either untouched or at a complete snapshot.
//
//   ICESYNC_CRASH_AT=<point>   the process SIGKILLs itself on reaching <point>
//   ICESYNC_PAUSE_AT=<point>   the process creates the file $ICESYNC_PAUSE_FILE (when set)
//                              and waits: until killed (a test kills it from outside), or
//                              until the test deletes that file, when it carries on (a test
//                              changes the table meanwhile, e.g. to provoke a commit conflict)
//
// Points of export and sync: "extract" (after the first batch was written, files open;
// sync/source_stream.cc), "data-written" (sync: data files closed, position-delete files not
// yet written), "files-written" (all data and delete files closed, nothing
// committed), "commit" (manifests and manifest list written, metadata not yet linked into
// place; iceberg/snapshot_producer.cc, so every commit has it), "committed" (the new
// metadata file is current, nothing after it done: version hint, watermark mirror, clean-up;
// iceberg/filesystem_catalog.cc). Import: "import-staging" (after each staged batch),
// "import-staged" (all staged, nothing applied), "import-applied" (merged and the state row
// written, the transaction not yet committed; load/importer.cc). Maintenance:
// "expire-committed" (expired snapshots dropped from the metadata, their files not yet
// deleted; sync/maintain/snapshot_expiry.cc). It lives in core so that every
// layer can name its points. Unset variables cost one getenv per call site.
//
// Failed writes (a full disk, a read-only warehouse) are injected the same way, by
// ICESYNC_FAIL_WRITES_AFTER_BYTES=N and ICESYNC_FAIL_WRITES=EROFS|ENOSPC: core/write_fault.h.
#include <string_view>

namespace icesync {

void CrashPoint(std::string_view point);

}  // namespace icesync
