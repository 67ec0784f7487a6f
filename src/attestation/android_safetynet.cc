// §8.5 Android SafetyNet Attestation Statement Format.
//
// The statement's `response` is a JWS (RFC 7515) in Compact Serialization:
// BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature). The
// header names the signature algorithm (RFC 7518 "alg") and carries the
// signing certificate chain in "x5c" (RFC 7515 §4.1.6: standard base64 DER,
// leaf first). The payload is the SafetyNet compatibility-check result
// (nonce, timestampMs, ctsProfileMatch, basicIntegrity, apk* members).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "attestation/jws.h"
#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "encoding/base64.h"
#include "encoding/byte_reader.h"
#include "encoding/json_util.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// Size caps. Real responses are 5–10 KB (two or three ~1.4 KB certificates);
// the whole attestation object is capped at 64 KiB (internal/limits.h).
constexpr std::size_t kMaxResponseBytes = 32 * 1024;

// kSafetyNetHostname: the SafetyNet documentation's "Use SSL hostname
// matching to verify that the leaf certificate was issued to the hostname
// attest.android.com".
constexpr std::string_view kSafetyNetHostname = "attest.android.com";

// kJwsCaps: the JWS limits (header: flat members and the x5c array; payload:
// flat members and the apk* arrays) and this format's error codes.
constexpr JwsCaps kJwsCaps{
    .context = "android-safetynet",
    .malformed_code = ErrorCode::kAttestationInvalid,
    .signature_code = ErrorCode::kAttestationSignatureInvalid,
    .max_bytes = kMaxResponseBytes,
    .max_header_depth = 4,
    .max_payload_depth = 8,
    .max_x5c_entry_chars = 16 * 1024,
    .require_x5c = true,
};

Unexpected Invalid(std::string message) {
  return Fail(ErrorCode::kAttestationInvalid, "android-safetynet: " + std::move(message));
}

std::string_view AsText(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                          bytes.size());
}

// OptionalBool: a boolean member; nullopt when absent; error when mistyped.
Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<bool>();
  if (!it->is_boolean()) return Invalid(std::string("payload ") + key + " is not a boolean");
  return std::optional<bool>(it->get<bool>());
}

}  // namespace

