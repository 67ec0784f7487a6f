// What every attestation-format test shares: the test RP, a fixed `now`,
// options with a trust, registration params with a builder, and one call
// from software authenticator to VerifyRegistration.
#ifndef PASSKEY_TESTS_ATTESTATION_TEST_UTIL_H_
#define PASSKEY_TESTS_ATTESTATION_TEST_UTIL_H_

#include <string>
#include <utility>

#include <passkey/attestation_trust.h>
#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

namespace passkey::test {

inline constexpr char kAttestationRpId[] = "example.org";
inline constexpr char kAttestationOrigin[] = "https://example.org";
inline constexpr UnixSeconds kAttestationNow = 1767225600;  // 2026-01-01T00:00:00Z

// AttestationOptions: the test RP, `challenge`, now = kAttestationNow and
// `trust` (may be null).
inline RegistrationOptions AttestationOptions(const Bytes& challenge,
                                              const AttestationTrust* trust) {
  RegistrationOptions options;
  options.rp.ids = {kAttestationRpId};
  options.rp.origins = {kAttestationOrigin};
  options.challenge = challenge;
  options.now = kAttestationNow;
  options.attestation_trust = trust;
  return options;
}

// AttestationParams: a create() call for the test RP with fmt `format`
// built by `attest` (nullptr: the authenticator's own "none"/"packed" self).
inline testing::RegistrationParams AttestationParams(const Bytes& challenge, std::string format,
                                                     testing::AttestationBuilder attest) {
  testing::RegistrationParams reg;
  reg.rp_id = kAttestationRpId;
  reg.origin = kAttestationOrigin;
  reg.challenge = challenge;
  reg.format = std::move(format);
  reg.attest = std::move(attest);
  return reg;
}

// RegisterResponse: MakeCredentialJson → ParseRegistrationResponseJson →
// VerifyRegistration; the first error wins.
inline Result<CredentialRecord> RegisterResponse(const testing::SoftwareAuthenticator& credential,
                                                 const testing::RegistrationParams& reg,
                                                 const RegistrationOptions& options) {
  const Result<std::string> json = credential.MakeCredentialJson(reg);
  if (!json.has_value()) return Unexpected(json.error());
  const Result<RegistrationResponse> response = ParseRegistrationResponseJson(*json);
  if (!response.has_value()) return Unexpected(response.error());
  return VerifyRegistration(options, *response);
}

}  // namespace passkey::test

#endif  // PASSKEY_TESTS_ATTESTATION_TEST_UTIL_H_
