// apple attestation (WebAuthn L3 §8.8) end to end: SoftwareAuthenticator +
// MakeAppleAttestation + TestCa through VerifyRegistration, one defect per
// negative case with its exact code.
#include <passkey/testing/apple_attestation.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

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


class AppleAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> credential =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "apple-test/credential");
    ASSERT_THAT(credential, IsOk());
    credential_.emplace(std::move(*credential));
    Result<TestCa> root = TestCa::CreateRoot("passkey test Apple root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    Result<TestCa> intermediate = root_->CreateIntermediate("passkey test Apple anonymization CA");
    ASSERT_THAT(intermediate, IsOk());
    intermediate_.emplace(std::move(*intermediate));
    ASSERT_THAT(trust_.AddAnchorDer(root_->certificate_der()), IsOk());
  }

  // Defaults: credCert issued by the intermediate, x5c = [credCert, intermediate].
  AppleAttestationParams DefaultParams() const {
    AppleAttestationParams params;
    params.issuer = &*intermediate_;
    params.intermediates = {intermediate_->certificate_der()};
    return params;
  }

  RegistrationOptions Options(const AttestationTrust* trust) const {
    return test::AttestationOptions(challenge_, trust);
  }

  RegistrationParams Params() const {
    return test::AttestationParams(challenge_, "apple", nullptr);
  }

  Result<CredentialRecord> RegisterWith(const RegistrationParams& reg,
                                        const RegistrationOptions& options) const {
    return test::RegisterResponse(*credential_, reg, options);
  }

  Result<CredentialRecord> Register(AppleAttestationParams params,
                                    const RegistrationOptions& options) const {
    RegistrationParams reg = Params();
    reg.attest = MakeAppleAttestation(std::move(params));
    return RegisterWith(reg, options);
  }

  Result<CredentialRecord> Register(AppleAttestationParams params) const {
    return Register(std::move(params), Options(&trust_));
  }

  const Bytes challenge_ = Sha256(AsBytes("apple-test/challenge"));
  std::optional<SoftwareAuthenticator> credential_;
  std::optional<TestCa> root_;
  std::optional<TestCa> intermediate_;
  AttestationTrust trust_;
};

// --- Positive cases ----------------------------------------------------------

TEST_F(AppleAttestationTest, ChainingToAnAnchorIsTrustedAnonCa) {
  const Result<CredentialRecord> record = Register(DefaultParams());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "apple");
  EXPECT_EQ(record->attestation_type, "anonca");
  EXPECT_TRUE(record->attestation_trusted);
  EXPECT_EQ(record->public_key, credential_->CosePublicKey());
}

