// Attestation statement verification (WebAuthn L3 §8): dispatch by fmt.
#ifndef PASSKEY_ATTESTATION_VERIFIER_H_
#define PASSKEY_ATTESTATION_VERIFIER_H_

#include <string>
#include <string_view>

#include <passkey/options.h>
#include <passkey/result.h>

#include "crypto/crypto.h"
#include "encoding/cbor_reader.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/cose_key.h"

namespace passkey::internal {

// AttestationInput: what §7.1 "Verify that attStmt is a correct attestation
// statement" hands to a format's verification procedure.
struct AttestationInput {
  const CborValue& att_stmt;
  ByteView auth_data;                      // exact bytes
  const AuthenticatorData& parsed_auth_data;
  const Sha256Digest& client_data_hash;
  const PublicKey& credential_key;
  const RegistrationOptions& options;
};

// AttestationOutcome: the attestation type (§6.5.3) and whether it chained
// to a trust anchor.
struct AttestationOutcome {
  // "none" | "self" | "basic" | "attca" | "anonca". Basic and AttCA cannot
  // be told apart without metadata: x5c formats report "basic" unless the
  // format fixes the type (tpm: attca; apple: anonca).
  std::string type;
  bool trusted = false;
  // revocation_checked: see PathValidation (attestation/x509.h); false
  // without certificates.
  bool revocation_checked = false;
};

// VerifyAttestationStatement runs the procedure of `fmt`. Errors:
// kAttestationFormatUnsupported, kAttestationInvalid (the statement does not
// have the format's syntax or fails one of its checks),
// kAttestationSignatureInvalid, kAttestationNonceMismatch,
// kAttestationAaguidMismatch, kAttestationKeyMismatch, kCertificateInvalid,
// kCertificateExpired, kCertificateRevoked, kAlgorithmNotAllowed (SHA-1
// without allow_sha1_attestation), kUnsupportedAlgorithm,
// kSafetyNetCtsProfileMismatch, kSafetyNetTimestampInvalid,
// kInvalidArgument (certificates but no options.now).
// Trust policy (require_trusted_attestation) is the caller's: a format
// reports `trusted` and fails only for defects.
Result<AttestationOutcome> VerifyAttestationStatement(std::string_view fmt,
                                                      const AttestationInput& input);

// One function per format (attestation/<fmt>.cc). Each is a function of the
// input alone (no globals), so each can be fuzzed on its own.
Result<AttestationOutcome> VerifyNoneAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyPackedAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyFidoU2fAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyTpmAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyAndroidKeyAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyAndroidSafetyNetAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyAppleAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyCompoundAttestation(const AttestationInput& input);

}  // namespace passkey::internal

#endif  // PASSKEY_ATTESTATION_VERIFIER_H_
