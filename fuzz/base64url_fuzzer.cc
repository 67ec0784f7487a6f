// Strict base64url: whatever decodes re-encodes to the same text, and any
// bytes survive an encode/decode round trip.
#include <passkey/bytes.h>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = passkey::fuzz::AsText(data, size);
  auto decoded = passkey::Base64UrlDecode(text);
  if (decoded.has_value()) FUZZ_CHECK(passkey::Base64UrlEncode(*decoded) == text);
  const passkey::ByteView bytes(data, size);
  auto round_trip = passkey::Base64UrlDecode(passkey::Base64UrlEncode(bytes));
  FUZZ_CHECK(round_trip.has_value());
  FUZZ_CHECK(std::equal(round_trip->begin(), round_trip->end(), bytes.begin(), bytes.end()));
  return 0;
}
