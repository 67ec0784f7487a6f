// compound attStmt (WebAuthn L3 §8.9): an array of {fmt, attStmt}, each verified by its format.
// Invariants: see attestation_fuzz_util.h (documented error codes only; on
// success type one of those of the contained formats; trusted only with a trust given).
#include "attestation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return passkey::fuzz::FuzzAttestationStatement(data, size,
                                                 &passkey::internal::VerifyCompoundAttestation,
                                                 {"none", "self", "basic", "attca", "anonca"},
                                                 /*array_statement=*/true);
}
