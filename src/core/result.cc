#include <passkey/result.h>

#include <array>
#include <cstdio>
#include <utility>

namespace passkey {
namespace {

struct CodeName {
  ErrorCode code;
  std::string_view name;
};

constexpr std::array kCodeNames = {
    CodeName{ErrorCode::kInvalidArgument, "invalid_argument"},
    CodeName{ErrorCode::kInternal, "internal_error"},
    CodeName{ErrorCode::kMalformedResponse, "malformed_response"},
    CodeName{ErrorCode::kMalformedBase64Url, "malformed_base64url"},
    CodeName{ErrorCode::kMalformedCbor, "malformed_cbor"},
    CodeName{ErrorCode::kCborLimitExceeded, "cbor_limit_exceeded"},
    CodeName{ErrorCode::kMalformedClientData, "malformed_client_data"},
    CodeName{ErrorCode::kMalformedAuthenticatorData, "malformed_authenticator_data"},
    CodeName{ErrorCode::kMalformedAttestationObject, "malformed_attestation_object"},
    CodeName{ErrorCode::kMalformedCredentialRecord, "malformed_credential_record"},
    CodeName{ErrorCode::kUnsupportedRecordVersion, "unsupported_record_version"},
    CodeName{ErrorCode::kCredentialIdMismatch, "credential_id_mismatch"},
    CodeName{ErrorCode::kUserHandleMismatch, "user_handle_mismatch"},
    CodeName{ErrorCode::kTypeMismatch, "type_mismatch"},
    CodeName{ErrorCode::kChallengeMismatch, "challenge_mismatch"},
    CodeName{ErrorCode::kOriginMismatch, "origin_mismatch"},
    CodeName{ErrorCode::kCrossOriginNotAllowed, "cross_origin_not_allowed"},
    CodeName{ErrorCode::kTopOriginMismatch, "top_origin_mismatch"},
    CodeName{ErrorCode::kTokenBindingInvalid, "token_binding_invalid"},
    CodeName{ErrorCode::kRpIdMismatch, "rp_id_mismatch"},
    CodeName{ErrorCode::kUserNotPresent, "user_not_present"},
    CodeName{ErrorCode::kUserNotVerified, "user_not_verified"},
    CodeName{ErrorCode::kBackupFlagsInvalid, "backup_flags_invalid"},
    CodeName{ErrorCode::kBackupEligibilityChanged, "backup_eligibility_changed"},
    CodeName{ErrorCode::kAlgorithmNotAllowed, "algorithm_not_allowed"},
    CodeName{ErrorCode::kUnsupportedAlgorithm, "unsupported_algorithm"},
    CodeName{ErrorCode::kInvalidPublicKey, "invalid_public_key"},
    CodeName{ErrorCode::kSignatureInvalid, "signature_invalid"},
    CodeName{ErrorCode::kSignCountRollback, "sign_count_rollback"},
    CodeName{ErrorCode::kCredentialIdTooLong, "credential_id_too_long"},
    CodeName{ErrorCode::kAttestationFormatUnsupported, "attestation_format_unsupported"},
    CodeName{ErrorCode::kAttestationInvalid, "attestation_invalid"},
    CodeName{ErrorCode::kAttestationSignatureInvalid, "attestation_signature_invalid"},
    CodeName{ErrorCode::kAttestationUntrusted, "attestation_untrusted"},
    CodeName{ErrorCode::kMalformedCatalog, "malformed_catalog"},
    CodeName{ErrorCode::kCatalogEmpty, "catalog_empty"},
    CodeName{ErrorCode::kCatalogLimitExceeded, "catalog_limit_exceeded"},
    CodeName{ErrorCode::kAttestationNonceMismatch, "attestation_nonce_mismatch"},
    CodeName{ErrorCode::kAttestationAaguidMismatch, "attestation_aaguid_mismatch"},
    CodeName{ErrorCode::kAttestationKeyMismatch, "attestation_key_mismatch"},
    CodeName{ErrorCode::kCertificateInvalid, "certificate_invalid"},
    CodeName{ErrorCode::kCertificateExpired, "certificate_expired"},
    CodeName{ErrorCode::kCertificateRevoked, "certificate_revoked"},
    CodeName{ErrorCode::kSafetyNetCtsProfileMismatch, "safetynet_cts_profile_mismatch"},
    CodeName{ErrorCode::kSafetyNetTimestampInvalid, "safetynet_timestamp_invalid"},
    CodeName{ErrorCode::kMdsMalformed, "mds_malformed"},
    CodeName{ErrorCode::kMdsSignatureInvalid, "mds_signature_invalid"},
    CodeName{ErrorCode::kMdsUntrusted, "mds_untrusted"},
    CodeName{ErrorCode::kMdsRollback, "mds_rollback"},
    CodeName{ErrorCode::kMdsLimitExceeded, "mds_limit_exceeded"},
    CodeName{ErrorCode::kAuthenticatorStatusCompromised, "authenticator_status_compromised"},
    CodeName{ErrorCode::kUnknownAaguid, "unknown_aaguid"},
    CodeName{ErrorCode::kChallengeNotFound, "challenge_not_found"},
    CodeName{ErrorCode::kChallengeExpired, "challenge_expired"},
    CodeName{ErrorCode::kCredentialNotAllowed, "credential_not_allowed"},
    CodeName{ErrorCode::kUserHandleMissing, "user_handle_missing"},
    CodeName{ErrorCode::kUnavailable, "unavailable"},
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) noexcept {
  for (const auto& entry : kCodeNames) {
    if (entry.code == code) return entry.name;
  }
  return "unknown_error";
}

bool ErrorCodeFromName(std::string_view name, ErrorCode* out) noexcept {
  for (const auto& entry : kCodeNames) {
    if (entry.name == name) {
      *out = entry.code;
      return true;
    }
  }
  return false;
}

Result<ErrorCode> ParseErrorCode(std::string_view name) {
  ErrorCode code = ErrorCode::kInternal;
  if (!ErrorCodeFromName(name, &code)) {
    return Unexpected(ErrorCode::kInvalidArgument, "not an ErrorCode name");
  }
  return code;
}

namespace detail {
void AbortBadResultAccess(bool wanted_value) noexcept {
  std::fputs(wanted_value ? "passkey: value() called on a failed Result\n"
                          : "passkey: error() called on a successful Result\n",
             stderr);
  std::abort();
}
}  // namespace detail

}  // namespace passkey
