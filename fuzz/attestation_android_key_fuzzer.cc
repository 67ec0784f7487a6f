// android-key attStmt (WebAuthn L3 §8.4): x5c whose leaf carries the KeyDescription.
// Invariants: see attestation_fuzz_util.h (documented error codes only; on
// success type "basic"; trusted only with a trust given).
#include "attestation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return passkey::fuzz::FuzzAttestationStatement(
      data, size, &passkey::internal::VerifyAndroidKeyAttestation, {"basic"});
}
