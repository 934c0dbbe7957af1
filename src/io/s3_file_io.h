#pragma once
// FileIO for s3:// locations (placeholder declaration; the S3 implementation lands from the s3 branch).
#include "io/file_io.h"

namespace icesync::io {
Result<FileIO*> S3FileIOForProcess();
}  // namespace icesync::io
