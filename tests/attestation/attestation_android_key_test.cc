// android-key attestation (WebAuthn L3 §8.4) end to end: SoftwareAuthenticator
// + MakeAndroidKeyAttestation + TestCa through VerifyRegistration, one
// defect per negative case with its exact code.
#include <passkey/testing/android_key_attestation.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <passkey/attestation_trust.h>
#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

#include "attestation_test_util.h"
#include "test_util.h"

namespace passkey::testing {
namespace {


class AndroidKeyAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> credential =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "android-key-test/credential");
    ASSERT_THAT(credential, IsOk());
    credential_.emplace(std::move(*credential));
    Result<TestCa> root = TestCa::CreateRoot("passkey test Android root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    ASSERT_THAT(trust_.AddAnchorDer(root_->certificate_der()), IsOk());
  }

  // Defaults: a well-formed statement issued directly by the root.
  AndroidKeyAttestationParams DefaultParams() const {
    AndroidKeyAttestationParams params;
    params.issuer = &*root_;
    return params;
  }

  RegistrationOptions Options(const AttestationTrust* trust) const {
    return test::AttestationOptions(challenge_, trust);
  }

  Result<CredentialRecord> Register(AndroidKeyAttestationParams params,
                                    const RegistrationOptions& options) const {
    return test::RegisterResponse(
        *credential_,
        test::AttestationParams(challenge_, "android-key",
                                MakeAndroidKeyAttestation(std::move(params))),
        options);
  }

  Result<CredentialRecord> Register(AndroidKeyAttestationParams params) const {
    return Register(std::move(params), Options(&trust_));
  }

  const Bytes challenge_ = Sha256(AsBytes("android-key-test/challenge"));
  std::optional<SoftwareAuthenticator> credential_;
  std::optional<TestCa> root_;
  AttestationTrust trust_;
};

// --- Positive cases ----------------------------------------------------------

TEST_F(AndroidKeyAttestationTest, ChainingToAnAnchorIsTrustedBasic) {
  const Result<CredentialRecord> record = Register(DefaultParams());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "android-key");
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_TRUE(record->attestation_trusted);
  EXPECT_EQ(record->public_key, credential_->CosePublicKey());
}

