// packed attStmt (WebAuthn L3 §8.2): self and x5c (Basic) attestation.
// Invariants: see attestation_fuzz_util.h (documented error codes only; on
// success type "basic" or "self", never trusted when self; trusted only with a trust given).
#include "attestation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return passkey::fuzz::FuzzAttestationStatement(
      data, size, &passkey::internal::VerifyPackedAttestation, {"basic", "self"});
}
