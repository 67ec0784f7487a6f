// Error values for every fallible passkey call.
//
// passkey reports failure as a value: Result<T> holds either a T or an Error
// carrying a stable ErrorCode. No exception crosses the public API
// (std::bad_alloc aside). The code is the contract; the message is for logs
// only and may change between releases.
#ifndef PASSKEY_RESULT_H_
#define PASSKEY_RESULT_H_

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <version>

#if defined(__cpp_lib_format)
#include <format>
#endif

namespace passkey {

// ErrorCode: stable, append-only. The snake_case string form (ErrorCodeName)
// is what the CLI prints and what callers should log or persist.
enum class ErrorCode : std::uint16_t {
  // Caller mistakes (bad options, not bad input).
  kInvalidArgument = 1,        // "invalid_argument"
  kInternal,                   // "internal_error": OpenSSL or allocation failure
  // Untrusted input that cannot be parsed.
  kMalformedResponse,          // "malformed_response": response JSON
  kMalformedBase64Url,         // "malformed_base64url"
  kMalformedCbor,              // "malformed_cbor": CBOR reader, standalone use
  kCborLimitExceeded,          // "cbor_limit_exceeded": size/depth/count caps
  kMalformedClientData,        // "malformed_client_data"
  kMalformedAuthenticatorData, // "malformed_authenticator_data"
  kMalformedAttestationObject, // "malformed_attestation_object"
  kMalformedCredentialRecord,  // "malformed_credential_record"
  kUnsupportedRecordVersion,   // "unsupported_record_version"
  // Ceremony checks (WebAuthn L3 §7.1 / §7.2), in spec order.
  kCredentialIdMismatch,       // "credential_id_mismatch"
  kUserHandleMismatch,         // "user_handle_mismatch"
  kTypeMismatch,               // "type_mismatch"
  kChallengeMismatch,          // "challenge_mismatch"
  kOriginMismatch,             // "origin_mismatch"
  kCrossOriginNotAllowed,      // "cross_origin_not_allowed"
  kTopOriginMismatch,          // "top_origin_mismatch"
  kTokenBindingInvalid,        // "token_binding_invalid"
  kRpIdMismatch,               // "rp_id_mismatch"
  kUserNotPresent,             // "user_not_present"
  kUserNotVerified,            // "user_not_verified"
  kBackupFlagsInvalid,         // "backup_flags_invalid": BS=1 with BE=0
  kBackupEligibilityChanged,   // "backup_eligibility_changed"
  kAlgorithmNotAllowed,        // "algorithm_not_allowed"
  kUnsupportedAlgorithm,       // "unsupported_algorithm"
  kInvalidPublicKey,           // "invalid_public_key"
  kSignatureInvalid,           // "signature_invalid": assertion signature
  kSignCountRollback,          // "sign_count_rollback"
  kCredentialIdTooLong,        // "credential_id_too_long"
  // Attestation.
  kAttestationFormatUnsupported,  // "attestation_format_unsupported"
  kAttestationInvalid,            // "attestation_invalid"
  kAttestationSignatureInvalid,   // "attestation_signature_invalid"
  kAttestationUntrusted,          // "attestation_untrusted"
  // AAGUID catalog.
  kMalformedCatalog,              // "malformed_catalog": not the community format
  kCatalogEmpty,                  // "catalog_empty": `{}` (a retired list)
  kCatalogLimitExceeded,          // "catalog_limit_exceeded": size cap
  // Attestation, narrower than attestation_invalid (WebAuthn L3 §8).
  kAttestationNonceMismatch,      // "attestation_nonce_mismatch": nonce/extraData/challenge
  kAttestationAaguidMismatch,     // "attestation_aaguid_mismatch": certificate AAGUID ≠ authData's
  kAttestationKeyMismatch,        // "attestation_key_mismatch": attested key ≠ credential key
  kCertificateInvalid,            // "certificate_invalid": bad DER, broken x5c link, or a
                                  //   format's certificate requirement not met
  kCertificateExpired,            // "certificate_expired": outside its validity at `now`
  kCertificateRevoked,            // "certificate_revoked": listed in a caller CRL
  kSafetyNetCtsProfileMismatch,   // "safetynet_cts_profile_mismatch"
  kSafetyNetTimestampInvalid,     // "safetynet_timestamp_invalid"
  // FIDO Metadata Service (MDS3) BLOBs and the authenticator status policy.
  kMdsMalformed,                  // "mds_malformed": not a JWS, or a bad payload
  kMdsSignatureInvalid,           // "mds_signature_invalid": JWS signature
  kMdsUntrusted,                  // "mds_untrusted": x5c does not chain to the root
  kMdsRollback,                   // "mds_rollback": `no` not above the last accepted
  kMdsLimitExceeded,              // "mds_limit_exceeded": BLOB over the size cap
  kAuthenticatorStatusCompromised,  // "authenticator_status_compromised"
  kUnknownAaguid,                 // "unknown_aaguid": no catalog knows the AAGUID
  // Challenge store (passkey/ceremony_options.h).
  kChallengeNotFound,             // "challenge_not_found": none outstanding for
                                  //   (ceremony, session): never issued, or used
  kChallengeExpired,              // "challenge_expired": issued more than ttl ago
  // WebAuthn L3 §7.2 steps 5–6 (issue #16).
  kCredentialNotAllowed,          // "credential_not_allowed": not in allowCredentials
  kUserHandleMissing,             // "user_handle_missing": discoverable flow, no userHandle
  // A store the call depends on (e.g. a remote ChallengeStore) did not
  // answer or failed: nothing was decided; the caller may retry later.
  kUnavailable,                   // "unavailable"
};

// ErrorCodeName returns the stable snake_case name of `code`, or
// "unknown_error" for a value outside the enum.
std::string_view ErrorCodeName(ErrorCode code) noexcept;

// ErrorCodeFromName is the inverse of ErrorCodeName; false when unknown.
// ParseErrorCode (below) is the same in the Result shape of the other
// Parse functions.
bool ErrorCodeFromName(std::string_view name, ErrorCode* out) noexcept;

// operator<< writes ErrorCodeName(code), so `log << result.error().code`
// prints the stable name ("challenge_mismatch"), not a number. Where the
// standard library has std::format, std::formatter<passkey::ErrorCode>
// (below) does the same for `std::format("{}", code)`. (A template, defined
// here, so this header needs only <iosfwd> and the shared library exports
// nothing for it.)
template <class Traits>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& out,
                                             ErrorCode code) {
  return out << ErrorCodeName(code);
}