TEST_F(AndroidKeyAttestationTest, ThroughAnIntermediateIsTrusted) {
  Result<TestCa> intermediate = root_->CreateIntermediate("passkey test Android intermediate");
  ASSERT_THAT(intermediate, IsOk());
  AndroidKeyAttestationParams params = DefaultParams();
  params.issuer = &*intermediate;
  params.intermediates = {intermediate->certificate_der()};
  const Result<CredentialRecord> record = Register(std::move(params));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(AndroidKeyAttestationTest, WithoutAnchorsIsVerifiedButUntrusted) {
  const Result<CredentialRecord> record = Register(DefaultParams(), Options(nullptr));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_FALSE(record->attestation_trusted);

  const AttestationTrust empty;
  const Result<CredentialRecord> with_empty = Register(DefaultParams(), Options(&empty));
  ASSERT_THAT(with_empty, IsOk());
  EXPECT_FALSE(with_empty->attestation_trusted);
}

TEST_F(AndroidKeyAttestationTest, UntrustedIsRejectedWhenTrustIsRequired) {
  RegistrationOptions options = Options(nullptr);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(DefaultParams(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(AndroidKeyAttestationTest, OtherCredentialAlgorithmsVerify) {
  for (const CoseAlgorithm alg : {CoseAlgorithm::kEs384, CoseAlgorithm::kEs512}) {
    Result<SoftwareAuthenticator> other = SoftwareAuthenticator::Create(alg, "android-key-test/alg");
    ASSERT_THAT(other, IsOk());
    credential_.emplace(std::move(*other));
    const Result<CredentialRecord> record = Register(DefaultParams());
    ASSERT_THAT(record, IsOk()) << static_cast<int>(alg);
    EXPECT_TRUE(record->attestation_trusted);
  }
}

TEST_F(AndroidKeyAttestationTest, PurposeAndOriginInSoftwareEnforcedAreAcceptedByDefault) {
  // §8.4: "otherwise use the union of teeEnforced and softwareEnforced".
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced = {{kKmPurposeSign}, false, kKmOriginGenerated};
  params.tee_enforced = {};
  EXPECT_THAT(Register(std::move(params)), IsOk());
}

TEST_F(AndroidKeyAttestationTest, PurposeAndOriginSplitAcrossListsAreAcceptedByDefault) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced = {{kKmPurposeSign}, false, std::nullopt};
  params.tee_enforced = {{}, false, kKmOriginGenerated};
  EXPECT_THAT(Register(std::move(params)), IsOk());
}

// §8.4: "The value in the AuthorizationList.purpose field is equal to
// KM_PURPOSE_SIGN": a key that may do more than sign is rejected.
TEST_F(AndroidKeyAttestationTest, PurposeWithSignAmongOthersIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.purpose = {kKmPurposeSign, kKmPurposeVerify};
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, ExtraPurposeInTheOtherListIsRejected) {
  // The union of both lists must be {SIGN}.
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced = {{kKmPurposeEncrypt}, false, std::nullopt};
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
  // With android_key_require_tee only teeEnforced counts.
  AndroidKeyAttestationParams tee_only = DefaultParams();
  tee_only.software_enforced = {{kKmPurposeEncrypt}, false, std::nullopt};
  RegistrationOptions options = Options(&trust_);
  options.android_key_require_tee = true;
  EXPECT_THAT(Register(std::move(tee_only), options), IsOk());
}

TEST_F(AndroidKeyAttestationTest, RequireTeeAcceptsTeeEnforcedLists) {
  RegistrationOptions options = Options(&trust_);
  options.android_key_require_tee = true;
  EXPECT_THAT(Register(DefaultParams(), options), IsOk());
}

// --- Negative cases ------------------------------------------------------------

TEST_F(AndroidKeyAttestationTest, RequireTeeRejectsSoftwareEnforcedOnly) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced = {{kKmPurposeSign}, false, kKmOriginGenerated};
  params.tee_enforced = {};
  RegistrationOptions options = Options(&trust_);
  options.android_key_require_tee = true;
  EXPECT_THAT(Register(std::move(params), options), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, RequireTeeRejectsPurposeOnlyInSoftwareEnforced) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced = {{kKmPurposeSign}, false, std::nullopt};
  params.tee_enforced = {{}, false, kKmOriginGenerated};
  RegistrationOptions options = Options(&trust_);
  options.android_key_require_tee = true;
  EXPECT_THAT(Register(std::move(params), options), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, WrongAttestationChallengeIsANonceMismatch) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.attestation_challenge = Sha256(AsBytes("another client data"));
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AndroidKeyAttestationTest, TruncatedAttestationChallengeIsANonceMismatch) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.attestation_challenge = Bytes(31, 0);
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AndroidKeyAttestationTest, AllApplicationsInTeeEnforcedIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.all_applications = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, AllApplicationsInSoftwareEnforcedIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced.all_applications = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, ImportedOriginIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.origin = kKmOriginImported;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, ConflictingOriginInSoftwareEnforcedIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.software_enforced.origin = kKmOriginImported;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, MissingOriginIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.origin = std::nullopt;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, PurposeWithoutSignIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.purpose = {kKmPurposeEncrypt, kKmPurposeVerify};
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, MissingPurposeIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.tee_enforced.purpose = {};
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, LeafForAnotherKeyIsAKeyMismatch) {
  // The other key both is certified and signs: only the key check fails.
  Result<SoftwareAuthenticator> other =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "android-key-test/other");
  ASSERT_THAT(other, IsOk());
  AndroidKeyAttestationParams params = DefaultParams();
  params.leaf_key = &*other;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST_F(AndroidKeyAttestationTest, MissingExtensionIsACertificateDefect) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.omit_key_description = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(AndroidKeyAttestationTest, TrailingElementInKeyDescriptionIsACertificateDefect) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.key_description_trailing_element = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(AndroidKeyAttestationTest, MalformedKeyDescriptionIsACertificateDefect) {
  // Each extension value is the builder's KeyDescription with one defect.
  const Bytes good = EncodeAndroidKeyDescription(DefaultParams(), Bytes(32, 0));
  std::vector<std::pair<std::string, Bytes>> cases;
  {
    Bytes trailing = good;
    trailing.push_back(0x00);
    cases.emplace_back("bytes after the SEQUENCE", std::move(trailing));
  }
  {
    Bytes truncated = good;
    truncated.pop_back();
    cases.emplace_back("truncated", std::move(truncated));
  }
  cases.emplace_back("empty", Bytes{});
  cases.emplace_back("not a SEQUENCE", Bytes{0x04, 0x00});
  // SEQUENCE { INTEGER 3 } only: members missing.
  cases.emplace_back("missing members", Bytes{0x30, 0x03, 0x02, 0x01, 0x03});

  for (const auto& [name, value] : cases) {
    AndroidKeyAttestationParams params = DefaultParams();
    params.omit_key_description = true;
    params.leaf.extensions.push_back({"1.3.6.1.4.1.11129.2.1.17", false, value});
    EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid)) << name;
  }
}

