// passkey::testing::MakeStandardAttestation and TestCa::FromPem /
// PrivateKeyPem: every format's standard statement verifies against its CA
// as the only trust anchor, and a CA survives a round trip through PEM.
#include <string>

#include <gtest/gtest.h>

#include <passkey/attestation_trust.h>
#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/standard_attestation.h>
#include <passkey/testing/test_ca.h>

#include "attestation_test_util.h"
#include "test_util.h"

namespace passkey {
namespace {

using testing::MakeStandardAttestation;
using testing::SoftwareAuthenticator;
using testing::StandardAttestationFormats;
using testing::StandardAttestationSupports;
using testing::TestCa;

// RegisterWith: a registration in `format` by an `alg` credential, attested
// by `ca`, verified with `anchor` as the only trust anchor.
Result<CredentialRecord> RegisterWith(const TestCa& ca, const TestCa& anchor,
                                      const std::string& format, CoseAlgorithm alg) {
  Result<SoftwareAuthenticator> credential = SoftwareAuthenticator::Create(alg, "standard");
  if (!credential.has_value()) return Unexpected(credential.error());
  Result<testing::AttestationBuilder> attest = MakeStandardAttestation(format, ca);
  if (!attest.has_value()) return Unexpected(attest.error());
  const Bytes challenge(32, 0x5a);
  AttestationTrust trust;
  const Status added = trust.AddAnchorDer(anchor.certificate_der());
  if (!added.has_value()) return Unexpected(added.error());
  RegistrationOptions options = test::AttestationOptions(challenge, &trust);
  options.require_trusted_attestation = format != "none";
  return test::RegisterResponse(*credential,
                                test::AttestationParams(challenge, format, *attest), options);
}

TEST(StandardAttestationTest, EveryFormatVerifiesAgainstItsCa) {
  Result<TestCa> ca = TestCa::CreateRoot("standard attestation test CA");
  ASSERT_THAT(ca, IsOk());
  for (const std::string_view format : StandardAttestationFormats()) {
    for (const CoseAlgorithm alg : {CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa,
                                    CoseAlgorithm::kEs384, CoseAlgorithm::kPs256}) {
      SCOPED_TRACE(std::string(format) + " " + std::string(CoseAlgorithmName(alg)));
      if (!StandardAttestationSupports(format, alg)) continue;
      const Result<CredentialRecord> record = RegisterWith(*ca, *ca, std::string(format), alg);
      ASSERT_THAT(record, IsOk());
      EXPECT_EQ(record->attestation_format, format);
    }
  }
}

TEST(StandardAttestationTest, AnotherCaIsUntrusted) {
  Result<TestCa> ca = TestCa::CreateRoot("signing CA");
  Result<TestCa> other = TestCa::CreateRoot("other CA");
  ASSERT_THAT(ca, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(RegisterWith(*ca, *other, "packed", CoseAlgorithm::kEs256),
              HasError(ErrorCode::kAttestationUntrusted));
}

TEST(StandardAttestationTest, SupportsOnlyWhatTheFormatCanCarry) {
  EXPECT_TRUE(StandardAttestationSupports("fido-u2f", CoseAlgorithm::kEs256));
  EXPECT_FALSE(StandardAttestationSupports("fido-u2f", CoseAlgorithm::kEs384));
  EXPECT_FALSE(StandardAttestationSupports("tpm", CoseAlgorithm::kEdDsa));
  EXPECT_TRUE(StandardAttestationSupports("tpm", CoseAlgorithm::kRs256));
  EXPECT_TRUE(StandardAttestationSupports("apple", CoseAlgorithm::kEd448));
  EXPECT_FALSE(StandardAttestationSupports("android-safetynet", CoseAlgorithm::kEs256));
  Result<TestCa> ca = TestCa::CreateRoot("CA");
  ASSERT_THAT(ca, IsOk());
  EXPECT_THAT(MakeStandardAttestation("compound", *ca), HasError(ErrorCode::kInvalidArgument));
}

TEST(TestCaPemTest, RoundTripKeepsIssuing) {
  Result<TestCa> ca = TestCa::CreateRoot("PEM round trip CA");
  ASSERT_THAT(ca, IsOk());
  Result<std::string> key = ca->PrivateKeyPem();
  ASSERT_THAT(key, IsOk());
  Result<TestCa> restored = TestCa::FromPem(ca->certificate_pem(), *key);
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(restored->certificate_der(), ca->certificate_der());
  // Statements attested by the restored CA chain to the original's
  // certificate.
  EXPECT_THAT(RegisterWith(*restored, *ca, "packed", CoseAlgorithm::kEs256), IsOk());
}

TEST(TestCaPemTest, RejectsBadPemAndMismatchedKey) {
  Result<TestCa> ca = TestCa::CreateRoot("CA one");
  Result<TestCa> other = TestCa::CreateRoot("CA two");
  ASSERT_THAT(ca, IsOk());
  ASSERT_THAT(other, IsOk());
  Result<std::string> other_key = other->PrivateKeyPem();
  ASSERT_THAT(other_key, IsOk());
  EXPECT_THAT(TestCa::FromPem(ca->certificate_pem(), *other_key),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(TestCa::FromPem("not pem", *other_key), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(TestCa::FromPem(ca->certificate_pem(), "not pem"),
              HasError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace passkey
