// Size and shape caps applied to untrusted input. Each says why.
#ifndef PASSKEY_INTERNAL_LIMITS_H_
#define PASSKEY_INTERNAL_LIMITS_H_

#include <cstddef>

namespace passkey::internal {

// The whole response JSON and the credential record JSON have public caps:
// passkey::kMaxResponseJsonBytes (passkey/types.h) and
// passkey::kMaxCredentialRecordJsonBytes (passkey/credential_record.h).
// attestationObject: a TPM or Android statement with a 3-certificate chain is
// well under 16 KiB; 64 KiB leaves room while bounding work.
inline constexpr std::size_t kMaxAttestationObjectBytes = 64 * 1024;
// authenticatorData: 37 bytes + attested data (≤ 1023-byte ID, RSA-4096 key)
// + extensions; 16 KiB.
inline constexpr std::size_t kMaxAuthenticatorDataBytes = 16 * 1024;
// clientDataJSON: a few hundred bytes in practice; 16 KiB.
inline constexpr std::size_t kMaxClientDataJsonBytes = 16 * 1024;
// clientDataJSON nesting: the spec's members are flat (tokenBinding is one
// object level); 4 allows unknown extension members one level deeper.
inline constexpr int kMaxClientDataDepth = 4;
// JSON nesting, every parser of untrusted or stored JSON: no document we
// read nests deeper than 8 (an MDS3 payload); 64 is the ceiling no caller
// may raise (ValidateJson and ParseJsonStrict clamp to it). Each entry
// point passes its own, stricter, depth.
inline constexpr int kMaxJsonDepth = 64;
// Credential ID: WebAuthn L3 §7.1 "Verify that the credentialId is ≤ 1023 bytes".
inline constexpr std::size_t kMaxCredentialIdBytes = 1023;
// CBOR nesting: CTAP2 limits messages to 4 levels; L3 compound attestation
// (attStmt array of statements holding x5c arrays) needs 5; 8 adds margin for
// extension outputs.
inline constexpr int kMaxCborDepth = 8;
// CBOR items per document: a packed statement with a chain is < 20 items;
// extensions a few dozen. 1024 bounds the work of hostile input.
inline constexpr std::size_t kMaxCborItems = 1024;
// Signatures: RSA-8192 is 1 KiB; ECDSA/EdDSA far smaller.
inline constexpr std::size_t kMaxSignatureBytes = 2048;
// userHandle: WebAuthn user.id is at most 64 bytes.
inline constexpr std::size_t kMaxUserHandleBytes = 64;

}  // namespace passkey::internal

#endif  // PASSKEY_INTERNAL_LIMITS_H_
