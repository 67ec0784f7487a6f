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
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "base64.h"
#include "byte_reader.h"
#include "internal/result_macros.h"
#include "json_util.h"

namespace passkey::internal {
namespace {

using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;

// Size caps. Real responses are 5–10 KB (two or three ~1.4 KB certificates);
// the whole attestation object is capped at 64 KiB (internal/limits.h).
constexpr std::size_t kMaxResponseBytes = 32 * 1024;
constexpr std::size_t kMaxX5cEntryChars = 16 * 1024;
constexpr int kMaxHeaderDepth = 4;
constexpr int kMaxPayloadDepth = 8;

// kSafetyNetHostname: the SafetyNet documentation's "Use SSL hostname
// matching to verify that the leaf certificate was issued to the hostname
// attest.android.com".
constexpr std::string_view kSafetyNetHostname = "attest.android.com";

Unexpected Invalid(std::string message) {
  return Fail(ErrorCode::kAttestationInvalid, "android-safetynet: " + std::move(message));
}

std::string_view AsText(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                          bytes.size());
}

// --- JWS ---------------------------------------------------------------------

// JwsAlgorithm: a JWS "alg" (RFC 7518 §3.1) as a COSE algorithm, and for
// ECDSA the byte length of r and s in the JOSE signature (RFC 7518 §3.4).
struct JwsAlgorithm {
  std::int64_t cose = 0;
  std::size_t ecdsa_component_bytes = 0;  // 0: not ECDSA
};

Result<JwsAlgorithm> MapJwsAlgorithm(std::string_view alg) {
  if (alg == "RS256") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kRs256), 0};
  if (alg == "RS384") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kRs384), 0};
  if (alg == "RS512") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kRs512), 0};
  if (alg == "PS256") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kPs256), 0};
  if (alg == "PS384") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kPs384), 0};
  if (alg == "PS512") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kPs512), 0};
  if (alg == "ES256") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kEs256), 32};
  if (alg == "ES384") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kEs384), 48};
  if (alg == "ES512") return JwsAlgorithm{static_cast<std::int64_t>(CoseAlgorithm::kEs512), 66};
  if (alg == "none" || alg.starts_with("HS")) {
    // Unsigned and MAC'd JWSs say nothing about who produced them.
    return Invalid("JWS alg must be a public-key signature algorithm");
  }
  return Fail(ErrorCode::kUnsupportedAlgorithm,
              "android-safetynet: JWS alg '" + std::string(alg.substr(0, 16)) +
                  "' is not supported");
}

// JoseEcdsaToDer converts a JOSE ECDSA signature (r ‖ s, each exactly
// `component_bytes` big-endian) to the DER Ecdsa-Sig-Value that
// VerifyWithCertificate takes. A wrong length fails as a bad signature.
Result<Bytes> JoseEcdsaToDer(ByteView jose, std::size_t component_bytes) {
  if (jose.size() != 2 * component_bytes) {
    return Fail(ErrorCode::kAttestationSignatureInvalid,
                "android-safetynet: JWS ECDSA signature has the wrong length");
  }
  const ByteView r_bytes = jose.first(component_bytes);
  const ByteView s_bytes = jose.last(component_bytes);
  BignumPtr r(BN_bin2bn(r_bytes.data(), static_cast<int>(r_bytes.size()), nullptr));
  BignumPtr s(BN_bin2bn(s_bytes.data(), static_cast<int>(s_bytes.size()), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return Fail(ErrorCode::kInternal, "android-safetynet: ECDSA_SIG allocation failed");
  }
  // ECDSA_SIG_set0 took ownership of r and s.
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return Fail(ErrorCode::kInternal, "android-safetynet: i2d_ECDSA_SIG failed");
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* cursor = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &cursor) != length) {
    return Fail(ErrorCode::kInternal, "android-safetynet: i2d_ECDSA_SIG failed");
  }
  return der;
}