TEST_F(AppleAttestationTest, WithoutAnchorsIsVerifiedButUntrusted) {
  const Result<CredentialRecord> record = Register(DefaultParams(), Options(nullptr));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "anonca");
  EXPECT_FALSE(record->attestation_trusted);

  RegistrationOptions options = Options(nullptr);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(DefaultParams(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(AppleAttestationTest, IntermediateAnchorIsEnough) {
  AttestationTrust intermediate_only;
  ASSERT_THAT(intermediate_only.AddAnchorDer(intermediate_->certificate_der()), IsOk());
  const Result<CredentialRecord> record = Register(DefaultParams(), Options(&intermediate_only));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(AppleAttestationTest, OtherCredentialAlgorithmsVerify) {
  for (const CoseAlgorithm alg : {CoseAlgorithm::kEs384, CoseAlgorithm::kEs512}) {
    Result<SoftwareAuthenticator> other = SoftwareAuthenticator::Create(alg, "apple-test/alg");
    ASSERT_THAT(other, IsOk());
    credential_.emplace(std::move(*other));
    const Result<CredentialRecord> record = Register(DefaultParams());
    ASSERT_THAT(record, IsOk()) << static_cast<int>(alg);
    EXPECT_TRUE(record->attestation_trusted);
  }
}

TEST_F(AppleAttestationTest, AlgMemberOfIos14IsTolerated) {
  // iOS 14 / macOS 11 wrote "alg": -7 next to x5c (shared vector
  // simplewebauthn/reg/apple); the format has no signature to use it for.
  AppleAttestationParams params = DefaultParams();
  params.alg_member = -7;
  const Result<CredentialRecord> record = Register(std::move(params));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

// --- Negative cases ------------------------------------------------------------

// Issue #16: an alg member, when present, must fit credCert's key (a P-256
// credential here); one this build does not know is unsupported.
TEST_F(AppleAttestationTest, AlgMemberMustFitTheCredentialCertificateKey) {
  for (const std::int64_t alg : {-35, -36, -8, -257}) {
    AppleAttestationParams params = DefaultParams();
    params.alg_member = alg;
    EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid)) << alg;
  }
  AppleAttestationParams unknown = DefaultParams();
  unknown.alg_member = 12345;
  EXPECT_THAT(Register(std::move(unknown)), HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST_F(AppleAttestationTest, WrongNonceIsANonceMismatch) {
  AppleAttestationParams params = DefaultParams();
  params.nonce = Sha256(AsBytes("something else"));
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AppleAttestationTest, NonceOfAnotherLengthIsANonceMismatch) {
  AppleAttestationParams params = DefaultParams();
  params.nonce = Bytes(31, 0);
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AppleAttestationTest, NonceOverClientDataHashAloneIsANonceMismatch) {
  // The nonce must cover authData too: certify SHA-256(clientDataHash).
  RegistrationParams reg = Params();
  reg.attest = [this](const AttestationContext& context) -> Result<Bytes> {
    AppleAttestationParams params = DefaultParams();
    params.nonce = Sha256(context.client_data_hash);
    return MakeAppleAttestation(std::move(params))(context);
  };
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AppleAttestationTest, EditedAuthenticatorDataBreaksTheNonce) {
  // authData changed after the certificate was made (counter bumped).
  RegistrationParams reg = Params();
  reg.attest = [this](const AttestationContext& context) -> Result<Bytes> {
    Bytes original(context.authenticator_data.begin(), context.authenticator_data.end());
    original[36] ^= 0x01;  // signCount's last byte
    AttestationContext stale = context;
    stale.authenticator_data = original;
    return MakeAppleAttestation(DefaultParams())(stale);
  };
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(AppleAttestationTest, CertificateForAnotherKeyIsAKeyMismatch) {
  Result<SoftwareAuthenticator> other =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "apple-test/other");
  ASSERT_THAT(other, IsOk());
  AppleAttestationParams params = DefaultParams();
  params.leaf_key = &*other;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST_F(AppleAttestationTest, MissingExtensionIsACertificateDefect) {
  AppleAttestationParams params = DefaultParams();
  params.omit_nonce_extension = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(AppleAttestationTest, MalformedExtensionIsACertificateDefect) {
  const Bytes nonce(32, 0x11);
  const Bytes good = EncodeAppleNonceExtension(nonce);
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
  cases.emplace_back("bare OCTET STRING", Bytes{0x04, 0x01, 0x00});
  cases.emplace_back("empty SEQUENCE", Bytes{0x30, 0x00});
  // SEQUENCE { [2] { OCTET STRING } }: wrong tag number.
  cases.emplace_back("tag [2]", Bytes{0x30, 0x05, 0xa2, 0x03, 0x04, 0x01, 0x00});
  // SEQUENCE { [1] IMPLICIT (primitive) }.
  cases.emplace_back("primitive [1]", Bytes{0x30, 0x03, 0x81, 0x01, 0x00});
  // SEQUENCE { [1] { INTEGER } }.
  cases.emplace_back("INTEGER nonce", Bytes{0x30, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00});
  // SEQUENCE { [1] { OCTET STRING, OCTET STRING } }.
  cases.emplace_back("two nonces",
                     Bytes{0x30, 0x08, 0xa1, 0x06, 0x04, 0x01, 0x00, 0x04, 0x01, 0x00});
  // SEQUENCE { [1] { OCTET STRING }, NULL }.
  cases.emplace_back("element after [1]",
                     Bytes{0x30, 0x07, 0xa1, 0x03, 0x04, 0x01, 0x00, 0x05, 0x00});
  // Non-minimal length (0x81 0x05 for 5).
  cases.emplace_back("non-minimal length",
                     Bytes{0x30, 0x81, 0x05, 0xa1, 0x03, 0x04, 0x01, 0x00});

  for (const auto& [name, value] : cases) {
    AppleAttestationParams params = DefaultParams();
    params.nonce_extension_value = value;
    EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid)) << name;
  }
}

TEST_F(AppleAttestationTest, ExtraStatementMemberIsRejected) {
  AppleAttestationParams params = DefaultParams();
  params.extra_member = true;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AppleAttestationTest, NonIntegerAlgMemberIsRejected) {
  RegistrationParams reg = Params();
  // {"alg": "ES256", "x5c": [h'00']}: the alg check comes before x5c parsing.
  reg.attestation_statement = Bytes{0xa2, 0x63, 'a', 'l', 'g', 0x65, 'E', 'S', '2', '5', '6',
                                    0x63, 'x',  '5', 'c', 0x81, 0x41, 0x00};
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(AppleAttestationTest, StatementSyntaxIsEnforced) {
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"empty map", {0xa0}},
      {"x5c not an array", {0xa1, 0x63, 'x', '5', 'c', 0x41, 0x00}},
      {"empty x5c", {0xa1, 0x63, 'x', '5', 'c', 0x80}},
      {"x5c of text", {0xa1, 0x63, 'x', '5', 'c', 0x81, 0x61, 'a'}},
      {"integer key", {0xa2, 0x01, 0x01, 0x63, 'x', '5', 'c', 0x80}},
  };
  for (const auto& [name, stmt] : cases) {
    RegistrationParams reg = Params();
    reg.attestation_statement = stmt;
    EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << name;
  }
}

TEST_F(AppleAttestationTest, GarbageCertificateIsACertificateDefect) {
  RegistrationParams reg = Params();
  reg.attestation_statement = Bytes{0xa1, 0x63, 'x', '5', 'c', 0x81, 0x42, 0x30, 0x00};
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(AppleAttestationTest, ExpiredCredCertIsRejected) {
  AppleAttestationParams params = DefaultParams();
  params.leaf.not_before = 1577836800;  // 2020-01-01
  params.leaf.not_after = 1609459200;   // 2021-01-01
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(AppleAttestationTest, ChainToAnotherRootIsUntrusted) {
  Result<TestCa> other_root = TestCa::CreateRoot("another root");
  ASSERT_THAT(other_root, IsOk());
  AppleAttestationParams params = DefaultParams();
  params.issuer = &*other_root;
  params.intermediates.clear();
  const Result<CredentialRecord> record = Register(params);
  ASSERT_THAT(record, IsOk());
  EXPECT_FALSE(record->attestation_trusted);

  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(std::move(params), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(AppleAttestationTest, BrokenLinkInX5cIsACertificateDefect) {
  // credCert issued by another CA but x5c claims our intermediate follows.
  Result<TestCa> other_root = TestCa::CreateRoot("another root");
  ASSERT_THAT(other_root, IsOk());
  AppleAttestationParams params = DefaultParams();
  params.issuer = &*other_root;
  EXPECT_THAT(Register(std::move(params)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(AppleAttestationTest, MissingVerificationTimeIsAnInvalidArgument) {
  RegistrationOptions options = Options(&trust_);
  options.now.reset();
  EXPECT_THAT(Register(DefaultParams(), options), HasError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace passkey::testing
