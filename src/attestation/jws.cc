#include "attestation/jws.h"

#include <optional>
#include <string>
#include <utility>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include <passkey/types.h>

#include "attestation/x509.h"
#include "encoding/base64.h"
#include "encoding/json_util.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;

std::string Prefixed(const JwsCaps& caps, std::string_view message) {
  std::string text(caps.context);
  text += ": ";
  text += message;
  return text;
}

Unexpected Malformed(const JwsCaps& caps, std::string_view message) {
  return Fail(caps.malformed_code, Prefixed(caps, message));
}

std::string_view AsText(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                          bytes.size());
}

constexpr std::int64_t Cose(CoseAlgorithm alg) { return static_cast<std::int64_t>(alg); }

Result<JwsAlgorithm> MapJwsAlgorithm(std::string_view alg, const JwsCaps& caps) {
  if (alg == "RS256") return JwsAlgorithm{Cose(CoseAlgorithm::kRs256), 0};
  if (alg == "RS384") return JwsAlgorithm{Cose(CoseAlgorithm::kRs384), 0};
  if (alg == "RS512") return JwsAlgorithm{Cose(CoseAlgorithm::kRs512), 0};
  if (alg == "PS256") return JwsAlgorithm{Cose(CoseAlgorithm::kPs256), 0};
  if (alg == "PS384") return JwsAlgorithm{Cose(CoseAlgorithm::kPs384), 0};
  if (alg == "PS512") return JwsAlgorithm{Cose(CoseAlgorithm::kPs512), 0};
  if (alg == "ES256") return JwsAlgorithm{Cose(CoseAlgorithm::kEs256), 32};
  if (alg == "ES384") return JwsAlgorithm{Cose(CoseAlgorithm::kEs384), 48};
  if (alg == "ES512") return JwsAlgorithm{Cose(CoseAlgorithm::kEs512), 66};
  if (alg == "none" || alg.starts_with("HS")) {
    // Unsigned and MAC'd JWSs say nothing about who produced them.
    return Malformed(caps, "JWS alg must be a public-key signature algorithm");
  }
  return Fail(ErrorCode::kUnsupportedAlgorithm,
              Prefixed(caps, "JWS alg '" + std::string(alg.substr(0, 16)) + "' is not supported"));
}

// JoseEcdsaToDer converts a JOSE ECDSA signature (r ‖ s, each exactly
// `component_bytes` big-endian) to the DER Ecdsa-Sig-Value that
// VerifyWithCertificate takes. A wrong length fails as a bad signature.
Result<Bytes> JoseEcdsaToDer(ByteView jose, std::size_t component_bytes, const JwsCaps& caps) {
  if (jose.size() != 2 * component_bytes) {
    return Fail(caps.signature_code, Prefixed(caps, "JWS ECDSA signature has the wrong length"));
  }
  const ByteView r_bytes = jose.first(component_bytes);
  const ByteView s_bytes = jose.last(component_bytes);
  BignumPtr r(BN_bin2bn(r_bytes.data(), static_cast<int>(r_bytes.size()), nullptr));
  BignumPtr s(BN_bin2bn(s_bytes.data(), static_cast<int>(s_bytes.size()), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return Fail(ErrorCode::kInternal, Prefixed(caps, "ECDSA_SIG allocation failed"));
  }
  // ECDSA_SIG_set0 took ownership of r and s.
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return Fail(ErrorCode::kInternal, Prefixed(caps, "i2d_ECDSA_SIG failed"));
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* cursor = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &cursor) != length) {
    return Fail(ErrorCode::kInternal, Prefixed(caps, "i2d_ECDSA_SIG failed"));
  }
  return der;
}

// ParseJsonObject: JSON text that must be one object.
Result<nlohmann::json> ParseJsonObject(ByteView bytes, int max_depth, const char* what,
                                       const JwsCaps& caps) {
  nlohmann::json json;
  std::string why;
  if (!ParseJsonStrict(AsText(bytes), max_depth, &json, &why)) {
    return Malformed(caps, std::string("JWS ") + what + ": " + why);
  }
  if (!json.is_object()) {
    return Malformed(caps, std::string("JWS ") + what + " is not a JSON object");
  }
  return json;
}

// DecodeSegment: a strict base64url JWS segment.
Result<Bytes> DecodeSegment(std::string_view segment, const char* what, const JwsCaps& caps) {
  Result<Bytes> decoded = Base64UrlDecode(segment);
  if (!decoded.has_value()) {
    return Malformed(caps, std::string("JWS ") + what + " is not base64url");
  }
  return decoded;
}

}  // namespace

