#include "core/status.h"

namespace icesync {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kIOError: return "I/O error";
    case ErrorCode::kCorrupt: return "corrupt input";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kConflict: return "commit conflict";
    case ErrorCode::kDatabase: return "database error";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return error_ ? error_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return error_->message;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(error_->code, context + ": " + error_->message);
}

}  // namespace icesync
