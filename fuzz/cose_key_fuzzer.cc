// COSE_Key import: an imported key reports a supported algorithm equal to the
// map's alg, and verifying garbage with it fails cleanly.
#include <cstdint>

#include "fuzz_check.h"
#include "webauthn/cose_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const passkey::ByteView input(data, size);
  auto key = passkey::internal::ImportCoseKey(input);
  if (!key.has_value()) {
    FUZZ_CHECK(key.error().code == passkey::ErrorCode::kInvalidPublicKey ||
               key.error().code == passkey::ErrorCode::kUnsupportedAlgorithm);
    return 0;
  }
  FUZZ_CHECK(passkey::IsSupportedAlgorithm(key->algorithm()));
  auto alg = passkey::internal::CoseKeyAlgorithm(input);
  FUZZ_CHECK(alg.has_value() && *alg == static_cast<std::int64_t>(key->algorithm()));
  const std::uint8_t message[] = {1, 2, 3};
  FUZZ_CHECK(!key->Verify(message, input).has_value());
  return 0;
}
