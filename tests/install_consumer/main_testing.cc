// Uses the installed passkey::testing: a software authenticator registers
// with packed attestation from a test CA, and the installed library
// verifies the response against that CA. Exits 0 when every check holds.
#include <cstdio>
#include <ctime>
#include <string>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/standard_attestation.h>
#include <passkey/testing/test_ca.h>

int main() {
  namespace pt = passkey::testing;
  passkey::Result<pt::TestCa> ca = pt::TestCa::CreateRoot("install consumer CA");
  passkey::Result<pt::SoftwareAuthenticator> key =
      pt::SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, "install-consumer");
  if (!ca.has_value() || !key.has_value()) {
    std::fprintf(stderr, "FAIL: TestCa::CreateRoot / SoftwareAuthenticator::Create\n");
    return 1;
  }
  passkey::Result<pt::AttestationBuilder> attest = pt::MakeStandardAttestation("packed", *ca);
  if (!attest.has_value()) {
    std::fprintf(stderr, "FAIL: MakeStandardAttestation\n");
    return 1;
  }
  const passkey::Bytes challenge(32, 7);
  pt::RegistrationParams params;
  params.rp_id = "example.com";
  params.origin = "https://example.com";
  params.challenge = challenge;
  params.format = "packed";
  params.attest = *attest;
  passkey::Result<std::string> json = key->MakeCredentialJson(params);
  if (!json.has_value()) {
    std::fprintf(stderr, "FAIL: MakeCredentialJson\n");
    return 1;
  }
  passkey::AttestationTrust trust;
  if (!trust.AddAnchorDer(ca->certificate_der()).has_value()) {
    std::fprintf(stderr, "FAIL: AddAnchorDer\n");
    return 1;
  }
  passkey::RegistrationOptions options;
  options.rp.ids = {"example.com"};
  options.rp.origins = {"https://example.com"};
  options.challenge = challenge;
  options.attestation_trust = &trust;
  options.require_trusted_attestation = true;
  options.now = static_cast<passkey::UnixSeconds>(std::time(nullptr));
  passkey::Result<passkey::RegistrationResponse> response =
      passkey::ParseRegistrationResponseJson(*json);
  if (!response.has_value()) {
    std::fprintf(stderr, "FAIL: ParseRegistrationResponseJson\n");
    return 1;
  }
  passkey::Result<passkey::CredentialRecord> record =
      passkey::VerifyRegistration(options, *response);
  if (!record.has_value()) {
    std::fprintf(stderr, "FAIL: VerifyRegistration: %s (%s)\n",
                 std::string(passkey::ErrorCodeName(record.error().code)).c_str(),
                 record.error().message.c_str());
    return 1;
  }
  std::printf("install consumer (passkey::testing): ok\n");
  return 0;
}
