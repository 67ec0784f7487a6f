// fido-u2f attStmt (WebAuthn L3 §8.6): x5c of one P-256 certificate, sig over the U2F
// verificationData. Invariants: see attestation_fuzz_util.h (documented error codes only; on
// success type "basic"; trusted only with a trust given).
#include "attestation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return passkey::fuzz::FuzzAttestationStatement(
      data, size, &passkey::internal::VerifyFidoU2fAttestation, {"basic"});
}
