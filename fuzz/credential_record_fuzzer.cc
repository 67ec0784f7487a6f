// Credential record JSON: a record that reads back serialises to JSON that
// reads back to the same serialisation (ToJson is a fixed point).
#include <passkey/credential_record.h>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto record = passkey::CredentialRecordFromJson(passkey::fuzz::AsText(data, size));
  if (!record.has_value()) {
    FUZZ_CHECK(record.error().code == passkey::ErrorCode::kMalformedCredentialRecord ||
               record.error().code == passkey::ErrorCode::kUnsupportedRecordVersion);
    return 0;
  }
  const std::string first = passkey::CredentialRecordToJson(*record);
  auto again = passkey::CredentialRecordFromJson(first);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(passkey::CredentialRecordToJson(*again) == first);
  return 0;
}
