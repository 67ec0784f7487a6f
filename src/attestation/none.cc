// §8.7 None Attestation Statement Format.
#include "attestation/verifier.h"
#include "internal/result_macros.h"

namespace passkey::internal {

Result<AttestationOutcome> VerifyNoneAttestation(const AttestationInput& input) {
  // §8.7: "attStmtType = ( fmt: "none", attStmt: emptyMap )" and
  // "Verification procedure: Return implementation-specific values
  // representing attestation type None and an empty attestation trust path."
  if (!input.att_stmt.map().empty()) {
    return Fail(ErrorCode::kAttestationInvalid, "none attestation with a non-empty attStmt");
  }
  return AttestationOutcome{"none", false};
}

}  // namespace passkey::internal
