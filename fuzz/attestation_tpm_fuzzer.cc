// tpm attStmt (WebAuthn L3 §8.3): TPMS_ATTEST certInfo, TPMT_PUBLIC pubArea, AIK certificate.
// Invariants: see attestation_fuzz_util.h (documented error codes only; on
// success type "attca"; trusted only with a trust given).
#include "attestation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return passkey::fuzz::FuzzAttestationStatement(
      data, size, &passkey::internal::VerifyTpmAttestation, {"attca"});
}
