#include "ceremony.h"

#include <algorithm>
#include <string>

#include "byte_reader.h"
#include "crypto/crypto.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// Short, printable prefix of untrusted text for log messages.
std::string Excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 48)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > 48) out += "...";
  return out;
}

}  // namespace

Status ValidateOptions(const RelyingParty& rp, ByteView challenge) {
  if (rp.ids.empty()) return Fail(ErrorCode::kInvalidArgument, "no RP ID configured");
  if (rp.origins.empty()) return Fail(ErrorCode::kInvalidArgument, "no origin configured");
  if (challenge.empty()) return Fail(ErrorCode::kInvalidArgument, "empty challenge");
  return OkStatus();
}

Status VerifyClientData(const ClientData& client_data, const RelyingParty& rp,
                        ByteView challenge, const std::vector<std::string>& expected_types,
                        std::string_view default_type) {
  // "Verify that the value of C.type is webauthn.create" (§7.1) /
  // "… is the string webauthn.get" (§7.2).
  const bool type_ok =
      expected_types.empty()
          ? client_data.type == default_type
          : std::find(expected_types.begin(), expected_types.end(), client_data.type) !=
                expected_types.end();
  if (!type_ok) {
    return Fail(ErrorCode::kTypeMismatch, "unexpected type '" + Excerpt(client_data.type) + "'");
  }
  // "Verify that the value of C.challenge equals the base64url encoding of
  // pkOptions.challenge." Compared as text, in constant time.
  const std::string expected_challenge = Base64UrlEncode(challenge);
  if (!ConstantTimeEquals(AsBytes(client_data.challenge), AsBytes(expected_challenge))) {
    return Fail(ErrorCode::kChallengeMismatch, "challenge differs from the one issued");
  }
  // "Verify that the value of C.origin is an origin expected by the Relying
  // Party." Exact match against the configured list.
  if (std::find(rp.origins.begin(), rp.origins.end(), client_data.origin) == rp.origins.end()) {
    return Fail(ErrorCode::kOriginMismatch,
                "origin '" + Excerpt(client_data.origin) + "' is not expected");
  }
  // "If C.crossOrigin is present and set to true, verify that the Relying
  // Party expects that this credential would have been created [used] within
  // an iframe that is not same-origin with its ancestors."
  if (client_data.cross_origin && !rp.allow_cross_origin) {
    return Fail(ErrorCode::kCrossOriginNotAllowed, "crossOrigin is true");
  }
  // "If C.topOrigin is present: Verify that the Relying Party expects that
  // this credential would have been created within an iframe that is not
  // same-origin with its ancestors. Verify that the value of C.topOrigin
  // matches the origin of a page that the Relying Party expects to be
  // sub-framed within."
  if (client_data.top_origin.has_value()) {
    if (!rp.allow_cross_origin) {
      return Fail(ErrorCode::kCrossOriginNotAllowed, "topOrigin present but cross-origin use is not allowed");
    }
    if (std::find(rp.top_origins.begin(), rp.top_origins.end(), *client_data.top_origin) ==
        rp.top_origins.end()) {
      return Fail(ErrorCode::kTopOriginMismatch,
                  "topOrigin '" + Excerpt(*client_data.top_origin) + "' is not expected");
    }
  }
  // WebAuthn Level 2: "Verify that the value of C.tokenBinding.status matches
  // the state of Token Binding for the TLS connection". Level 3 reserves the
  // member; a present one must still be one of the defined forms.
  if (!client_data.token_binding_valid) {
    return Fail(ErrorCode::kTokenBindingInvalid, "tokenBinding has an invalid status");
  }
  return OkStatus();
}

Result<const std::string*> MatchRpIdHash(const AuthenticatorData& auth_data,
                                         const std::vector<std::string>& rp_ids) {
  for (const std::string& rp_id : rp_ids) {
    const Sha256Digest expected = Sha256(AsBytes(rp_id));
    if (ConstantTimeEquals(auth_data.rp_id_hash, expected)) return &rp_id;
  }
  return Fail(ErrorCode::kRpIdMismatch, "rpIdHash matches no expected RP ID");
}

Status VerifyUserFlags(const AuthenticatorData& auth_data, UserVerification user_verification) {
  // "Verify that the UP bit of the flags in authData is set."
  if (!auth_data.user_present) return Fail(ErrorCode::kUserNotPresent, "UP flag is not set");
  // "If user verification was determined to be required, verify that the UV
  // bit of the flags in authData is set. Otherwise, ignore the value of the
  // UV flag."
  if (user_verification == UserVerification::kRequired && !auth_data.user_verified) {
    return Fail(ErrorCode::kUserNotVerified, "UV flag is not set but verification is required");
  }
  // "If the BE bit of the flags in authData is not set, verify that the BS
  // bit is not set."
  if (!auth_data.backup_eligible && auth_data.backup_state) {
    return Fail(ErrorCode::kBackupFlagsInvalid, "BS flag set without BE");
  }
  return OkStatus();
}

Status VerifyAlgorithmAllowed(std::int64_t alg, const std::vector<CoseAlgorithm>& allowed,
                              bool allow_sha1) {
  const bool is_sha1 = alg == static_cast<std::int64_t>(CoseAlgorithm::kRs1);
  if (allowed.empty()) {
    if (is_sha1 && !allow_sha1) {
      return Fail(ErrorCode::kAlgorithmNotAllowed, "RS1 (SHA-1) keys need allow_sha1_attestation");
    }
    return OkStatus();
  }
  const bool listed = std::any_of(allowed.begin(), allowed.end(), [alg](CoseAlgorithm a) {
    return static_cast<std::int64_t>(a) == alg;
  });
  if (!listed) {
    return Fail(ErrorCode::kAlgorithmNotAllowed,
                "algorithm " + std::to_string(alg) + " is not in the allowed list");
  }
  if (is_sha1 && !allow_sha1) {
    return Fail(ErrorCode::kAlgorithmNotAllowed, "RS1 (SHA-1) keys need allow_sha1_attestation");
  }
  return OkStatus();
}

}  // namespace passkey::internal