// Error: a code to branch on and a message to log. Never branch on the
// message; it never contains more than a short prefix of untrusted input.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// Unexpected wraps an Error so that `return Unexpected(...)` converts to any
// Result<T> (the std::unexpected shape).
class Unexpected {
 public:
  explicit Unexpected(Error error) : error_(std::move(error)) {}
  Unexpected(ErrorCode code, std::string message)
      : error_{code, std::move(message)} {}
  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
};

// detail: what the inline templates below call into the library for. Part of
// the ABI (libpasskey.so exports it), not of the API.
namespace detail {
[[noreturn]] void AbortBadResultAccess(bool wanted_value) noexcept;
}  // namespace detail

template <class T>
class Result;

namespace detail {
template <class R>
inline constexpr bool kIsResult = false;
template <class T>
inline constexpr bool kIsResult<Result<T>> = true;

// InvokeInto: Result<U> holding f(args...) (Result<void> after calling f
// when U is void). What transform() builds on success.
template <class U, class F, class... Args>
Result<U> InvokeInto(F&& f, Args&&... args) {
  if constexpr (std::is_void_v<U>) {
    std::invoke(std::forward<F>(f), std::forward<Args>(args)...);
    return Result<U>();
  } else {
    return Result<U>(std::in_place, std::invoke(std::forward<F>(f), std::forward<Args>(args)...));
  }
}
}  // namespace detail

