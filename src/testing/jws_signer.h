// Test support: compact JWS (RFC 7515 §7.1) signing with a software key, shared
// by the SafetyNet attestation builder and the MDS BLOB builder.
#ifndef PASSKEY_TESTING_JWS_SIGNER_H_
#define PASSKEY_TESTING_JWS_SIGNER_H_

#include <string>
#include <string_view>

#include <passkey/result.h>
#include <passkey/testing/software_authenticator.h>

namespace passkey::testing {

// JwsAlgName returns the JWS "alg" (RFC 7518 §3.1) that names `key`'s
// signature algorithm, or unsupported_algorithm when JOSE has none for it.
Result<std::string> JwsAlgName(const SoftwareAuthenticator& key);

// SignCompactJws returns BASE64URL(header) "." BASE64URL(payload) "."
// BASE64URL(signature) with `key`'s algorithm; ECDSA signatures are in the
// JOSE form r ‖ s (RFC 7518 §3.4), not DER. `tamper_signature` flips the
// signature's last bit (for negative tests).
Result<std::string> SignCompactJws(const SoftwareAuthenticator& key, std::string_view header_json,
                                   std::string_view payload_json, bool tamper_signature);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_JWS_SIGNER_H_
