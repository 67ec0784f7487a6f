// Propagation macros for Result/Status inside src/ (never installed).
#ifndef PASSKEY_INTERNAL_RESULT_MACROS_H_
#define PASSKEY_INTERNAL_RESULT_MACROS_H_

#include <utility>

#include <passkey/result.h>

#define PASSKEY_CONCAT_INNER_(a, b) a##b
#define PASSKEY_CONCAT_(a, b) PASSKEY_CONCAT_INNER_(a, b)

// PASSKEY_RETURN_IF_ERROR(expr): returns the error of a failed Status/Result.
#define PASSKEY_RETURN_IF_ERROR(expr)                              \
  do {                                                             \
    auto passkey_status_ = (expr);                                 \
    if (!passkey_status_.has_value()) {                            \
      return ::passkey::Unexpected(std::move(passkey_status_).error()); \
    }                                                              \
  } while (false)

// PASSKEY_ASSIGN_OR_RETURN(lhs, expr): lhs = value of expr, or return its error.
#define PASSKEY_ASSIGN_OR_RETURN(lhs, expr) \
  PASSKEY_ASSIGN_OR_RETURN_IMPL_(PASSKEY_CONCAT_(passkey_result_, __LINE__), lhs, expr)
#define PASSKEY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)       \
  auto tmp = (expr);                                         \
  if (!tmp.has_value()) {                                    \
    return ::passkey::Unexpected(std::move(tmp).error());    \
  }                                                          \
  lhs = std::move(tmp).value()

namespace passkey::internal {

// Fail builds an error result: `return Fail(ErrorCode::kX, "why");`.
inline Unexpected Fail(ErrorCode code, std::string message) {
  return Unexpected(code, std::move(message));
}

// Rewrap replaces the code of a failed result, keeping the message with a
// prefix (used where a sub-parser's error belongs to an enclosing structure).
inline Unexpected Rewrap(ErrorCode code, std::string_view prefix, const Error& error) {
  std::string message(prefix);
  message += ": ";
  message += error.message;
  return Unexpected(code, std::move(message));
}

}  // namespace passkey::internal

#endif  // PASSKEY_INTERNAL_RESULT_MACROS_H_
