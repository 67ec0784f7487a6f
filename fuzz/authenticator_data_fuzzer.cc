// authenticatorData: a parsed structure accounts for every input byte
// (37-byte header + attested credential data + extensions), flags agree with
// the parts present, and every view lies inside the input.
#include "fuzz_check.h"
#include "webauthn/authenticator_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace passkey::internal;
  const passkey::ByteView input(data, size);
  auto parsed = ParseAuthenticatorData(input);
  if (!parsed.has_value()) return 0;
  std::size_t total = 37;
  FUZZ_CHECK(parsed->attested_credential_data.has_value() ==
             ((parsed->flags & kFlagAttestedData) != 0));
  FUZZ_CHECK(parsed->extensions.has_value() == ((parsed->flags & kFlagExtensionData) != 0));
  if (parsed->attested_credential_data) {
    const auto& attested = *parsed->attested_credential_data;
    FUZZ_CHECK(attested.credential_id.data() == data + 37 + 18);
    FUZZ_CHECK(attested.credential_public_key.data() ==
               attested.credential_id.data() + attested.credential_id.size());
    total += 18 + attested.credential_id.size() + attested.credential_public_key.size();
  }
  if (parsed->extensions) {
    FUZZ_CHECK(parsed->extensions->data() == data + total);
    total += parsed->extensions->size();
  }
  FUZZ_CHECK(total == size);
  return 0;
}