Result<AttestationOutcome> VerifyAndroidSafetyNetAttestation(const AttestationInput& input) {
  // §8.5 syntax: safetynetStmtFormat = { ver: text, response: bytes }.
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above
  // and perform CBOR decoding on it to extract the contained fields."
  const CborValue& stmt = input.att_stmt;
  if (!stmt.is_map()) return Invalid("attStmt is not a map");
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() || (key.text() != "ver" && key.text() != "response")) {
      return Invalid("attStmt has an unknown member");
    }
  }
  const CborValue* ver = stmt.Find("ver");
  const CborValue* response = stmt.Find("response");
  //  ver: "The version number of Google Play Services responsible for
  //  providing the SafetyNet API."
  if (ver == nullptr || !ver->is_text() || ver->text().empty()) {
    return Invalid("attStmt lacks a non-empty ver text");
  }
  //  response: "The UTF-8 encoded result of the getJwsResult() call of the
  //  SafetyNet API. This value is a JWS [RFC7515] object … in Compact
  //  Serialization."
  if (response == nullptr || !response->is_bytes()) {
    return Invalid("attStmt lacks response bytes");
  }
  if (response->bytes().empty() || response->bytes().size() > kMaxResponseBytes) {
    return Invalid("response is empty or larger than the limit");
  }

  // "Verify that response is a valid SafetyNet response of version ver by
  //  following the steps indicated by the SafetyNet online documentation.
  //  As of this writing, there is only one format of the SafetyNet response
  //  and ver is reserved for future use."
  // Compact Serialization (RFC 7515 §7.1) with "alg" and "x5c" headers
  // (src/attestation/jws.h).
  PASSKEY_ASSIGN_OR_RETURN(const ParsedJws jws, ParseJws(AsText(response->bytes()), kJwsCaps));
  const nlohmann::json& payload = jws.payload;
  const std::vector<X509Ptr>& chain = jws.x5c;
  X509* leaf = chain.front().get();

  // "Verify that the SafetyNet response actually came from the SafetyNet
  //  service by following the steps in the SafetyNet online documentation":
  //  the leaf certificate was issued to attest.android.com (RFC 6125
  //  matching: DNS subjectAltNames, else the subject CN; no wildcards), its
  //  chain is valid (below), and the JWS signature verifies with its key.
  if (X509_check_host(leaf, kSafetyNetHostname.data(), kSafetyNetHostname.size(),
                      X509_CHECK_FLAG_NO_WILDCARDS, nullptr) != 1) {
    return Fail(ErrorCode::kCertificateInvalid,
                "android-safetynet: leaf certificate is not issued to attest.android.com");
  }
  PASSKEY_RETURN_IF_ERROR(
      VerifyJwsSignature(jws, leaf, input.options.allow_sha1_attestation, kJwsCaps));

  // "Verify that the nonce attribute in the payload of response is identical
  //  to the Base64 encoding of the SHA-256 hash of the concatenation of
  //  authenticatorData and clientDataHash."
  bool wrong_type = false;
  const std::string* nonce = FindString(payload, "nonce", &wrong_type);
  if (nonce == nullptr) return Invalid("payload lacks a string nonce");
  const Sha256Digest att_to_be_signed = Sha256(input.auth_data, input.client_data_hash);
  const std::string expected_nonce = Base64Encode(att_to_be_signed);
  if (!ConstantTimeEquals(AsBytes(*nonce), AsBytes(expected_nonce))) {
    return Fail(ErrorCode::kAttestationNonceMismatch,
                "android-safetynet: payload nonce is not base64(SHA-256(authData || "
                "clientDataHash))");
  }

  // SafetyNet documentation: ctsProfileMatch is "a stricter verdict of device
  // integrity"; basicIntegrity "a more lenient verdict". The RP requires
  // ctsProfileMatch unless it opted out; basic integrity is always required.
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<bool> cts_profile_match,
                           OptionalBool(payload, "ctsProfileMatch"));
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<bool> basic_integrity,
                           OptionalBool(payload, "basicIntegrity"));
  const bool cts = cts_profile_match.value_or(false);
  if (!cts && !input.options.allow_safetynet_without_cts_profile_match) {
    return Fail(ErrorCode::kSafetyNetCtsProfileMismatch,
                "android-safetynet: ctsProfileMatch is not true");
  }
  if (basic_integrity == false || (!cts && !basic_integrity.has_value())) {
    return Fail(ErrorCode::kSafetyNetCtsProfileMismatch,
                "android-safetynet: basicIntegrity is not true");
  }

  // SafetyNet documentation: timestampMs is "Milliseconds past the UNIX
  // epoch when the JWS response message was generated by Google's servers";
  // it must be recent (within the RP's window of `now`).
  const auto timestamp_member = payload.find("timestampMs");
  const std::optional<std::int64_t> timestamp =
      timestamp_member == payload.end() ? std::nullopt : JsonInt64(*timestamp_member);
  if (!timestamp.has_value() || *timestamp < 0) {
    return Invalid("payload lacks a non-negative integer timestampMs");
  }
  if (!input.options.now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "android-safetynet attestation needs options.now (timestamp and certificates)");
  }
  if (!input.options.danger_skip_safetynet_timestamp_check) {
    constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
    const std::int64_t now = *input.options.now;
    const std::int64_t window = input.options.safetynet_timestamp_window_seconds;
    if (now < 0 || now > kMaxSeconds || window < 0 || window > kMaxSeconds) {
      return Fail(ErrorCode::kInvalidArgument,
                  "android-safetynet: options.now or the timestamp window is out of range");
    }
    // Both operands are in [0, INT64_MAX], so the difference cannot overflow.
    const std::int64_t difference = *timestamp - now * 1000;
    if (difference > window * 1000 || difference < -window * 1000) {
      return Fail(ErrorCode::kSafetyNetTimestampInvalid,
                  "android-safetynet: timestampMs is outside the window around now");
    }
  }

  // "If successful, return implementation-specific values representing
  //  attestation type Basic and attestation trust path x5c." The path is
  //  validated against the caller's anchors (#sctn-registering-a-new-
  //  credential, "Assess the attestation trustworthiness").
  const Aaguid aaguid = input.parsed_auth_data.attested_credential_data.has_value()
                            ? input.parsed_auth_data.attested_credential_data->aaguid
                            : Aaguid{};
  PASSKEY_ASSIGN_OR_RETURN(const PathPolicy policy, PathPolicyFor(input.options, aaguid));
  PASSKEY_ASSIGN_OR_RETURN(const PathValidation path, ValidateAttestationPath(chain, policy));
  return AttestationOutcome{"basic", path.trusted, path.revocation_checked};
}

}  // namespace passkey::internal
