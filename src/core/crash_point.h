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
// Points of the exporter: "extract" (after the first batch was written, files open),
// "files-written" (all data files closed, nothing committed), "commit" (manifests written,
// metadata not yet linked into place). Unset variables cost one getenv per call site.
#include <string_view>

namespace icesync {

void CrashPoint(std::string_view point);

}  // namespace icesync
