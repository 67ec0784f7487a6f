// JWS (RFC 7515) in Compact Serialization with an "x5c" header: the shared
// parser and signature check behind android-safetynet attestation (WebAuthn
// L3 §8.5) and FIDO MDS3 metadata BLOBs (FIDO Metadata Service 3 §3.1.7).
//
// BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature). The
// header names the signature algorithm (RFC 7518 "alg") and may carry the
// signing certificate chain in "x5c" (RFC 7515 §4.1.6: standard base64 DER,
// leaf first).
#ifndef PASSKEY_ATTESTATION_JWS_H_
#define PASSKEY_ATTESTATION_JWS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/result.h>

#include "crypto/openssl_ptr.h"

namespace passkey::internal {

// JwsCaps: the caller's limits and error codes. Every cap applies before the
// bytes are decoded further.
struct JwsCaps {
  std::string_view context;             // message prefix: "android-safetynet"
  ErrorCode malformed_code;             // not a JWS, bad segment, bad header
  ErrorCode signature_code;             // the signature does not verify
  std::size_t max_bytes = 0;            // the whole compact serialization
  int max_header_depth = 4;             // JSON nesting of the header
  int max_payload_depth = 8;            // JSON nesting of the payload
  std::size_t max_x5c_entry_chars = 16 * 1024;
  bool require_x5c = true;              // false: "x5c" may be absent
  // parse_payload: false leaves `payload` null (only payload_bytes set), so
  // a large payload is parsed only after its signature verified.
  bool parse_payload = true;
};

// JwsAlgorithm: a JWS "alg" (RFC 7518 §3.1) as a COSE algorithm, and for
// ECDSA the byte length of r and s in the JOSE signature (RFC 7518 §3.4).
struct JwsAlgorithm {
  std::int64_t cose = 0;
  std::size_t ecdsa_component_bytes = 0;  // 0: not ECDSA
};

// ParsedJws: the decoded parts. `signing_input` views the text given to
// ParseJws, which must outlive it.
struct ParsedJws {
  nlohmann::json header;   // a JSON object
  nlohmann::json payload;  // a JSON object (null unless caps.parse_payload)
  Bytes payload_bytes;     // the decoded payload
  std::string_view signing_input;  // ASCII(BASE64URL(header) "." BASE64URL(payload))
  Bytes signature;         // as sent (JOSE r ‖ s for ECDSA)
  JwsAlgorithm alg;
  std::vector<X509Ptr> x5c;  // leaf first; empty only when !caps.require_x5c
  bool has_x5u = false;      // the header names a certificate URL ("x5u")
};

// ParseJws checks the compact serialization (exactly three non-empty
// strict-base64url segments), parses the header (and, with
// caps.parse_payload, the payload) as JSON objects (ParseJsonStrict: no
// duplicate keys, depth caps), refuses "crit" headers, maps "alg" and
// decodes "x5c" (1..kMaxX5cCertificates padded-base64 DER certificates).
// Errors: caps.malformed_code (shape, JSON, header members, over max_bytes,
// alg "none"/HS*), kUnsupportedAlgorithm (another alg), kCertificateInvalid
// (x5c DER).
Result<ParsedJws> ParseJws(std::string_view text, const JwsCaps& caps);

// ParseJwsPayload parses jws.payload_bytes as a JSON object with
// ParseJsonStrict and caps.max_payload_depth (for callers that set
// parse_payload = false). Errors: caps.malformed_code.
Result<nlohmann::json> ParseJwsPayload(const ParsedJws& jws, const JwsCaps& caps);

// VerifyJwsSignature checks jws.signature over jws.signing_input with the
// key of `signer` (RFC 7515 §5.2), converting JOSE ECDSA signatures to DER.
// Errors: caps.signature_code (does not verify, or a wrong ECDSA length),
// kCertificateInvalid (key does not suit alg), kAlgorithmNotAllowed,
// kUnsupportedAlgorithm, kInternal.
Status VerifyJwsSignature(const ParsedJws& jws, const X509* signer, bool allow_sha1,
                          const JwsCaps& caps);

}  // namespace passkey::internal

#endif  // PASSKEY_ATTESTATION_JWS_H_