// Result<T>: a T or an Error, with std::expected's member names. Deliberate
// deviations (as Chromium's base::expected): no operator bool, and accessing
// the wrong side aborts instead of being undefined behaviour.
//
// Besides has_value/value/error/*/->, the monadic members of std::expected:
//  - value_or(v): the value, or `v` converted to T on failure;
//  - error_or(e): the error, or `e` converted to Error on success;
//  - and_then(f): f(value) (which returns a Result<U>), or the error;
//  - transform(f): Result<U> holding f(value) (Result<void> when f returns
//    void), or the error;
//  - or_else(f): the value, or f(error) (which returns a Result<T>).
// The error side is always passkey::Error, so and_then/transform only
// change the value type and or_else can recover or replace the error.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T> && !std::is_same_v<std::remove_cv_t<T>, Error> &&
                    !std::is_same_v<std::remove_cv_t<T>, Unexpected>,
                "Result<T>: T must be an object type other than Error/Unexpected");

 public:
  using value_type = T;
  using error_type = Error;

  // A successful Result from anything T can be built from (as
  // std::expected's converting constructor): `Result<std::string> r = "x";`.
  // Implicit exactly when the conversion to T is implicit.
  template <class U = T>
    requires(std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result> &&
             !std::is_same_v<std::remove_cvref_t<U>, Unexpected> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t>)
  explicit(!std::is_convertible_v<U &&, T>) Result(U&& value)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}
  // In-place construction of the value.
  template <class... Args>
    requires std::is_constructible_v<T, Args&&...>
  explicit Result(std::in_place_t, Args&&... args)
      : storage_(std::in_place_index<0>, std::forward<Args>(args)...) {}
  Result(Unexpected unexpected)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<1>, std::move(unexpected).error()) {}

  bool has_value() const noexcept { return storage_.index() == 0; }

  T& value() & {
    if (!has_value()) detail::AbortBadResultAccess(true);
    return *std::get_if<0>(&storage_);
  }
  const T& value() const& {
    if (!has_value()) detail::AbortBadResultAccess(true);
    return *std::get_if<0>(&storage_);
  }
  T&& value() && {
    if (!has_value()) detail::AbortBadResultAccess(true);
    return std::move(*std::get_if<0>(&storage_));
  }
  const Error& error() const& {
    if (has_value()) detail::AbortBadResultAccess(false);
    return *std::get_if<1>(&storage_);
  }
  Error&& error() && {
    if (has_value()) detail::AbortBadResultAccess(false);
    return std::move(*std::get_if<1>(&storage_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // value_or: the value, or `fallback` (converted to T) on failure.
  template <class U>
  T value_or(U&& fallback) const& {
    static_assert(std::is_copy_constructible_v<T> && std::is_convertible_v<U&&, T>);
    return has_value() ? *std::get_if<0>(&storage_) : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    static_assert(std::is_move_constructible_v<T> && std::is_convertible_v<U&&, T>);
    return has_value() ? std::move(*std::get_if<0>(&storage_))
                       : static_cast<T>(std::forward<U>(fallback));
  }

  // error_or: the error, or `fallback` (converted to Error) on success.
  template <class G>
  Error error_or(G&& fallback) const& {
    return has_value() ? static_cast<Error>(std::forward<G>(fallback)) : *std::get_if<1>(&storage_);
  }
  template <class G>
  Error error_or(G&& fallback) && {
    return has_value() ? static_cast<Error>(std::forward<G>(fallback))
                       : std::move(*std::get_if<1>(&storage_));
  }

  // and_then: f(value) when successful (f returns some Result<U>), else
  // the error as a Result<U>.
  template <class F>
  auto and_then(F&& f) & {
    return AndThen(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F&& f) const& {
    return AndThen(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F&& f) && {
    return AndThen(std::move(*this), std::forward<F>(f));
  }

  // transform: Result<U> holding f(value) (Result<void> when f returns
  // void) when successful, else the error.
  template <class F>
  auto transform(F&& f) & {
    return Transform(*this, std::forward<F>(f));
  }
  template <class F>
  auto transform(F&& f) const& {
    return Transform(*this, std::forward<F>(f));
  }
  template <class F>
  auto transform(F&& f) && {
    return Transform(std::move(*this), std::forward<F>(f));
  }

  // or_else: this result when successful, else f(error), which returns a
  // Result<T> (recover with a value, or replace the error).
  template <class F>
  Result or_else(F&& f) const& {
    return OrElse(*this, std::forward<F>(f));
  }
  template <class F>
  Result or_else(F&& f) && {
    return OrElse(std::move(*this), std::forward<F>(f));
  }

 private:
  // Self is Result&, const Result& or Result&&: the value or error is
  // passed on with the same value category.
  template <class Self, class F>
  static auto AndThen(Self&& self, F&& f) {
    using R = std::remove_cvref_t<std::invoke_result_t<F, decltype(std::forward<Self>(self).value())>>;
    static_assert(detail::kIsResult<R>, "and_then: the function must return a passkey::Result");
    if (!self.has_value()) return R(Unexpected(std::forward<Self>(self).error()));
    return R(std::invoke(std::forward<F>(f), std::forward<Self>(self).value()));
  }

  template <class Self, class F>
  static auto Transform(Self&& self, F&& f) {
    using U = std::remove_cv_t<std::invoke_result_t<F, decltype(std::forward<Self>(self).value())>>;
    if (!self.has_value()) return Result<U>(Unexpected(std::forward<Self>(self).error()));
    return detail::InvokeInto<U>(std::forward<F>(f), std::forward<Self>(self).value());
  }

  template <class Self, class F>
  static Result OrElse(Self&& self, F&& f) {
    using R = std::remove_cvref_t<std::invoke_result_t<F, decltype(std::forward<Self>(self).error())>>;
    static_assert(std::is_same_v<R, Result>, "or_else: the function must return the same Result<T>");
    if (self.has_value()) return Result(std::in_place, std::forward<Self>(self).value());
    return std::invoke(std::forward<F>(f), std::forward<Self>(self).error());
  }

  std::variant<T, Error> storage_;
};

// Result<void>: success carries nothing. and_then/transform take functions
// of no argument; there is no value_or.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  using error_type = Error;

  Result() = default;
  explicit Result(std::in_place_t) {}
  Result(Unexpected unexpected)  // NOLINT(google-explicit-constructor)
      : error_(std::move(unexpected).error()), has_error_(true) {}

  bool has_value() const noexcept { return !has_error_; }
  void value() const {
    if (has_error_) detail::AbortBadResultAccess(true);
  }
  void operator*() const { value(); }
  const Error& error() const& {
    if (!has_error_) detail::AbortBadResultAccess(false);
    return error_;
  }
  Error&& error() && {
    if (!has_error_) detail::AbortBadResultAccess(false);
    return std::move(error_);
  }

  template <class G>
  Error error_or(G&& fallback) const& {
    return has_error_ ? error_ : static_cast<Error>(std::forward<G>(fallback));
  }
  template <class G>
  Error error_or(G&& fallback) && {
    return has_error_ ? std::move(error_) : static_cast<Error>(std::forward<G>(fallback));
  }

  // and_then: f() when successful (f returns some Result<U>), else the error.
  template <class F>
  auto and_then(F&& f) const& {
    using R = std::remove_cvref_t<std::invoke_result_t<F>>;
    static_assert(detail::kIsResult<R>, "and_then: the function must return a passkey::Result");
    if (has_error_) return R(Unexpected(error_));
    return R(std::invoke(std::forward<F>(f)));
  }
  template <class F>
  auto and_then(F&& f) && {
    using R = std::remove_cvref_t<std::invoke_result_t<F>>;
    static_assert(detail::kIsResult<R>, "and_then: the function must return a passkey::Result");
    if (has_error_) return R(Unexpected(std::move(error_)));
    return R(std::invoke(std::forward<F>(f)));
  }

  // transform: Result<U> holding f() when successful, else the error.
  template <class F>
  auto transform(F&& f) const& {
    using U = std::remove_cv_t<std::invoke_result_t<F>>;
    if (has_error_) return Result<U>(Unexpected(error_));
    return detail::InvokeInto<U>(std::forward<F>(f));
  }
  template <class F>
  auto transform(F&& f) && {
    using U = std::remove_cv_t<std::invoke_result_t<F>>;
    if (has_error_) return Result<U>(Unexpected(std::move(error_)));
    return detail::InvokeInto<U>(std::forward<F>(f));
  }

  // or_else: success, or f(error), which returns a Status.
  template <class F>
  Result or_else(F&& f) const& {
    static_assert(std::is_same_v<std::remove_cvref_t<std::invoke_result_t<F, const Error&>>, Result>,
                  "or_else: the function must return a Status");
    if (!has_error_) return Result();
    return std::invoke(std::forward<F>(f), error_);
  }
  template <class F>
  Result or_else(F&& f) && {
    static_assert(std::is_same_v<std::remove_cvref_t<std::invoke_result_t<F, Error&&>>, Result>,
                  "or_else: the function must return a Status");
    if (!has_error_) return Result();
    return std::invoke(std::forward<F>(f), std::move(error_));
  }

 private:
  Error error_;
  bool has_error_ = false;
};

using Status = Result<void>;

// ParseErrorCode: the ErrorCode whose ErrorCodeName is `name`;
// kInvalidArgument for any other text ("unknown_error" included).
Result<ErrorCode> ParseErrorCode(std::string_view name);

// OkStatus returns a successful Status.
inline Status OkStatus() { return Status(); }

}  // namespace passkey

#if defined(__cpp_lib_format)
// std::format("{}", code) prints ErrorCodeName(code); the string_view
// format spec applies ("{:>20}").
template <>
struct std::formatter<passkey::ErrorCode> : std::formatter<std::string_view> {
  template <class FormatContext>
  auto format(passkey::ErrorCode code, FormatContext& context) const {
    return std::formatter<std::string_view>::format(passkey::ErrorCodeName(code), context);
  }
};
#endif

#endif  // PASSKEY_RESULT_H_
