// Uses the installed public API only; exits 0 when every check holds.
#include <cstdio>
#include <string>

#include <passkey/passkey.h>

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  const std::string text = "passkey";
  const std::string encoded = passkey::Base64UrlEncode(passkey::AsBytes(text));
  Check(encoded == "cGFzc2tleQ", "Base64UrlEncode");
  passkey::Result<passkey::Bytes> decoded = passkey::Base64UrlDecode(encoded);
  Check(decoded.has_value() && std::string(decoded->begin(), decoded->end()) == text,
        "Base64UrlDecode round trip");

  passkey::Result<passkey::RegistrationResponse> bad = passkey::ParseRegistrationResponseJson("{}");
  Check(!bad.has_value() && bad.error().code == passkey::ErrorCode::kMalformedResponse,
        "ParseRegistrationResponseJson rejects {} with malformed_response");
  Check(passkey::ErrorCodeName(passkey::ErrorCode::kSignatureInvalid) == "signature_invalid",
        "ErrorCodeName");

  // A minimal stored record (id, publicKey, signCount) reads back. The key
  // is a valid ES256 COSE_Key (P-256 point).
  passkey::Result<passkey::CredentialRecord> record = passkey::CredentialRecordFromJson(
      R"({"id": "AQID", "signCount": 5, "publicKey": )"
      R"("pQECAyYgASFYIPfTZdQ0vpzKbQlZ7LYGvTrgpO0vcN-V2Wrvi9SShWTxIlggoy5P9)"
      R"(GKUkpIQMCRkSAnL74uEfOHbWPTWaUJ41TNVFEE"})");
  Check(record.has_value() && record->sign_count == 5 && !record->backup_eligible.has_value(),
        "CredentialRecordFromJson (minimal record)");
  if (record.has_value()) {
    Check(!passkey::CredentialRecordToJson(*record).empty(), "CredentialRecordToJson");
  }

  std::printf("install consumer: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
