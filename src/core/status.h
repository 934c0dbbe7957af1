#pragma once
// One error convention for the whole code base: functions that can fail return Status
// (no value) or Result<T> (a value or an error). Exceptions are not used across module
// boundaries. An error carries a code (what kind of failure, which the CLI maps to an
// exit code) and a message that names the object concerned (file, table, column) and,
// where there is one, the fix.
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace icesync {

enum class ErrorCode {
  kInvalidArgument,  // bad user input: flags, expressions, connection strings
  kNotFound,         // missing file, table, column, snapshot
  kAlreadyExists,    // table exists, file exists
  kIOError,          // the OS refused a read/write
  kCorrupt,          // a file we read is malformed
  kUnsupported,      // valid but not handled (type, encoding, feature)
  kConflict,         // a concurrent commit won; retryable
  kDatabase,         // the database or driver reported an error
  kInternal,         // a bug
};

const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : error_(new Error{code, std::move(message)}) {}
  Status(const Status& o) : error_(o.error_ ? new Error(*o.error_) : nullptr) {}
  Status(Status&& o) noexcept : error_(o.error_) { o.error_ = nullptr; }
  Status& operator=(Status o) noexcept { std::swap(error_, o.error_); return *this; }
  ~Status() { delete error_; }

  static Status OK() { return Status(); }
  bool ok() const { return error_ == nullptr; }
  ErrorCode code() const { return error_ ? error_->code : ErrorCode::kInternal; }
  const std::string& message() const;
  std::string ToString() const;

  // Prepends context ("reading data/x.parquet: ") to an error; no-op on OK.
  Status WithContext(const std::string& context) const;

 private:
  struct Error {
    ErrorCode code;
    std::string message;
  };
  Error* error_ = nullptr;  // null means OK: keeps the success path one pointer wide
};

template <typename... Args>
Status MakeError(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  return Status(code, fmt::format(f, std::forward<Args>(args)...));
}
#define ICESYNC_ERROR_HELPER(Name, Code)                                      \
  template <typename... Args>                                                 \
  Status Name(fmt::format_string<Args...> f, Args&&... args) {                \
    return Status(ErrorCode::Code, fmt::format(f, std::forward<Args>(args)...)); \
  }
ICESYNC_ERROR_HELPER(InvalidArgument, kInvalidArgument)
ICESYNC_ERROR_HELPER(NotFound, kNotFound)
ICESYNC_ERROR_HELPER(AlreadyExists, kAlreadyExists)
ICESYNC_ERROR_HELPER(IOError, kIOError)
ICESYNC_ERROR_HELPER(Corrupt, kCorrupt)
ICESYNC_ERROR_HELPER(Unsupported, kUnsupported)
ICESYNC_ERROR_HELPER(Conflict, kConflict)
ICESYNC_ERROR_HELPER(DatabaseError, kDatabase)
ICESYNC_ERROR_HELPER(Internal, kInternal)
#undef ICESYNC_ERROR_HELPER

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace icesync

#define ICESYNC_CONCAT_IMPL(a, b) a##b
#define ICESYNC_CONCAT(a, b) ICESYNC_CONCAT_IMPL(a, b)

// Returns the error of an expression yielding Status or Result<T>.
// The Status is copied while `expr`'s temporaries live: `Compute().status()` would otherwise
// leave a reference into a destroyed Result.
#define RETURN_IF_ERROR(expr)                                               \
  do {                                                                      \
    ::icesync::Status _st = ::icesync::internal::ToStatus((expr));          \
    if (!_st.ok()) return _st;                                              \
  } while (0)

// ASSIGN_OR_RETURN(auto x, Compute()); declares x from a Result<T> or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(ICESYNC_CONCAT(_res_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

namespace icesync::internal {
inline const Status& ToStatus(const Status& s) { return s; }
template <typename T>
const Status& ToStatus(const Result<T>& r) { return r.status(); }
}  // namespace icesync::internal
