// fido-u2f attestation (WebAuthn L3 §8.6) end to end through
// VerifyRegistration: trusted and untrusted paths, and one defect per
// negative case with its exact code.
#include <passkey/testing/fido_u2f_attestation.h>

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
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

constexpr UnixSeconds kNow = test::kAttestationNow;

class FidoU2fAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> credential =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "fido-u2f-test/credential");
    ASSERT_THAT(credential, IsOk());
    credential_.emplace(std::move(*credential));
    Result<TestCa> root = TestCa::CreateRoot("passkey test U2F root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    Result<TestCa> other = TestCa::CreateRoot("passkey test other root");
    ASSERT_THAT(other, IsOk());
    other_root_.emplace(std::move(*other));
    ASSERT_THAT(trust_.AddAnchorDer(root_->certificate_der()), IsOk());
    ASSERT_THAT(other_trust_.AddAnchorDer(other_root_->certificate_der()), IsOk());
  }

  // U2F attestation certificates are plain end-entity certificates.
  static FidoU2fAttestationOptions U2f() {
    FidoU2fAttestationOptions options;
    options.leaf.subject = {{"CN", "passkey test U2F EE Serial 42"}};
    return options;
  }

  RegistrationOptions Options(const AttestationTrust* trust = nullptr) const {
    return test::AttestationOptions(challenge_, trust);
  }

  RegistrationParams Params(AttestationBuilder attest) const {
    // U2F devices behind CTAP2 report the zero AAGUID (the default).
    return test::AttestationParams(challenge_, "fido-u2f", std::move(attest));
  }

  Result<CredentialRecord> RegisterWith(const SoftwareAuthenticator& credential,
                                        const RegistrationParams& reg,
                                        const RegistrationOptions& options) const {
    return test::RegisterResponse(credential, reg, options);
  }

  Result<CredentialRecord> Register(FidoU2fAttestationOptions u2f,
                                    const RegistrationOptions& options,
                                    const TestCa* issuer = nullptr) const {
    Result<FidoU2fAttestation> attestation =
        FidoU2fAttestation::Create(issuer != nullptr ? *issuer : *root_, std::move(u2f));
    if (!attestation.has_value()) return Unexpected(attestation.error());
    return RegisterWith(*credential_, Params(attestation->Builder()), options);
  }

  // RegisterStatement registers with `att_stmt` written verbatim.
  Result<CredentialRecord> RegisterStatement(Bytes att_stmt,
                                             const RegistrationOptions& options) const {
    RegistrationParams reg = Params(nullptr);
    reg.attestation_statement = std::move(att_stmt);
    return RegisterWith(*credential_, reg, options);
  }

  // LeafDer: a valid U2F attestation certificate (for hand-built statements).
  Bytes LeafDer() const {
    Result<FidoU2fAttestation> attestation = FidoU2fAttestation::Create(*root_, U2f());
    EXPECT_THAT(attestation, IsOk());
    return attestation.has_value() ? attestation->certificate_der() : Bytes();
  }

  Bytes challenge_ = Bytes(32, 0x75);
  std::optional<SoftwareAuthenticator> credential_;
  std::optional<TestCa> root_;
  std::optional<TestCa> other_root_;
  AttestationTrust trust_;
  AttestationTrust other_trust_;
};

// --- Positives -------------------------------------------------------------

TEST_F(FidoU2fAttestationTest, ChainedToAnchorIsTrustedBasic) {
  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  const Result<CredentialRecord> record = Register(U2f(), options);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "fido-u2f");
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_TRUE(record->attestation_trusted);
  EXPECT_TRUE(record->aaguid.IsZero());
}

TEST_F(FidoU2fAttestationTest, WithoutAnchorsIsVerifiedButUntrusted) {
  const Result<CredentialRecord> record = Register(U2f(), Options());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_FALSE(record->attestation_trusted);
}

