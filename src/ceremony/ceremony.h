// Checks shared by the registration and authentication ceremonies.
#ifndef PASSKEY_CEREMONY_CEREMONY_H_
#define PASSKEY_CEREMONY_CEREMONY_H_

#include <string>
#include <string_view>
#include <vector>

#include <passkey/options.h>
#include <passkey/result.h>

#include "webauthn/authenticator_data.h"
#include "webauthn/client_data.h"

namespace passkey::internal {

// ValidateRpId: `rp_id` is a lower-case domain (see ceremony.cc). `field`
// names the option in the message. Errors: kInvalidArgument.
Status ValidateRpId(std::string_view field, std::string_view rp_id);

// ValidateOrigin: `origin` is a serialized origin "scheme://host[:port]" or
// "android:apk-key-hash:…" (see ceremony.cc). Errors: kInvalidArgument.
Status ValidateOrigin(std::string_view field, std::string_view origin);

// ValidateOptions: the relying party passes ValidateRelyingParty and the
// challenge is not empty. Errors: kInvalidArgument.
Status ValidateOptions(const RelyingParty& rp, ByteView challenge);

// VerifyClientData runs, in spec order, the type, challenge, origin,
// crossOrigin, topOrigin and tokenBinding checks. `default_type` is
// "webauthn.create" or "webauthn.get", used when `expected_types` is empty.
Status VerifyClientData(const ClientData& client_data, const RelyingParty& rp,
                        ByteView challenge, const std::vector<std::string>& expected_types,
                        std::string_view default_type);

// MatchRpIdHash: the RP ID whose SHA-256 equals rpIdHash (constant-time
// compares). Errors: kRpIdMismatch.
Result<const std::string*> MatchRpIdHash(const AuthenticatorData& auth_data,
                                         const std::vector<std::string>& rp_ids);

// VerifyUserFlags: UP set (unless !require_user_present: conditional
// create); UV set when required; BS only with BE.
Status VerifyUserFlags(const AuthenticatorData& auth_data, UserVerification user_verification,
                       bool require_user_present = true);

// VerifyAlgorithmAllowed: `alg` is in `allowed` (empty = any supported but
// RS1) and RS1 only with allow_sha1; `sha1_option` names the option that
// sets allow_sha1 in the error message. Errors: kAlgorithmNotAllowed.
Status VerifyAlgorithmAllowed(std::int64_t alg, const std::vector<CoseAlgorithm>& allowed,
                              bool allow_sha1, std::string_view sha1_option);

}  // namespace passkey::internal

#endif  // PASSKEY_CEREMONY_CEREMONY_H_
