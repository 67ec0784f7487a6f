// §8.2 Packed Attestation Statement Format.
#include <string>

#include "attestation/verifier.h"
#include "internal/result_macros.h"

namespace passkey::internal {

Result<AttestationOutcome> VerifyPackedAttestation(const AttestationInput& input) {
  // §8.2 syntax: { alg: COSEAlgorithmIdentifier, sig: bytes, ? x5c: [...] }.
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above
  // and perform CBOR decoding on it to extract the contained fields."
  const CborValue& stmt = input.att_stmt;
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() || (key.text() != "alg" && key.text() != "sig" && key.text() != "x5c")) {
      return Fail(ErrorCode::kAttestationInvalid, "packed attStmt has an unknown member");
    }
  }
  const CborValue* alg = stmt.Find("alg");
  const CborValue* sig = stmt.Find("sig");
  if (alg == nullptr || !alg->AsInt64().has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "packed attStmt lacks an integer alg");
  }
  if (sig == nullptr || !sig->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "packed attStmt lacks sig bytes");
  }
  if (stmt.Find("x5c") != nullptr) {
    // "If x5c is present: …" (full attestation) is the attestation issue's.
    return Fail(ErrorCode::kAttestationFormatUnsupported,
                "packed attestation with x5c is not supported yet");
  }
  // "If x5c is not present, self attestation is in use.
  //  Validate that alg matches the algorithm of the credentialPublicKey in
  //  authenticatorData."
  if (*alg->AsInt64() != static_cast<std::int64_t>(input.credential_key.algorithm())) {
    return Fail(ErrorCode::kAttestationInvalid,
                "packed self attestation alg " + std::to_string(*alg->AsInt64()) +
                    " differs from the credential key's");
  }
  //  "Verify that sig is a valid signature over the concatenation of
  //  authenticatorData and clientDataHash using the credential public key
  //  with alg."
  Bytes signed_data(input.auth_data.begin(), input.auth_data.end());
  signed_data.insert(signed_data.end(), input.client_data_hash.begin(),
                     input.client_data_hash.end());
  PASSKEY_RETURN_IF_ERROR(input.credential_key.Verify(
      signed_data, sig->bytes(), ErrorCode::kAttestationSignatureInvalid));
  //  "If successful, return implementation-specific values representing
  //  attestation type Self and an empty attestation trust path."
  return AttestationOutcome{"self", false};
}

}  // namespace passkey::internal
