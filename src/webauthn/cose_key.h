// COSE_Key (RFC 9052 §7, RFC 9053) → a verifier for WebAuthn signatures.
#ifndef PASSKEY_WEBAUTHN_COSE_KEY_H_
#define PASSKEY_WEBAUTHN_COSE_KEY_H_

#include <cstdint>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/types.h>

#include "crypto/crypto.h"
#include "encoding/cbor_reader.h"

namespace passkey::internal {

// KeyValidation: how much ImportCoseKey checks (see there).
enum class KeyValidation { kFull, kStored };

struct CoseKeyMap;

// PublicKey: an imported, validated credential public key and the algorithm
// it must be used with. Immutable after import; Verify is safe to call from
// several threads at once (OpenSSL 3 EVP_PKEY objects are read-only here).
class PublicKey {
 public:
  CoseAlgorithm algorithm() const noexcept { return algorithm_; }
  EVP_PKEY* pkey() const noexcept { return key_.get(); }

  // Verify: OkStatus when `signature` is this key's signature over `message`
  // (WebAuthn §6.5.6 formats: DER ECDSA, raw EdDSA, RSA PKCS#1/PSS);
  // otherwise `failure_code`.
  Status Verify(ByteView message, ByteView signature,
                ErrorCode failure_code = ErrorCode::kSignatureInvalid) const;

 private:
  friend Result<PublicKey> ImportCoseKey(const CoseKeyMap& key, KeyValidation validation);
  EvpPkeyPtr key_;
  CoseAlgorithm algorithm_ = CoseAlgorithm::kEs256;
  SignatureScheme scheme_ = SignatureScheme::kEcdsaDer;
  HashAlgorithm hash_ = HashAlgorithm::kSha256;
};

// CoseKeyMap: a COSE_Key decoded once, for a caller that checks its alg
// (offered? allowed?) before importing it: the CBOR map (its byte strings
// are views into the input, which must outlive it) and the integer alg
// (label 3).
struct CoseKeyMap {
  CborValue map;
  std::int64_t alg = 0;
};

// DecodeCoseKey: exactly one CBOR map, no trailing bytes, with an integer
// alg; nothing else is checked until ImportCoseKey. Errors:
// kInvalidPublicKey.
Result<CoseKeyMap> DecodeCoseKey(ByteView cose_key);

// CoseKeyAlgorithm reads the `alg` (label 3) of a COSE_Key without
// importing it: DecodeCoseKey(cose_key)->alg. Errors: kInvalidPublicKey
// (not a well-formed COSE_Key map, or no integer alg).
Result<std::int64_t> CoseKeyAlgorithm(ByteView cose_key);

// ImportCoseKey parses and validates a COSE_Key: exactly one CBOR map, no
// trailing bytes; kty, alg and crv consistent (ES256↔P-256, ES384↔P-384,
// ES512↔P-521, EdDSA↔Ed25519/Ed448, Ed25519↔crv 6, Ed448↔crv 7, RS*/PS*↔RSA);
// coordinates of the exact length; EC2 points on the curve; Ed25519/Ed448
// points canonically encoded (y < p, Ed448's spare bits zero) and not of
// small order (OpenSSL checks neither at import, and a small-order key would
// accept a forged signature for every message), and with kFull on the curve;
// RSA n and e minimally encoded (no leading zero byte, RFC 8230 §4), modulus
// ≥ 2048 bits and a valid exponent; no private-key parameters.
// Errors: kUnsupportedAlgorithm (alg this build cannot verify),
// kInvalidPublicKey (everything else).
//
// RSA keys get deterministic checks only (n odd, e odd, 3 <= e < n; and
// with `validation` = kFull, for a new credential, also e > 2^16 as
// SP 800-56B asks); kStored (a key from a credential record, which
// registration checked with kFull) skips the exponent floor and, for
// Ed25519/Ed448, the on-curve test (a y off the curve cannot verify any
// signature: Verify fails). Everything else, the EdDSA canonical-encoding
// and small-order checks included, is the same in both modes (a stored
// record may predate these checks or have been altered).
Result<PublicKey> ImportCoseKey(ByteView cose_key,
                                KeyValidation validation = KeyValidation::kFull);
// ImportCoseKey of a key DecodeCoseKey decoded (the same checks, without
// decoding it again).
Result<PublicKey> ImportCoseKey(const CoseKeyMap& key,
                                KeyValidation validation = KeyValidation::kFull);

}  // namespace passkey::internal

#endif  // PASSKEY_WEBAUTHN_COSE_KEY_H_