TEST_F(AndroidKeyAttestationTest, MalformedAuthorizationListIsACertificateDefect) {
  // Hand-built KeyDescriptions whose challenge matches, each with one defect
  // in teeEnforced; softwareEnforced is empty.
  RegistrationParams reg = test::AttestationParams(challenge_, "android-key", nullptr);
  // purpose {SIGN} and origin GENERATED as valid encodings.
  const Bytes purpose = {0xa1, 0x05, 0x31, 0x03, 0x02, 0x01, 0x02};
  const Bytes origin = {0xbf, 0x85, 0x3e, 0x03, 0x02, 0x01, 0x00};
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"IMPLICIT (primitive) tag", {0x81, 0x01, 0x02}},
      {"universal element", {0x02, 0x01, 0x02}},
      {"EXPLICIT with two elements", {0xa2, 0x06, 0x02, 0x01, 0x03, 0x02, 0x01, 0x03}},
      {"EXPLICIT with nothing", {0xa2, 0x00}},
      {"purpose not a SET", {0xa1, 0x03, 0x02, 0x01, 0x02}},
      {"purpose negative", {0xa1, 0x05, 0x31, 0x03, 0x02, 0x01, 0xfe}},
      {"origin not INTEGER", {0xbf, 0x85, 0x3e, 0x03, 0x04, 0x01, 0x00}},
      {"allApplications not NULL", {0xbf, 0x84, 0x58, 0x03, 0x02, 0x01, 0x00}},
      {"repeated origin", origin},
      {"high tag with leading 0x80", {0xbf, 0x80, 0x85, 0x3e, 0x03, 0x02, 0x01, 0x00}},
  };
  for (const auto& [name, defect] : cases) {
    Bytes tee = purpose;
    tee.insert(tee.end(), origin.begin(), origin.end());
    tee.insert(tee.end(), defect.begin(), defect.end());
    // The test decides the challenge after the client data is known, so the
    // extension is built inside the attestation builder.
    reg.attest = [&, tee](const AttestationContext& context) -> Result<Bytes> {
      Bytes description_contents = {0x02, 0x01, 0x03, 0x0a, 0x01, 0x01,
                                    0x02, 0x01, 0x04, 0x0a, 0x01, 0x01};
      description_contents.push_back(0x04);
      description_contents.push_back(static_cast<std::uint8_t>(context.client_data_hash.size()));
      description_contents.insert(description_contents.end(), context.client_data_hash.begin(),
                                  context.client_data_hash.end());
      description_contents.insert(description_contents.end(), {0x04, 0x00, 0x30, 0x00, 0x30});
      description_contents.push_back(static_cast<std::uint8_t>(tee.size()));
      description_contents.insert(description_contents.end(), tee.begin(), tee.end());
      Bytes description = {0x30, static_cast<std::uint8_t>(description_contents.size())};
      description.insert(description.end(), description_contents.begin(),
                         description_contents.end());
      AndroidKeyAttestationParams params = DefaultParams();
      params.omit_key_description = true;
      params.leaf.extensions.push_back({"1.3.6.1.4.1.11129.2.1.17", false, description});
      return MakeAndroidKeyAttestation(std::move(params))(context);
    };
    const Result<std::string> json = credential_->MakeCredentialJson(reg);
    ASSERT_THAT(json, IsOk());
    const Result<RegistrationResponse> response = ParseRegistrationResponseJson(*json);
    ASSERT_THAT(response, IsOk());
    EXPECT_THAT(VerifyRegistration(Options(&trust_), *response),
                HasError(ErrorCode::kCertificateInvalid))
        << name;
  }
}

TEST_F(AndroidKeyAttestationTest, AlgOfAnotherKeyTypeIsRejected) {
  // ES256 key, statement claims RS256: the certificate key cannot verify it.
  AndroidKeyAttestationParams params = DefaultParams();
  params.alg = static_cast<std::int64_t>(CoseAlgorithm::kRs256);
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AndroidKeyAttestationTest, AlgOfAnotherCurveIsRejected) {
  // Issue #16: a P-256 key with a statement claiming ES384 (P-384) or ES512
  // (P-521) does not fit, whatever the signature.
  for (const CoseAlgorithm alg : {CoseAlgorithm::kEs384, CoseAlgorithm::kEs512}) {
    AndroidKeyAttestationParams params = DefaultParams();
    params.alg = static_cast<std::int64_t>(alg);
    EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid))
        << static_cast<int>(alg);
  }
}

