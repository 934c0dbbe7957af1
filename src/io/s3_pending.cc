// Temporary until the S3 FileIO lands (branch s3): s3:// locations are refused.
#include "io/s3_file_io.h"

namespace icesync::io {
Result<FileIO*> S3FileIOForProcess() { return Unsupported("s3:// locations are not supported in this build"); }
}  // namespace icesync::io
