// attestationObject: a parsed object has a non-empty fmt, its authData view
// lies inside the input, and its attStmt is a map — an array exactly when fmt
// is "compound" (L3 §8.9).
#include "fuzz_check.h"
#include "webauthn/attestation_object.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = passkey::internal::ParseAttestationObject(passkey::ByteView(data, size));
  if (!parsed.has_value()) {
    FUZZ_CHECK(parsed.error().code == passkey::ErrorCode::kMalformedAttestationObject);
    return 0;
  }
  FUZZ_CHECK(!parsed->fmt.empty());
  FUZZ_CHECK(parsed->fmt == "compound" ? parsed->att_stmt.is_array() : parsed->att_stmt.is_map());
  FUZZ_CHECK(parsed->auth_data.empty() ||
             (parsed->auth_data.data() >= data &&
              parsed->auth_data.data() + parsed->auth_data.size() <= data + size));
  return 0;
}