TEST_F(AndroidKeyAttestationTest, UnknownAlgIsUnsupported) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.alg = 12345;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST_F(AndroidKeyAttestationTest, Sha1AlgIsNotAllowedByDefault) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.alg = static_cast<std::int64_t>(CoseAlgorithm::kRs1);
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAlgorithmNotAllowed));
}

TEST_F(AndroidKeyAttestationTest, TamperedSignatureIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.edit_signature = [](Bytes& sig) { sig.back() ^= 0x01; };
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(AndroidKeyAttestationTest, ExpiredLeafIsRejected) {
  AndroidKeyAttestationParams params = DefaultParams();
  params.leaf.not_before = 1577836800;  // 2020-01-01
  params.leaf.not_after = 1609459200;   // 2021-01-01
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(AndroidKeyAttestationTest, ChainToAnotherRootIsUntrusted) {
  Result<TestCa> other_root = TestCa::CreateRoot("another root");
  ASSERT_THAT(other_root, IsOk());
  AndroidKeyAttestationParams params = DefaultParams();
  params.issuer = &*other_root;
  const Result<CredentialRecord> record = Register(params);
  ASSERT_THAT(record, IsOk());
  EXPECT_FALSE(record->attestation_trusted);

  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(std::move(params), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(AndroidKeyAttestationTest, MissingVerificationTimeIsAnInvalidArgument) {
  RegistrationOptions options = Options(&trust_);
  options.now.reset();
  EXPECT_THAT(Register(DefaultParams(), options), HasError(ErrorCode::kInvalidArgument));
}

TEST_F(AndroidKeyAttestationTest, StatementSyntaxIsEnforced) {
  // Each case replaces attStmt with hand-written CBOR.
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"empty map", {0xa0}},
      // {"alg": -7, "sig": h'00'} (no x5c)
      {"no x5c", {0xa2, 0x63, 'a', 'l', 'g', 0x26, 0x63, 's', 'i', 'g', 0x41, 0x00}},
      // {"alg": -7, "x5c": []}
      {"no sig", {0xa2, 0x63, 'a', 'l', 'g', 0x26, 0x63, 'x', '5', 'c', 0x80}},
      // {"sig": h'00', "x5c": []}
      {"no alg", {0xa2, 0x63, 's', 'i', 'g', 0x41, 0x00, 0x63, 'x', '5', 'c', 0x80}},
      // {"alg": "ES256", "sig": h'00', "x5c": [h'00']}
      {"text alg",
       {0xa3, 0x63, 'a', 'l', 'g', 0x65, 'E', 'S', '2', '5', '6', 0x63, 's', 'i', 'g', 0x41, 0x00,
        0x63, 'x', '5', 'c', 0x81, 0x41, 0x00}},
      // {"alg": -7, "sig": h'00', "x5c": [], "ver": 1}
      {"unknown member",
       {0xa4, 0x63, 'a', 'l', 'g', 0x26, 0x63, 's', 'i', 'g', 0x41, 0x00, 0x63, 'x', '5', 'c',
        0x81, 0x41, 0x00, 0x63, 'v', 'e', 'r', 0x01}},
      // {"alg": -7, "sig": h'00', "x5c": []}
      {"empty x5c",
       {0xa3, 0x63, 'a', 'l', 'g', 0x26, 0x63, 's', 'i', 'g', 0x41, 0x00, 0x63, 'x', '5', 'c',
        0x80}},
  };
  for (const auto& [name, stmt] : cases) {
    RegistrationParams reg = test::AttestationParams(challenge_, "android-key", nullptr);
    reg.attestation_statement = stmt;
    const Result<std::string> json = credential_->MakeCredentialJson(reg);
    ASSERT_THAT(json, IsOk());
    const Result<RegistrationResponse> response = ParseRegistrationResponseJson(*json);
    ASSERT_THAT(response, IsOk());
    EXPECT_THAT(VerifyRegistration(Options(&trust_), *response),
                HasError(ErrorCode::kAttestationInvalid))
        << name;
  }
}

}  // namespace
}  // namespace passkey::testing
