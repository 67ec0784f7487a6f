// cxx_api_smoke: a C++ program linked against libpasskey.so alone (no
// libpasskey.a, no private headers), proving the shared library exports the
// public C++ API and that it works through the export list (issue #17).
// Exits 0 when every check holds.
#include <passkey/passkey.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

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
  Check(passkey::ErrorCodeName(passkey::ErrorCode::kMalformedResponse) == "malformed_response",
        "ErrorCodeName");

  passkey::Result<passkey::Bytes> decoded = passkey::Base64UrlDecode("AQID");
  Check(decoded.has_value() && *decoded == passkey::Bytes{1, 2, 3}, "Base64UrlDecode");

  // The embedded AAGUID catalog (a function-local static inside the .so).
  passkey::Result<passkey::Aaguid> icloud =
      passkey::Aaguid::Parse("fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
  Check(icloud.has_value(), "Aaguid::Parse");
  if (icloud.has_value()) {
    const passkey::AuthenticatorInfo* info = passkey::AaguidCatalog::Embedded().Find(*icloud);
    Check(info != nullptr && info->name.find("iCloud") != std::string::npos,
          "AaguidCatalog::Embedded().Find(iCloud Keychain)");
  }

  // Errors come back as values with their stable codes.
  auto response = passkey::ParseAuthenticationResponseJson("{}");
  Check(!response.has_value() && response.error().code == passkey::ErrorCode::kMalformedResponse,
        "ParseAuthenticationResponseJson({}) is malformed_response");

  passkey::CredentialRecord record;
  record.id = {1, 2, 3, 4};
  record.public_key = {0xa1, 0x01, 0x02};  // a COSE_Key map with kty only
  auto prepared = passkey::PreparedCredential::Create(record);
  Check(!prepared.has_value() && prepared.error().code == passkey::ErrorCode::kInvalidPublicKey,
        "PreparedCredential::Create(truncated key) is invalid_public_key");

  auto parsed = passkey::CredentialRecordFromJson(passkey::CredentialRecordToJson(record));
  Check(parsed.has_value() && parsed->id == record.id, "record JSON round trip");

  // Issue #20's additions: ErrorCode streams as its name, ParseCoseAlgorithm,
  // the catalog listed by AAGUID, Result's std::expected members.
  std::ostringstream stream;
  stream << passkey::ErrorCode::kChallengeMismatch;
  Check(stream.str() == "challenge_mismatch", "operator<<(ErrorCode)");
  Check(passkey::ParseCoseAlgorithm("ES256").value_or(passkey::CoseAlgorithm::kRs1) ==
            passkey::CoseAlgorithm::kEs256,
        "ParseCoseAlgorithm(ES256)");
  const std::vector<passkey::Aaguid> aaguids = passkey::AaguidCatalog::Embedded().aaguids();
  Check(!aaguids.empty() && passkey::AaguidCatalog::Embedded().Find(aaguids.front()) != nullptr,
        "AaguidCatalog::aaguids()");
  passkey::Result<std::string> name =
      passkey::ParseUserVerification("preferred").transform([](passkey::UserVerification) {
        return std::string("preferred");
      });
  Check(name.value_or("") == "preferred", "Result::transform");

  if (failures != 0)
    return 1;
  std::puts("cxx_api_smoke_shared: the C++ API works through libpasskey.so");
  return 0;
}