TEST_F(FidoU2fAttestationTest, WithoutAnchorsFailsWhenTrustRequired) {
  RegistrationOptions options = Options();
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(U2f(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(FidoU2fAttestationTest, ChainToAnotherRootIsUntrusted) {
  const Result<CredentialRecord> record = Register(U2f(), Options(&other_trust_));
  ASSERT_THAT(record, IsOk());
  EXPECT_FALSE(record->attestation_trusted);
  RegistrationOptions options = Options(&other_trust_);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(U2f(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(FidoU2fAttestationTest, LeafIssuedByIntermediateAnchorIsTrusted) {
  Result<TestCa> intermediate = root_->CreateIntermediate("passkey test U2F intermediate");
  ASSERT_THAT(intermediate, IsOk());
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(trust.AddAnchorDer(intermediate->certificate_der()), IsOk());
  const Result<CredentialRecord> record = Register(U2f(), Options(&trust), &*intermediate);
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

// The client builds authenticatorData for a U2F device with the all-zero
// AAGUID; any other value is rejected.
TEST_F(FidoU2fAttestationTest, NonZeroAaguidIsRejected) {
  Result<FidoU2fAttestation> attestation = FidoU2fAttestation::Create(*root_, U2f());
  ASSERT_THAT(attestation, IsOk());
  RegistrationParams reg = Params(attestation->Builder());
  reg.aaguid.bytes[0] = 0x42;
  EXPECT_THAT(RegisterWith(*credential_, reg, Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterWith(*credential_, reg, Options()),
              HasError(ErrorCode::kAttestationInvalid));
  reg.aaguid.bytes[0] = 0x00;
  EXPECT_THAT(RegisterWith(*credential_, reg, Options(&trust_)), IsOk());
}

// --- Statement defects -----------------------------------------------------

TEST_F(FidoU2fAttestationTest, WrongRpIdHashInVerificationDataFails) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.wrong_rp_id_hash = true;
  EXPECT_THAT(Register(u2f, Options(&trust_)),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(FidoU2fAttestationTest, TamperedSignatureFails) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.tamper_signature = true;
  EXPECT_THAT(Register(u2f, Options(&trust_)),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(FidoU2fAttestationTest, TwoCertificatesInX5cFail) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.extra_certificates = {root_->certificate_der()};
  EXPECT_THAT(Register(u2f, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(FidoU2fAttestationTest, NonP256LeafKeyFails) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.key_algorithm = CoseAlgorithm::kEs384;
  EXPECT_THAT(Register(u2f, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(FidoU2fAttestationTest, RsaLeafKeyFails) {
  const std::optional<std::string> pem = test::ReadFile(test::TestdataPath("keys/rs256.pem"));
  ASSERT_TRUE(pem.has_value());
  Result<SoftwareAuthenticator> rsa =
      SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kRs256, *pem, "u2f-rsa");
  ASSERT_THAT(rsa, IsOk());
  FidoU2fAttestationOptions u2f = U2f();
  Result<Bytes> leaf = root_->Issue(u2f.leaf, rsa->PublicKeySpki());
  ASSERT_THAT(leaf, IsOk());
  // The signature is irrelevant: the certificate key is refused first.
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ArrayHeader(1).ByteString(*leaf);
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(FidoU2fAttestationTest, Sha1SignedLeafNeedsOptIn) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.leaf.signature_hash = "sha1";
  EXPECT_THAT(Register(u2f, Options(&trust_)), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options(&trust_);
  options.allow_sha1_attestation = true;
  const Result<CredentialRecord> record = Register(u2f, options);
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(FidoU2fAttestationTest, ExpiredLeafFails) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.leaf.not_after = kNow - 86400;
  EXPECT_THAT(Register(u2f, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
  // Untrusted paths are checked too: validity does not depend on anchors.
  EXPECT_THAT(Register(u2f, Options()), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(FidoU2fAttestationTest, NotYetValidLeafFails) {
  FidoU2fAttestationOptions u2f = U2f();
  u2f.leaf.not_before = kNow + 86400;
  EXPECT_THAT(Register(u2f, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(FidoU2fAttestationTest, MissingNowIsInvalidArgument) {
  RegistrationOptions options = Options(&trust_);
  options.now.reset();
  EXPECT_THAT(Register(U2f(), options), HasError(ErrorCode::kInvalidArgument));
}

// A U2F credential is ES256; any other credential key makes the statement
// invalid for this format (the key itself is fine).
TEST_F(FidoU2fAttestationTest, NonEs256CredentialFails) {
  Result<SoftwareAuthenticator> es384 =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs384, "fido-u2f-test/es384");
  ASSERT_THAT(es384, IsOk());
  // A statement that is valid for the ES256 credential, carried by an ES384
  // registration: refused before its signature is looked at.
  Result<FidoU2fAttestation> attestation = FidoU2fAttestation::Create(*root_, U2f());
  ASSERT_THAT(attestation, IsOk());
  const Bytes auth_data(37, 0);
  const Bytes client_data_hash(32, 0);
  Result<Bytes> stmt = attestation->Builder()(
      AttestationContext{auth_data, client_data_hash, &*credential_});
  ASSERT_THAT(stmt, IsOk());
  RegistrationParams reg = Params(nullptr);
  reg.attestation_statement = *stmt;
  EXPECT_THAT(RegisterWith(*es384, reg, Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

// --- Syntax (§8.6 "valid CBOR conforming to the syntax") ------------------

TEST_F(FidoU2fAttestationTest, UnknownMemberFails) {
  CborWriter stmt;
  stmt.MapHeader(3).TextString("alg").Int(-7).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ArrayHeader(1).ByteString(LeafDer());
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, MissingSigFails) {
  CborWriter stmt;
  stmt.MapHeader(1).TextString("x5c").ArrayHeader(1).ByteString(LeafDer());
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, SigOfWrongTypeFails) {
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").TextString("signature");
  stmt.TextString("x5c").ArrayHeader(1).ByteString(LeafDer());
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, MissingX5cFails) {
  CborWriter stmt;
  stmt.MapHeader(1).TextString("sig").ByteString(Bytes(70, 0x30));
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, EmptyX5cFails) {
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ArrayHeader(0);
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, X5cNotAnArrayFails) {
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ByteString(LeafDer());
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(FidoU2fAttestationTest, CertificateThatIsNotDerFails) {
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ArrayHeader(1).ByteString(Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(FidoU2fAttestationTest, CertificateWithTrailingBytesFails) {
  Bytes leaf = LeafDer();
  leaf.push_back(0x00);
  CborWriter stmt;
  stmt.MapHeader(2).TextString("sig").ByteString(Bytes(70, 0x30));
  stmt.TextString("x5c").ArrayHeader(1).ByteString(leaf);
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kCertificateInvalid));
}

}  // namespace
}  // namespace passkey::testing
