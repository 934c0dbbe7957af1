#pragma once
// Small files written durably, the way every commit in icesync publishes its files.
//
// Invariant: a reader never sees a partly written file under its final name. Contents go to a
// temporary name in the same directory first, are fsynced, and only then appear under `path`:
// by link() when the file must never replace another (manifests, vN.metadata.json: losing a
// race is AlreadyExists, never an overwrite), or by rename() when replacing is the point
// (version-hint.text). Temporary names start with '.' and end in ".tmp"; a crash may leave
// one behind, and nothing ever references it.
#include <string>
#include <string_view>

#include "core/status.h"

namespace icesync {

// Creates `path` exclusively (O_EXCL), writes `contents` and fsyncs it.
Status WriteFileSynced(const std::string& path, std::string_view contents);

// Publishes `contents` as the new file `path`; AlreadyExists (naming `path`) if it exists.
// The directory entry is fsynced too. The parent directory must exist.
Status WriteNewFile(const std::string& path, std::string_view contents);

// Replaces `path` (or creates it) with `contents` in one atomic rename.
Status ReplaceFile(const std::string& path, std::string_view contents);

// fsyncs a directory so that entries created in it survive a crash; best effort.
void SyncDirectory(const std::string& dir);

}  // namespace icesync
