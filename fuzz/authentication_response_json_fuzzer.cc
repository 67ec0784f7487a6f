// AuthenticationResponseJSON parsing: only malformed_response on failure.
#include <passkey/authentication.h>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = passkey::ParseAuthenticationResponseJson(passkey::fuzz::AsText(data, size));
  if (!parsed.has_value()) {
    FUZZ_CHECK(parsed.error().code == passkey::ErrorCode::kMalformedResponse);
  } else {
    FUZZ_CHECK(!parsed->raw_id.empty());
    FUZZ_CHECK(!parsed->user_handle.has_value() || !parsed->user_handle->empty());
  }
  return 0;
}