// ParseJsonSegment: a base64url JWS segment holding a JSON object.
Result<nlohmann::json> ParseJsonSegment(std::string_view segment, int max_depth,
                                        const char* what) {
  const Result<Bytes> decoded = Base64UrlDecode(segment);
  if (!decoded.has_value()) return Invalid(std::string("JWS ") + what + " is not base64url");
  nlohmann::json json;
  std::string why;
  if (!ParseJsonStrict(AsText(*decoded), max_depth, &json, &why)) {
    return Invalid(std::string("JWS ") + what + ": " + why);
  }
  if (!json.is_object()) return Invalid(std::string("JWS ") + what + " is not a JSON object");
  return json;
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
  // Compact Serialization (RFC 7515 §7.1): exactly three base64url segments.
  const std::string_view jws = AsText(response->bytes());
  const std::size_t first_dot = jws.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : jws.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      jws.find('.', second_dot + 1) != std::string_view::npos) {
    return Invalid("response is not a JWS in Compact Serialization");
  }
  const std::string_view header_segment = jws.substr(0, first_dot);
  const std::string_view payload_segment = jws.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = jws.substr(second_dot + 1);
  const std::string_view signing_input = jws.substr(0, second_dot);
  if (header_segment.empty() || payload_segment.empty() || signature_segment.empty()) {
    return Invalid("response has an empty JWS segment");
  }
  PASSKEY_ASSIGN_OR_RETURN(const nlohmann::json header,
                           ParseJsonSegment(header_segment, kMaxHeaderDepth, "header"));
  PASSKEY_ASSIGN_OR_RETURN(const nlohmann::json payload,
                           ParseJsonSegment(payload_segment, kMaxPayloadDepth, "payload"));
  const Result<Bytes> signature = Base64UrlDecode(signature_segment);
  if (!signature.has_value()) return Invalid("JWS signature is not base64url");

  // JWS header: "alg" (RFC 7515 §4.1.1) and "x5c" (§4.1.6). A "crit" header
  // names extensions the recipient must understand; we understand none.
  if (header.contains("crit")) return Invalid("JWS header has crit extensions");
  bool wrong_type = false;
  const std::string* alg_name = FindString(header, "alg", &wrong_type);
  if (alg_name == nullptr) return Invalid("JWS header lacks a string alg");
  PASSKEY_ASSIGN_OR_RETURN(const JwsAlgorithm alg, MapJwsAlgorithm(*alg_name));
  const auto x5c = header.find("x5c");
  if (x5c == header.end() || !x5c->is_array() || x5c->empty() ||
      x5c->size() > kMaxX5cCertificates) {
    return Invalid("JWS header x5c is not an array of 1.." +
                   std::to_string(kMaxX5cCertificates) + " certificates");
  }
  std::vector<X509Ptr> chain;
  for (const nlohmann::json& entry : *x5c) {
    // RFC 7515 §4.1.6: "Each string in the array is a base64-encoded (Section
    // 4 of [RFC4648] -- not base64url-encoded) DER [ITU.X690.2008] PKIX
    // certificate value."
    if (!entry.is_string() || entry.get_ref<const std::string&>().size() > kMaxX5cEntryChars) {
      return Invalid("JWS header x5c entry is not a string of bounded size");
    }
    const std::optional<Bytes> der = Base64DecodeStrict(entry.get_ref<const std::string&>());
    if (!der.has_value()) return Invalid("JWS header x5c entry is not padded base64");
    PASSKEY_ASSIGN_OR_RETURN(X509Ptr certificate, ParseCertificateDer(*der));
    chain.push_back(std::move(certificate));
  }
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
  // RFC 7515 §5.2: the signature is over ASCII(BASE64URL(header) '.'
  // BASE64URL(payload)), exactly as received.
  Bytes signature_value = *signature;
  if (alg.ecdsa_component_bytes != 0) {
    PASSKEY_ASSIGN_OR_RETURN(signature_value,
                             JoseEcdsaToDer(*signature, alg.ecdsa_component_bytes));
  }
  PASSKEY_RETURN_IF_ERROR(VerifyWithCertificate(leaf, alg.cose, AsBytes(signing_input),
                                                signature_value,
                                                input.options.allow_sha1_attestation,
                                                ErrorCode::kAttestationSignatureInvalid));

  // "Verify that the nonce attribute in the payload of response is identical
  //  to the Base64 encoding of the SHA-256 hash of the concatenation of
  //  authenticatorData and clientDataHash."
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
  const auto timestamp = payload.find("timestampMs");
  if (timestamp == payload.end() || !timestamp->is_number_integer() ||
      (timestamp->is_number_unsigned() &&
       timestamp->get<std::uint64_t>() >
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) ||
      timestamp->get<std::int64_t>() < 0) {
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
    const std::int64_t difference = timestamp->get<std::int64_t>() - now * 1000;
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
  PASSKEY_ASSIGN_OR_RETURN(const bool trusted, ValidateAttestationPath(chain, policy));
  return AttestationOutcome{"basic", trusted};
}

}  // namespace passkey::internal