Result<ParsedJws> ParseJws(std::string_view text, const JwsCaps& caps) {
  if (text.empty() || text.size() > caps.max_bytes) {
    return Malformed(caps, "JWS is empty or larger than the limit");
  }
  // Compact Serialization (RFC 7515 §7.1): exactly three base64url segments.
  const std::size_t first_dot = text.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : text.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      text.find('.', second_dot + 1) != std::string_view::npos) {
    return Malformed(caps, "not a JWS in Compact Serialization");
  }
  const std::string_view header_segment = text.substr(0, first_dot);
  const std::string_view payload_segment = text.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = text.substr(second_dot + 1);
  if (header_segment.empty() || payload_segment.empty() || signature_segment.empty()) {
    return Malformed(caps, "empty JWS segment");
  }
  ParsedJws jws;
  jws.signing_input = text.substr(0, second_dot);
  PASSKEY_ASSIGN_OR_RETURN(const Bytes header_bytes,
                           DecodeSegment(header_segment, "header", caps));
  PASSKEY_ASSIGN_OR_RETURN(jws.header,
                           ParseJsonObject(header_bytes, caps.max_header_depth, "header", caps));
  PASSKEY_ASSIGN_OR_RETURN(jws.payload_bytes, DecodeSegment(payload_segment, "payload", caps));
  if (caps.parse_payload) {
    PASSKEY_ASSIGN_OR_RETURN(jws.payload, ParseJwsPayload(jws, caps));
  }
  PASSKEY_ASSIGN_OR_RETURN(jws.signature, DecodeSegment(signature_segment, "signature", caps));

  // JWS header: "alg" (RFC 7515 §4.1.1) and "x5c" (§4.1.6). A "crit" header
  // names extensions the recipient must understand; we understand none.
  const nlohmann::json& header = jws.header;
  if (header.contains("crit")) return Malformed(caps, "JWS header has crit extensions");
  bool wrong_type = false;
  const std::string* alg_name = FindString(header, "alg", &wrong_type);
  if (alg_name == nullptr) return Malformed(caps, "JWS header lacks a string alg");
  PASSKEY_ASSIGN_OR_RETURN(jws.alg, MapJwsAlgorithm(*alg_name, caps));
  jws.has_x5u = header.contains("x5u");
  const auto x5c = header.find("x5c");
  if (x5c == header.end() && !caps.require_x5c) return jws;
  if (x5c == header.end() || !x5c->is_array() || x5c->empty() ||
      x5c->size() > kMaxX5cCertificates) {
    return Malformed(caps, "JWS header x5c is not an array of 1.." +
                               std::to_string(kMaxX5cCertificates) + " certificates");
  }
  for (const nlohmann::json& entry : *x5c) {
    // RFC 7515 §4.1.6: "Each string in the array is a base64-encoded (Section
    // 4 of [RFC4648] -- not base64url-encoded) DER [ITU.X690.2008] PKIX
    // certificate value."
    if (!entry.is_string() ||
        entry.get_ref<const std::string&>().size() > caps.max_x5c_entry_chars) {
      return Malformed(caps, "JWS header x5c entry is not a string of bounded size");
    }
    const std::optional<Bytes> der = Base64DecodeStrict(entry.get_ref<const std::string&>());
    if (!der.has_value()) return Malformed(caps, "JWS header x5c entry is not padded base64");
    PASSKEY_ASSIGN_OR_RETURN(X509Ptr certificate, ParseCertificateDer(*der));
    jws.x5c.push_back(std::move(certificate));
  }
  return jws;
}

Result<nlohmann::json> ParseJwsPayload(const ParsedJws& jws, const JwsCaps& caps) {
  return ParseJsonObject(jws.payload_bytes, caps.max_payload_depth, "payload", caps);
}

Status VerifyJwsSignature(const ParsedJws& jws, const X509* signer, bool allow_sha1,
                          const JwsCaps& caps) {
  // RFC 7515 §5.2: the signature is over ASCII(BASE64URL(header) '.'
  // BASE64URL(payload)), exactly as received.
  Bytes signature_value = jws.signature;
  if (jws.alg.ecdsa_component_bytes != 0) {
    PASSKEY_ASSIGN_OR_RETURN(signature_value,
                             JoseEcdsaToDer(jws.signature, jws.alg.ecdsa_component_bytes, caps));
  }
  return VerifyWithCertificate(signer, jws.alg.cose, AsBytes(jws.signing_input), signature_value,
                               allow_sha1, caps.signature_code, ErrorCode::kCertificateInvalid);
}

}  // namespace passkey::internal
