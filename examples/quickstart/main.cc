// Runs the quickstart's server flow end to end, with passkey::testing's
// software authenticator playing the browser and the authenticator, a test
// CA playing the authenticator vendor and a test MDS BLOB playing FIDO's
// metadata service: sign-up, sign-in with a user name, a discoverable
// sign-in, the prepared-credential path, and the refusals a server must
// give (replayed challenge, duplicate credential, unknown credential,
// missing userHandle, a BLOB rollback, a counter that did not increase).
// Prints one line per step; exits 0 only when every step behaved as
// expected.
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include <passkey/passkey.h>
#include <passkey/testing/mds_blob_builder.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/standard_attestation.h>
#include <passkey/testing/test_ca.h>

#include "server_flow.h"

namespace {

namespace pt = passkey::testing;

constexpr std::string_view kRpId = "example.com";
constexpr std::string_view kOrigin = "https://example.com";
constexpr std::string_view kModel = "Quickstart Security Key";

int failures = 0;

void Step(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) {
    ++failures;
  }
}

std::string Describe(const passkey::Error& error) {
  return std::string(passkey::ErrorCodeName(error.code)) + " (" + error.message + ")";
}

// Expect: the step succeeded; otherwise says why.
template <class T>
bool Expect(const passkey::Result<T>& result, const std::string& what) {
  Step(result.has_value(), result.has_value() ? what : what + ": " + Describe(result.error()));
  return result.has_value();
}

// ExpectError: the step failed with exactly `code`.
template <class T>
void ExpectError(const passkey::Result<T>& result, passkey::ErrorCode code,
                 const std::string& what) {
  const bool ok = !result.has_value() && result.error().code == code;
  std::string detail = what + " refused with " + std::string(passkey::ErrorCodeName(code));
  if (!ok) {
    detail += result.has_value() ? ", but it was accepted" : ", got " + Describe(result.error());
  }
  Step(ok, detail);
}

// JsonString: the value of the first `"member":"…"` in compact JSON the
// library wrote (what a browser's JavaScript would read from the options).
std::string JsonString(std::string_view json, std::string_view member) {
  const std::string key = "\"" + std::string(member) + "\":\"";
  const std::size_t start = json.find(key);
  if (start == std::string_view::npos) {
    return {};
  }
  const std::size_t from = start + key.size();
  const std::size_t end = json.find('"', from);
  return end == std::string_view::npos ? std::string() : std::string(json.substr(from, end - from));
}

passkey::Bytes ChallengeOf(std::string_view options_json) {
  passkey::Result<passkey::Bytes> challenge =
      passkey::Base64UrlDecode(JsonString(options_json, "challenge"));
  return challenge.has_value() ? *challenge : passkey::Bytes();
}

// Pem: DER as a PEM block (standard base64, 64 characters a line).
std::string Pem(std::string_view label, const passkey::Bytes& der) {
  std::string base64 = passkey::Base64UrlEncode(der);
  for (char& c : base64) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  base64.append((4 - base64.size() % 4) % 4, '=');
  std::string pem = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t at = 0; at < base64.size(); at += 64) {
    pem += base64.substr(at, 64) + "\n";
  }
  return pem + "-----END " + std::string(label) + "-----\n";
}

pt::AssertionParams Assertion(const passkey::Bytes& challenge, std::uint32_t sign_count,
                              const passkey::Bytes& user_handle) {
  pt::AssertionParams params;
  params.rp_id = std::string(kRpId);
  params.origin = std::string(kOrigin);
  params.challenge = challenge;
  params.flags.backup_eligible = true;
  params.flags.backup_state = true;
  params.sign_count = sign_count;
  params.user_handle = user_handle;
  return params;
}

}  // namespace

