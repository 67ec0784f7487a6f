// Attestation statement verification (WebAuthn L3 §8): dispatch by fmt.
#ifndef PASSKEY_ATTESTATION_VERIFIER_H_
#define PASSKEY_ATTESTATION_VERIFIER_H_

#include <string>
#include <string_view>

#include <passkey/options.h>
#include <passkey/result.h>

#include "authenticator_data.h"
#include "cbor/cbor_reader.h"
#include "cose_key.h"
#include "crypto/crypto.h"

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
  std::string type;  // "none" | "self" | "basic" | "attca" | "anonca"
  bool trusted = false;
};

// VerifyAttestationStatement runs the procedure of `fmt`. Errors:
// kAttestationFormatUnsupported, kAttestationInvalid,
// kAttestationSignatureInvalid, kAlgorithmNotAllowed.
Result<AttestationOutcome> VerifyAttestationStatement(std::string_view fmt,
                                                      const AttestationInput& input);

// One function per format (attestation/<fmt>.cc).
Result<AttestationOutcome> VerifyNoneAttestation(const AttestationInput& input);
Result<AttestationOutcome> VerifyPackedAttestation(const AttestationInput& input);

}  // namespace passkey::internal

#endif  // PASSKEY_ATTESTATION_VERIFIER_H_
