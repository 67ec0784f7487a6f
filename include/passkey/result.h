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
#include <string>
#include <string_view>
#include <utility>
#include <variant>

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
bool ErrorCodeFromName(std::string_view name, ErrorCode* out) noexcept;

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
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
};

// detail: what the inline templates below call into the library for. Part of
// the ABI (libpasskey.so exports it), not of the API.
namespace detail {
[[noreturn]] void AbortBadResultAccess(bool wanted_value) noexcept;
}  // namespace detail

// Result<T>: a T or an Error, with std::expected's member names. Deliberate
// deviations (as Chromium's base::expected): no operator bool, and accessing
// the wrong side aborts instead of being undefined behaviour.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : storage_(std::in_place_index<0>, value) {}  // NOLINT
  Result(T&& value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
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

 private:
  std::variant<T, Error> storage_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected unexpected)  // NOLINT(google-explicit-constructor)
      : error_(std::move(unexpected).error()), has_error_(true) {}

  bool has_value() const noexcept { return !has_error_; }
  void value() const {
    if (has_error_) detail::AbortBadResultAccess(true);
  }
  const Error& error() const& {
    if (!has_error_) detail::AbortBadResultAccess(false);
    return error_;
  }
  Error&& error() && {
    if (!has_error_) detail::AbortBadResultAccess(false);
    return std::move(error_);
  }

 private:
  Error error_;
  bool has_error_ = false;
};

using Status = Result<void>;

// OkStatus returns a successful Status.
inline Status OkStatus() { return Status(); }

}  // namespace passkey

#endif  // PASSKEY_RESULT_H_