int main() {
  const auto now = static_cast<passkey::UnixSeconds>(std::time(nullptr));
  const passkey::Result<passkey::Aaguid> aaguid =
      passkey::Aaguid::Parse("5ca1ab1e-0000-4000-8000-00000000c0de");

  // The outside world: an authenticator vendor (attestation CA and its CRL),
  // FIDO's metadata service (a root and a signed BLOB naming the model), and
  // one passkey in a software authenticator.
  passkey::Result<pt::TestCa> vendor_ca = pt::TestCa::CreateRoot("Quickstart Vendor Root");
  passkey::Result<pt::TestCa> mds_ca = pt::TestCa::CreateRoot("Quickstart MDS Root");
  passkey::Result<pt::SoftwareAuthenticator> passkey_device =
      pt::SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, "quickstart alice");
  passkey::Result<pt::SoftwareAuthenticator> stranger =
      pt::SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, "quickstart stranger");
  if (!Expect(aaguid, "test AAGUID") || !Expect(vendor_ca, "vendor CA") ||
      !Expect(mds_ca, "MDS root") || !Expect(passkey_device, "software authenticator") ||
      !Expect(stranger, "second software authenticator")) {
    return 1;
  }
  passkey::Result<passkey::Bytes> crl = vendor_ca->IssueCrl({999});
  passkey::Result<pt::AttestationBuilder> packed =
      pt::MakeStandardAttestation("packed", *vendor_ca);
  passkey::Result<pt::MdsBlobSigner> mds_signer = pt::MdsBlobSigner::Create(*mds_ca);
  if (!Expect(crl, "vendor CRL") || !Expect(packed, "packed attestation") ||
      !Expect(mds_signer, "MDS signer")) {
    return 1;
  }
  pt::MdsTestEntry entry;
  entry.aaguid = aaguid->ToString();
  entry.description = std::string(kModel);
  entry.attestation_root_certificates = {vendor_ca->certificate_der()};
  const std::uint64_t blob_no = 7;
  passkey::Result<std::string> blob =
      mds_signer->Sign(pt::MdsPayloadJson(blob_no, "2039-12-31", {entry}));
  if (!Expect(blob, "MDS BLOB")) {
    return 1;
  }

  quickstart::Server server;
  server.rp.ids = {std::string(kRpId)};
  server.rp.origins = {std::string(kOrigin)};
  if (!Expect(quickstart::ConfigureAttestation(server, vendor_ca->certificate_pem(), *aaguid,
                                               Pem("X509 CRL", *crl)),
              "ConfigureAttestation: vendor root bound to the model, CRL") ||
      !Expect(quickstart::LoadMetadata(server, *blob, mds_ca->certificate_pem(), blob_no - 1, now),
              "LoadMetadata: BLOB verified, names and roots taken")) {
    return 1;
  }
  Step(!server.mds_stale, "the BLOB is not past nextUpdate");
  ExpectError(quickstart::LoadMetadata(server, *blob, mds_ca->certificate_pem(), blob_no, now),
              passkey::ErrorCode::kMdsRollback,
              "LoadMetadata of a BLOB not newer than the last one");

  // Sign-up.
  passkey::Result<passkey::Bytes> handle = passkey::GenerateUserHandle();
  if (!Expect(handle, "GenerateUserHandle")) {
    return 1;
  }
  const quickstart::Account alice{"alice@example.com", *handle};
  passkey::Result<std::string> creation =
      quickstart::StartRegistration(server, "session-1", alice, now);
  if (!Expect(creation, "StartRegistration")) {
    return 1;
  }
  pt::RegistrationParams make;
  make.rp_id = std::string(kRpId);
  make.origin = std::string(kOrigin);
  make.challenge = ChallengeOf(*creation);
  make.format = "packed";
  make.attest = *packed;
  make.aaguid = *aaguid;
  make.flags.backup_eligible = true;  // a synced passkey
  make.flags.backup_state = true;
  make.transports = {"hybrid", "internal"};
  passkey::Result<std::string> signup = passkey_device->MakeCredentialJson(make);
  if (!Expect(signup, "authenticator: RegistrationResponseJSON")) {
    return 1;
  }
  passkey::Result<passkey::CredentialRecord> record =
      quickstart::FinishRegistration(server, "session-1", *signup, now);
  if (!Expect(record, "FinishRegistration: verified and stored")) {
    return 1;
  }
  Step(record->attestation_trusted && record->attestation_type == "basic",
       "the attestation chains to the vendor root (attestationType basic)");
  Step(record->revocation_checked, "the vendor CRL covered the attestation path");
  Step(record->provider.has_value() && record->provider->name == kModel,
       "the record names the model from the MDS BLOB");
  Step(record->user_handle == alice.user_handle && server.records.size() == 1,
       "the record belongs to alice and is stored");
  ExpectError(quickstart::FinishRegistration(server, "session-1", *signup, now),
              passkey::ErrorCode::kChallengeNotFound, "the same response again");

  passkey::Result<std::string> again =
      quickstart::StartRegistration(server, "session-1", alice, now);
  if (!Expect(again, "StartRegistration for a second passkey")) {
    return 1;
  }
  Step(again->find(passkey::Base64UrlEncode(record->id)) != std::string::npos,
       "excludeCredentials lists alice's passkey");
  make.challenge = ChallengeOf(*again);
  passkey::Result<std::string> duplicate = passkey_device->MakeCredentialJson(make);
  if (!Expect(duplicate, "authenticator: the same credential again")) {
    return 1;
  }
  ExpectError(quickstart::FinishRegistration(server, "session-1", *duplicate, now),
              passkey::ErrorCode::kCredentialNotAllowed, "a credential ID registered before");

  // Sign-in with a user name.
  passkey::Result<std::string> request = quickstart::StartSignIn(server, "session-2", &alice, now);
  if (!Expect(request, "StartSignIn for alice")) {
    return 1;
  }
  Step(request->find("\"allowCredentials\":[{") != std::string::npos &&
           request->find(passkey::Base64UrlEncode(record->id)) != std::string::npos,
       "allowCredentials lists alice's passkey");
  passkey::Result<std::string> signin =
      passkey_device->GetAssertionJson(Assertion(ChallengeOf(*request), 1, alice.user_handle));
  if (!Expect(signin, "authenticator: AuthenticationResponseJSON")) {
    return 1;
  }
  passkey::Result<passkey::Bytes> user =
      quickstart::FinishSignIn(server, "session-2", *signin, now);
  Step(user.has_value() && *user == alice.user_handle,
       user.has_value() ? "FinishSignIn: alice signed in"
                        : "FinishSignIn: " + Describe(user.error()));

  // Discoverable sign-in: no user name, the passkey names the account.
  passkey::Result<std::string> usernameless =
      quickstart::StartSignIn(server, "session-3", nullptr, now);
  if (!Expect(usernameless, "StartSignIn without a user name")) {
    return 1;
  }
  Step(usernameless->find("\"allowCredentials\":[]") != std::string::npos,
       "allowCredentials is empty");
  passkey::Result<std::string> discovered =
      passkey_device->GetAssertionJson(Assertion(ChallengeOf(*usernameless), 2, alice.user_handle));
  if (!Expect(discovered, "authenticator: discoverable assertion")) {
    return 1;
  }
  user = quickstart::FinishSignIn(server, "session-3", *discovered, now);
  Step(user.has_value() && *user == alice.user_handle,
       user.has_value() ? "FinishSignIn: the userHandle names alice"
                        : "FinishSignIn (discoverable): " + Describe(user.error()));
  passkey::Result<passkey::CredentialRecord> updated =
      passkey::CredentialRecordFromJson(server.records.begin()->second);
  Step(updated.has_value() && updated->sign_count == 2 && updated->last_used_at == now,
       "the stored record has the new signCount and lastUsedAt");

  usernameless = quickstart::StartSignIn(server, "session-3", nullptr, now);
  if (!Expect(usernameless, "StartSignIn without a user name, again")) {
    return 1;
  }
  pt::AssertionParams anonymous = Assertion(ChallengeOf(*usernameless), 3, alice.user_handle);
  anonymous.user_handle.reset();
  passkey::Result<std::string> no_handle = passkey_device->GetAssertionJson(anonymous);
  if (!Expect(no_handle, "authenticator: assertion without userHandle")) {
    return 1;
  }
  ExpectError(quickstart::FinishSignIn(server, "session-3", *no_handle, now),
              passkey::ErrorCode::kUserHandleMissing,
              "a discoverable assertion without userHandle");

  request = quickstart::StartSignIn(server, "session-4", nullptr, now);
  if (!Expect(request, "StartSignIn for the stranger")) {
    return 1;
  }
  passkey::Result<std::string> unknown =
      stranger->GetAssertionJson(Assertion(ChallengeOf(*request), 1, alice.user_handle));
  if (!Expect(unknown, "authenticator: a passkey the server never saw")) {
    return 1;
  }
  ExpectError(quickstart::FinishSignIn(server, "session-4", *unknown, now),
              passkey::ErrorCode::kCredentialNotAllowed, "an unknown credential");

  // The prepared path: the key imported once, verified from memory.
  quickstart::PreparedCache cache;
  if (!Expect(updated, "stored record") || !Expect(cache.Add(*updated), "PreparedCache::Add")) {
    return 1;
  }
  passkey::AuthenticationOptions auth;
  auth.rp = server.rp;
  auth.challenge = passkey::Bytes(32, 0x51);
  auth.now = now;
  passkey::Result<std::string> fast =
      passkey_device->GetAssertionJson(Assertion(auth.challenge, 3, alice.user_handle));
  if (!Expect(fast, "authenticator: assertion for the prepared credential")) {
    return 1;
  }
  passkey::Result<passkey::AuthenticationResponse> assertion =
      passkey::ParseAuthenticationResponseJson(*fast);
  if (!Expect(assertion, "ParseAuthenticationResponseJson")) {
    return 1;
  }
  if (Expect(cache.Verify(auth, *assertion), "PreparedCache::Verify")) {
    const passkey::PreparedCredential* cached = cache.Find(updated->id);
    Step(cached != nullptr && cached->record().sign_count == 3, "the cached signCount is 3");
  }
  ExpectError(cache.Verify(auth, *assertion), passkey::ErrorCode::kSignCountRollback,
              "the same assertion again");

  std::printf("quickstart: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
