#pragma once
// Test-only write failures, beside the crash points (core/crash_point.h): the disk filling up
// or the warehouse turning read-only in the middle of a job. CI runs as root, where chmod does
// not make a directory read-only, and a container may not mount a small tmpfs, so the tests
// inject the failure where icesync writes files (parquet/file_sink.cc for data and delete
// files, core/durable_file.cc for manifests, metadata, version hint and watermark mirror):
//
//   ICESYNC_FAIL_WRITES_AFTER_BYTES=N  once the process has written N bytes, every further
//                                      write fails with ENOSPC (a disk that fills up)
//   ICESYNC_FAIL_WRITES=EROFS|ENOSPC   every file creation and write fails with that error
//
// Unset variables cost one getenv per process.
#include <cstddef>
#include <string>

#include "core/status.h"

namespace icesync {

// 0, or the errno that a write of `bytes` more bytes must fail with. Counts the bytes let through.
int InjectedWriteError(size_t bytes);
// 0, or the errno that creating a file must fail with (ICESYNC_FAIL_WRITES only).
int InjectedCreateError();

// The IOError for a failed write of `path`: names the file and, for a full disk or a read-only
// file system, the fix.
Status WriteError(const std::string& path, int error);

}  // namespace icesync
