// clientDataJSON: parsing never throws or crashes; failures carry the
// client-data code only.
#include "fuzz_check.h"
#include "webauthn/client_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = passkey::internal::ParseClientData(passkey::ByteView(data, size));
  if (!parsed.has_value()) {
    FUZZ_CHECK(parsed.error().code == passkey::ErrorCode::kMalformedClientData);
  }
  return 0;
}
