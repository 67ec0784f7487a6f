// packed attestation with x5c (WebAuthn L3 §8.2, §8.2.1), the trust step of
// §7.1 (anchors, intermediates, per-AAGUID anchors, CRLs, validity at `now`,
// SHA-1 policy) and compound attestation (§8.9), end to end through
// VerifyRegistration with one defect per negative case.
#include <passkey/testing/packed_attestation.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <passkey/attestation_trust.h>
#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

#include "attestation_test_util.h"
#include "crypto/openssl_ptr.h"
#include "test_util.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

constexpr UnixSeconds kNow = test::kAttestationNow;

Aaguid TestAaguid() {
  return *Aaguid::Parse("0123abcd-4567-89ab-cdef-0123456789ab");
}

class PackedAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> credential =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "packed-test/credential");
    ASSERT_THAT(credential, IsOk());
    credential_.emplace(std::move(*credential));
    Result<TestCa> root = TestCa::CreateRoot("passkey test packed root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    Result<TestCa> other = TestCa::CreateRoot("passkey test other root");
    ASSERT_THAT(other, IsOk());
    other_root_.emplace(std::move(*other));
    Result<TestCa> intermediate = root_->CreateIntermediate("passkey test packed intermediate");
    ASSERT_THAT(intermediate, IsOk());
    intermediate_.emplace(std::move(*intermediate));
    ASSERT_THAT(trust_.AddAnchorsPem(root_->certificate_pem()), IsOk());
  }

  PackedAttestationParams Packed() const {
    PackedAttestationParams params;
    params.ca = &*root_;
    return params;
  }

  RegistrationOptions Options(const AttestationTrust* trust = nullptr) const {
    return test::AttestationOptions(challenge_, trust);
  }

  RegistrationParams Params(std::string format, AttestationBuilder attest) const {
    RegistrationParams reg = test::AttestationParams(challenge_, std::move(format), std::move(attest));
    reg.aaguid = TestAaguid();
    return reg;
  }

  Result<CredentialRecord> RegisterWith(const RegistrationParams& reg,
                                        const RegistrationOptions& options) const {
    return test::RegisterResponse(*credential_, reg, options);
  }

  Result<CredentialRecord> Register(PackedAttestationParams params,
                                    const RegistrationOptions& options) const {
    return RegisterWith(Params("packed", MakePackedAttestation(std::move(params))), options);
  }

  Bytes challenge_ = Bytes(32, 0x5a);
  std::optional<SoftwareAuthenticator> credential_;
  std::optional<TestCa> root_;
  std::optional<TestCa> other_root_;
  std::optional<TestCa> intermediate_;
  AttestationTrust trust_;
};

TEST_F(PackedAttestationTest, ChainedToAnchorIsTrustedBasic) {
  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  const Result<CredentialRecord> record = Register(Packed(), options);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "packed");
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(PackedAttestationTest, EveryAttestationKeyAlgorithmVerifies) {
  for (const CoseAlgorithm alg : {CoseAlgorithm::kEs384, CoseAlgorithm::kEs512,
                                  CoseAlgorithm::kEdDsa, CoseAlgorithm::kRs256,
                                  CoseAlgorithm::kPs256}) {
    PackedAttestationParams params = Packed();
    params.key_algorithm = alg;
    const Result<CredentialRecord> record = Register(params, Options(&trust_));
    ASSERT_THAT(record, IsOk()) << static_cast<int>(alg);
    EXPECT_TRUE(record->attestation_trusted);
  }
}

TEST_F(PackedAttestationTest, WithoutAnchorsIsVerifiedButUntrusted) {
  const Result<CredentialRecord> record = Register(Packed(), Options());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_FALSE(record->attestation_trusted);
}

TEST_F(PackedAttestationTest, RequireTrustedWithoutAnchorsFails) {
  RegistrationOptions options = Options();
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(Packed(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(PackedAttestationTest, ChainToAnotherRootIsUntrusted) {
  PackedAttestationParams params = Packed();
  params.ca = &*other_root_;
  ASSERT_THAT(Register(params, Options(&trust_)), IsOk());
  EXPECT_FALSE(Register(params, Options(&trust_))->attestation_trusted);
  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(params, options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(PackedAttestationTest, SelfAndNoneAttestationAreUntrusted) {
  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  EXPECT_THAT(RegisterWith(Params("packed", nullptr), options),
              HasError(ErrorCode::kAttestationUntrusted));
  EXPECT_THAT(RegisterWith(Params("none", nullptr), options),
              HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(PackedAttestationTest, IntermediateInX5cChainsToRoot) {
  PackedAttestationParams params = Packed();
  params.ca = &*intermediate_;
  params.chain = {intermediate_->certificate_der()};
  const Result<CredentialRecord> record = Register(params, Options(&trust_));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
  // Without the intermediate the path cannot reach the root.
  params.chain.clear();
  ASSERT_THAT(Register(params, Options(&trust_)), IsOk());
  EXPECT_FALSE(Register(params, Options(&trust_))->attestation_trusted);
}

TEST_F(PackedAttestationTest, IntermediateAsAnchorIsEnough) {
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(intermediate_->certificate_der()), IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*intermediate_;
  const Result<CredentialRecord> record = Register(params, Options(&trust));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(PackedAttestationTest, UnrelatedCertificateInX5cBreaksTheChain) {
  PackedAttestationParams params = Packed();
  params.chain = {other_root_->certificate_der()};
  EXPECT_THAT(Register(params, Options()), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, AaguidBoundAnchorsApplyOnlyToThatAaguid) {
  AttestationTrust bound;
  ASSERT_THAT(bound.AddAnchorsPem(root_->certificate_pem(), TestAaguid()), IsOk());
  EXPECT_TRUE(Register(Packed(), Options(&bound))->attestation_trusted);
  AttestationTrust elsewhere;
  ASSERT_THAT(elsewhere.AddAnchorsPem(root_->certificate_pem(),
                                      *Aaguid::Parse("ffffffff-4567-89ab-cdef-0123456789ab")),
              IsOk());
  EXPECT_FALSE(Register(Packed(), Options(&elsewhere))->attestation_trusted);
}

TEST_F(PackedAttestationTest, AaguidExtensionMustMatch) {
  PackedAttestationParams params = Packed();
  params.aaguid_extension = TestAaguid();
  EXPECT_THAT(Register(params, Options(&trust_)), IsOk());
  params.aaguid_extension = *Aaguid::Parse("ffffffff-4567-89ab-cdef-0123456789ab");
  EXPECT_THAT(Register(params, Options(&trust_)),
              HasError(ErrorCode::kAttestationAaguidMismatch));
}

TEST_F(PackedAttestationTest, AaguidExtensionMustNotBeCritical) {
  PackedAttestationParams params = Packed();
  params.aaguid_extension = TestAaguid();
  params.aaguid_extension_critical = true;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, MalformedAaguidExtensionIsRejected) {
  PackedAttestationParams params = Packed();
  params.certificate.extensions.push_back(
      {"1.3.6.1.4.1.45724.1.1.4", false, DerOctetString(Bytes(15, 0x01))});
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, LeafMustNotBeCa) {
  PackedAttestationParams params = Packed();
  params.certificate.basic_constraints = true;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, LeafMustHaveBasicConstraints) {
  PackedAttestationParams params = Packed();
  params.certificate.basic_constraints = std::nullopt;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, LeafMustBeVersion3) {
  PackedAttestationParams params = Packed();
  params.certificate.version = 1;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, LeafSubjectNeedsLiteralOu) {
  PackedAttestationParams params = Packed();
  params.certificate.subject = {{"C", "US"}, {"O", "Vendor"}, {"OU", "Attestation"}, {"CN", "x"}};
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
  params.certificate.subject = {{"O", "Vendor"}, {"OU", "Authenticator Attestation"}, {"CN", "x"}};
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, ExpiredAndNotYetValidLeavesAreRejected) {
  PackedAttestationParams params = Packed();
  params.certificate.not_after = kNow - 1;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
  EXPECT_THAT(Register(params, Options()), HasError(ErrorCode::kCertificateExpired));
  params.certificate.not_after = kNow + 86400;
  params.certificate.not_before = kNow + 60;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(PackedAttestationTest, ExpiredIntermediateIsRejected) {
  Result<TestCa> old = root_->CreateIntermediate("expired intermediate", 1577836800, kNow - 10);
  ASSERT_THAT(old, IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*old;
  params.chain = {old->certificate_der()};
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
  EXPECT_THAT(Register(params, Options()), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(PackedAttestationTest, NowIsRequiredForCertificates) {
  RegistrationOptions options = Options(&trust_);
  options.now.reset();
  EXPECT_THAT(Register(Packed(), options), HasError(ErrorCode::kInvalidArgument));
}

TEST_F(PackedAttestationTest, Sha1CertificateSignatureNeedsOptIn) {
  PackedAttestationParams params = Packed();
  params.certificate.signature_hash = "sha1";
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kAlgorithmNotAllowed));
  EXPECT_THAT(Register(params, Options()), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options(&trust_);
  options.allow_sha1_attestation = true;
  EXPECT_TRUE(Register(params, options)->attestation_trusted);
}

TEST_F(PackedAttestationTest, Rs1StatementNeedsOptIn) {
  PackedAttestationParams params = Packed();
  params.key_algorithm = CoseAlgorithm::kRs1;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options(&trust_);
  options.allow_sha1_attestation = true;
  EXPECT_THAT(Register(params, options), IsOk());
}

TEST_F(PackedAttestationTest, TamperedSignatureIsRejected) {
  PackedAttestationParams params = Packed();
  params.edit_signature = [](Bytes& sig) { sig[sig.size() / 2] ^= 0x01; };
  EXPECT_THAT(Register(params, Options(&trust_)),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(PackedAttestationTest, AlgMustSuitTheCertificateKey) {
  PackedAttestationParams params = Packed();
  params.alg = -257;  // RS256 with an EC key
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  params.alg = -9999;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kUnsupportedAlgorithm));
}

// Issue #16: ES256 ⇔ P-256, ES384 ⇔ P-384, ES512 ⇔ P-521, EdDSA ⇔ Ed25519/
// Ed448: an attestation key of another curve than alg names is refused.
TEST_F(PackedAttestationTest, AlgMustSuitTheCertificateKeysCurve) {
  struct Case {
    CoseAlgorithm key;
    std::int64_t alg;
  };
  for (const Case c : {Case{CoseAlgorithm::kEs384, -7}, Case{CoseAlgorithm::kEs256, -35},
                       Case{CoseAlgorithm::kEs512, -35}, Case{CoseAlgorithm::kEd448, -19},
                       Case{CoseAlgorithm::kEdDsa, -53}, Case{CoseAlgorithm::kEdDsa, -7}}) {
    PackedAttestationParams params = Packed();
    params.key_algorithm = c.key;
    params.alg = c.alg;
    EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << static_cast<int>(c.key) << " as " << c.alg;
  }
}

// SignEcdsaSha256: a DER ECDSA signature over `message` with SHA-256 by the
// EC private key in `pem`, whatever its curve (OpenSSL signs any digest).
Bytes SignEcdsaSha256(const std::string& pem, ByteView message) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  internal::EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!key || !ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.get(),
                            nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, message.data(), message.size()) != 1) {
    ADD_FAILURE() << "cannot sign with SHA-256";
    return {};
  }
  Bytes signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, message.data(), message.size()) != 1) {
    ADD_FAILURE() << "cannot sign with SHA-256";
    return {};
  }
  signature.resize(length);
  return signature;
}

// The case issue #16 describes: a P-384 attestation key that signs with
// SHA-256 and writes alg -7 (ES256) makes a signature that verifies as
// "ECDSA with SHA-256" under the certificate's key; only the alg–curve rule
// refuses it (before that rule it was accepted).
TEST_F(PackedAttestationTest, Es256StatementSignedWithAP384KeyIsRejected) {
  Result<SoftwareAuthenticator> p384 =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs384, "packed-test/p384-attestation-key");
  ASSERT_THAT(p384, IsOk());
  const Result<std::string> pem = p384->PrivateKeyPem();
  ASSERT_THAT(pem, IsOk());
  const Result<Bytes> leaf = root_->Issue(Packed().certificate, p384->PublicKeySpki());
  ASSERT_THAT(leaf, IsOk());
  const AttestationBuilder attest = [&](const AttestationContext& context) -> Result<Bytes> {
    Bytes signed_data(context.authenticator_data.begin(), context.authenticator_data.end());
    signed_data.insert(signed_data.end(), context.client_data_hash.begin(),
                       context.client_data_hash.end());
    return CborWriter()
        .MapHeader(3)
        .TextString("alg")
        .Int(-7)
        .TextString("sig")
        .ByteString(SignEcdsaSha256(*pem, signed_data))
        .TextString("x5c")
        .ArrayHeader(1)
        .ByteString(*leaf)
        .Take();
  };
  EXPECT_THAT(RegisterWith(Params("packed", attest), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(PackedAttestationTest, BadCertificateBytesAreRejected) {
  PackedAttestationParams params = Packed();
  params.leaf_der = Bytes{0x30, 0x03, 0x02, 0x01, 0x01};
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
  Bytes trailing = root_->certificate_der();
  trailing.push_back(0x00);
  params.leaf_der = trailing;
  EXPECT_THAT(Register(params, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(PackedAttestationTest, X5cMustBeANonEmptyArrayOfByteStrings) {
  const auto statement = [](Bytes x5c) {
    return CborWriter()
        .MapHeader(3)
        .TextString("alg")
        .Int(-7)
        .TextString("sig")
        .ByteString(Bytes(70, 1))
        .TextString("x5c")
        .Raw(x5c)
        .Take();
  };
  for (Bytes x5c : {CborWriter().ArrayHeader(0).Take(), CborWriter().ByteString(Bytes(3, 1)).Take(),
                    CborWriter().ArrayHeader(1).Int(1).Take()}) {
    RegistrationParams reg = Params("packed", nullptr);
    reg.attestation_statement = statement(x5c);
    EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  }
  CborWriter nine;
  nine.ArrayHeader(9);
  for (int i = 0; i < 9; ++i) nine.ByteString(root_->certificate_der());
  RegistrationParams reg = Params("packed", nullptr);
  reg.attestation_statement = statement(nine.Take());
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(PackedAttestationTest, RevokedLeafIsRejectedWhenACrlIsGiven) {
  PackedAttestationParams params = Packed();
  params.certificate.serial = 77;
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(root_->certificate_der()), IsOk());
  const Result<Bytes> crl = root_->IssueCrl({77});
  ASSERT_THAT(crl, IsOk());
  ASSERT_THAT(trust.AddCrlDer(*crl), IsOk());
  EXPECT_THAT(Register(params, Options(&trust)), HasError(ErrorCode::kCertificateRevoked));
  // The same CRL also applies when the path reaches no anchor.
  AttestationTrust crl_only;
  ASSERT_THAT(crl_only.AddCrlDer(*crl), IsOk());
  params.ca = &*root_;
  params.chain = {root_->certificate_der()};
  EXPECT_THAT(Register(params, Options(&crl_only)), HasError(ErrorCode::kCertificateRevoked));
}

TEST_F(PackedAttestationTest, CrlNotListingTheLeafKeepsItTrusted) {
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(root_->certificate_der()), IsOk());
  const Result<Bytes> crl = root_->IssueCrl({12345});
  ASSERT_THAT(crl, IsOk());
  ASSERT_THAT(trust.AddCrlDer(*crl), IsOk());
  EXPECT_EQ(trust.crl_count(), 1u);
  EXPECT_TRUE(Register(Packed(), Options(&trust))->attestation_trusted);
}

TEST_F(PackedAttestationTest, CompoundOfValidStatementsVerifies) {
  const Result<CredentialRecord> record = RegisterWith(
      Params("compound", MakeCompoundAttestation({{"packed", MakePackedAttestation(Packed())},
                                                  {"none", nullptr}})),
      Options(&trust_));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "compound");
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(PackedAttestationTest, CompoundFailsWhenAnyStatementFails) {
  PackedAttestationParams bad = Packed();
  bad.edit_signature = [](Bytes& sig) { sig[4] ^= 0x01; };
  EXPECT_THAT(RegisterWith(Params("compound",
                                  MakeCompoundAttestation(
                                      {{"packed", MakePackedAttestation(Packed())},
                                       {"packed", MakePackedAttestation(bad)}})),
                           Options(&trust_)),
              HasError(ErrorCode::kAttestationSignatureInvalid));
  EXPECT_THAT(RegisterWith(Params("compound", MakeCompoundAttestation(
                                                  {{"packed", MakePackedAttestation(Packed())},
                                                   {"unknown-format", nullptr}})),
                           Options(&trust_)),
              HasError(ErrorCode::kAttestationFormatUnsupported));
}

TEST_F(PackedAttestationTest, CompoundSyntaxIsStrict) {
  // One statement only.
  EXPECT_THAT(RegisterWith(Params("compound", MakeCompoundAttestation(
                                                  {{"packed", MakePackedAttestation(Packed())}})),
                           Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
  // Nested compound.
  EXPECT_THAT(
      RegisterWith(Params("compound",
                          MakeCompoundAttestation({{"none", nullptr}, {"compound", nullptr}})),
                   Options(&trust_)),
      HasError(ErrorCode::kAttestationInvalid));
  // A map instead of an array.
  RegistrationParams reg = Params("compound", nullptr);
  reg.attestation_statement = EmptyCborMap();
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)),
              HasError(ErrorCode::kMalformedAttestationObject));
  // An array for a format that takes a map.
  reg = Params("packed", nullptr);
  reg.attestation_statement = CborWriter().ArrayHeader(0).Take();
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)),
              HasError(ErrorCode::kMalformedAttestationObject));
  // An item with an extra member.
  reg = Params("compound", nullptr);
  reg.attestation_statement = CborWriter()
                                  .ArrayHeader(2)
                                  .MapHeader(3)
                                  .TextString("fmt")
                                  .TextString("none")
                                  .TextString("attStmt")
                                  .MapHeader(0)
                                  .TextString("x")
                                  .Int(1)
                                  .MapHeader(2)
                                  .TextString("fmt")
                                  .TextString("none")
                                  .TextString("attStmt")
                                  .MapHeader(0)
                                  .Take();
  EXPECT_THAT(RegisterWith(reg, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST(AttestationTrustTest, RejectsInputThatIsNotCertificates) {
  AttestationTrust trust;
  EXPECT_THAT(trust.AddAnchorsPem(""), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(trust.AddAnchorsPem("not pem at all"), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(trust.AddAnchorsPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(trust.AddAnchorDer(Bytes{0x30, 0x00}), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(trust.AddCrlsPem("nothing"), HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(trust.AddCrlDer(Bytes{0x30, 0x00}), HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(trust.anchor_count(), 0u);
  EXPECT_EQ(trust.crl_count(), 0u);
}

TEST(AttestationTrustTest, ReadsEveryCertificateOfABundle) {
  Result<TestCa> a = TestCa::CreateRoot("a");
  Result<TestCa> b = TestCa::CreateRoot("b");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorsPem(a->certificate_pem() + b->certificate_pem()), IsOk());
  EXPECT_EQ(trust.anchor_count(), 2u);
  Bytes trailing = a->certificate_der();
  trailing.push_back(0);
  EXPECT_THAT(trust.AddAnchorDer(trailing), HasError(ErrorCode::kInvalidArgument));
  // A bundle with one broken block adds nothing.
  EXPECT_THAT(trust.AddAnchorsPem(a->certificate_pem() +
                                  "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(trust.anchor_count(), 2u);
}

// --- RFC 5280 path validation, with and without anchors (issue #16) ---

// Trusts: the test's anchors (the packed root) and no trust at all; every
// path defect below must fail the same way in both.
std::vector<const AttestationTrust*> WithAndWithoutAnchors(const AttestationTrust* anchors) {
  return {anchors, nullptr};
}

TEST_F(PackedAttestationTest, IntermediateWithoutKeyCertSignIsRejected) {
  IntermediateSpec spec;
  spec.key_cert_sign = false;
  Result<TestCa> signer = root_->CreateIntermediate(spec);
  ASSERT_THAT(signer, IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*signer;
  params.chain = {signer->certificate_der()};
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  // The same intermediate with keyCertSign verifies: the defect is the cause.
  Result<TestCa> good = root_->CreateIntermediate(IntermediateSpec{});
  ASSERT_THAT(good, IsOk());
  params.ca = &*good;
  params.chain = {good->certificate_der()};
  EXPECT_TRUE(Register(params, Options(&trust_))->attestation_trusted);
  EXPECT_THAT(Register(params, Options()), IsOk());
}

TEST_F(PackedAttestationTest, PathLenConstraintExceededIsRejected) {
  IntermediateSpec upper_spec;
  upper_spec.path_len = 0;  // may sign end entities only
  Result<TestCa> upper = root_->CreateIntermediate(upper_spec);
  ASSERT_THAT(upper, IsOk());
  IntermediateSpec lower_spec;
  lower_spec.common_name = "passkey test lower intermediate";
  Result<TestCa> lower = upper->CreateIntermediate(lower_spec);
  ASSERT_THAT(lower, IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*lower;
  params.chain = {lower->certificate_der(), upper->certificate_der()};
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  upper_spec.path_len = 1;
  Result<TestCa> roomy = root_->CreateIntermediate(upper_spec);
  ASSERT_THAT(roomy, IsOk());
  Result<TestCa> below = roomy->CreateIntermediate(lower_spec);
  ASSERT_THAT(below, IsOk());
  params.ca = &*below;
  params.chain = {below->certificate_der(), roomy->certificate_der()};
  EXPECT_TRUE(Register(params, Options(&trust_))->attestation_trusted);
  EXPECT_THAT(Register(params, Options()), IsOk());
}

TEST_F(PackedAttestationTest, UnknownCriticalExtensionIsRejected) {
  // 1.3.6.1.4.1.55555.1 (made up), critical, value DER NULL.
  const CertificateExtensionSpec unknown{"1.3.6.1.4.1.55555.1", true, Bytes{0x05, 0x00}};
  PackedAttestationParams params = Packed();
  params.certificate.extensions.push_back(unknown);
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  // On an intermediate as well.
  IntermediateSpec spec;
  spec.extensions = {unknown};
  Result<TestCa> odd = root_->CreateIntermediate(spec);
  ASSERT_THAT(odd, IsOk());
  params = Packed();
  params.ca = &*odd;
  params.chain = {odd->certificate_der(), root_->certificate_der()};
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  // Not critical: ignored.
  params = Packed();
  params.certificate.extensions.push_back({"1.3.6.1.4.1.55555.1", false, Bytes{0x05, 0x00}});
  EXPECT_TRUE(Register(params, Options(&trust_))->attestation_trusted);
}

TEST_F(PackedAttestationTest, ExtraUnrelatedCertificateInX5cIsRejected) {
  PackedAttestationParams params = Packed();
  params.chain = {other_root_->certificate_der()};
  // With the anchor the leaf alone reaches the root; the extra certificate
  // is still not part of any path.
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  params.chain = {root_->certificate_der(), other_root_->certificate_der()};
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
}

TEST_F(PackedAttestationTest, X5cOutOfOrderIsRejected) {
  PackedAttestationParams params = Packed();
  params.ca = &*intermediate_;
  params.chain = {root_->certificate_der(), intermediate_->certificate_der()};
  for (const AttestationTrust* trust : WithAndWithoutAnchors(&trust_)) {
    EXPECT_THAT(Register(params, Options(trust)), HasError(ErrorCode::kCertificateInvalid));
  }
  params.chain = {intermediate_->certificate_der(), root_->certificate_der()};
  EXPECT_TRUE(Register(params, Options(&trust_))->attestation_trusted);
  EXPECT_THAT(Register(params, Options()), IsOk());
}

TEST_F(PackedAttestationTest, IntermediateAnchorWithTheRootSentAlongIsTrusted) {
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(intermediate_->certificate_der()), IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*intermediate_;
  params.chain = {intermediate_->certificate_der(), root_->certificate_der()};
  EXPECT_TRUE(Register(params, Options(&trust))->attestation_trusted);
}

// --- Revocation coverage (revocation_checked, require_revocation_check) ---

TEST_F(PackedAttestationTest, RevocationCheckedOnlyWhenEveryIssuerHasACrl) {
  PackedAttestationParams params = Packed();
  params.ca = &*intermediate_;
  params.chain = {intermediate_->certificate_der()};
  const Result<Bytes> root_crl = root_->IssueCrl({});
  const Result<Bytes> intermediate_crl = intermediate_->IssueCrl({});
  ASSERT_THAT(root_crl, IsOk());
  ASSERT_THAT(intermediate_crl, IsOk());

  AttestationTrust none;
  ASSERT_THAT(none.AddAnchorDer(root_->certificate_der()), IsOk());
  const Result<CredentialRecord> unchecked = Register(params, Options(&none));
  ASSERT_THAT(unchecked, IsOk());
  EXPECT_TRUE(unchecked->attestation_trusted);
  EXPECT_FALSE(unchecked->revocation_checked);

  AttestationTrust half;
  ASSERT_THAT(half.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(half.AddCrlDer(*root_crl), IsOk());
  EXPECT_FALSE(Register(params, Options(&half))->revocation_checked);

  AttestationTrust both;
  ASSERT_THAT(both.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(both.AddCrlDer(*root_crl), IsOk());
  ASSERT_THAT(both.AddCrlDer(*intermediate_crl), IsOk());
  const Result<CredentialRecord> checked = Register(params, Options(&both));
  ASSERT_THAT(checked, IsOk());
  EXPECT_TRUE(checked->revocation_checked);
  // The x5c's top without an anchor has no issuer at hand: not checked.
  AttestationTrust crls_only;
  ASSERT_THAT(crls_only.AddCrlDer(*root_crl), IsOk());
  ASSERT_THAT(crls_only.AddCrlDer(*intermediate_crl), IsOk());
  const Result<CredentialRecord> untrusted = Register(params, Options(&crls_only));
  ASSERT_THAT(untrusted, IsOk());
  EXPECT_FALSE(untrusted->attestation_trusted);
  EXPECT_FALSE(untrusted->revocation_checked);
  // …unless the x5c ends with its self-signed root.
  params.chain = {intermediate_->certificate_der(), root_->certificate_der()};
  EXPECT_TRUE(Register(params, Options(&crls_only))->revocation_checked);
}

TEST_F(PackedAttestationTest, RevokedIntermediateIsRejected) {
  IntermediateSpec spec;
  spec.serial = 99;
  Result<TestCa> revoked = root_->CreateIntermediate(spec);
  ASSERT_THAT(revoked, IsOk());
  const Result<Bytes> crl = root_->IssueCrl({99});
  ASSERT_THAT(crl, IsOk());
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(trust.AddCrlDer(*crl), IsOk());
  PackedAttestationParams params = Packed();
  params.ca = &*revoked;
  params.chain = {revoked->certificate_der()};
  EXPECT_THAT(Register(params, Options(&trust)), HasError(ErrorCode::kCertificateRevoked));
}

TEST_F(PackedAttestationTest, RequireRevocationCheckNeedsACrlForEveryDistributionPoint) {
  PackedAttestationParams params = Packed();
  params.certificate.extensions.push_back(
      CrlDistributionPointsExtension("http://crl.example.org/packed-root.crl"));
  RegistrationOptions options = Options(&trust_);
  options.require_revocation_check = true;
  EXPECT_THAT(Register(params, options), HasError(ErrorCode::kCertificateInvalid));
  options.attestation_trust = nullptr;
  EXPECT_THAT(Register(params, options), HasError(ErrorCode::kCertificateInvalid));
  // Without the requirement the same path is accepted, unchecked.
  const Result<CredentialRecord> lax = Register(params, Options(&trust_));
  ASSERT_THAT(lax, IsOk());
  EXPECT_FALSE(lax->revocation_checked);
  // A covering CRL satisfies it.
  const Result<Bytes> crl = root_->IssueCrl({});
  ASSERT_THAT(crl, IsOk());
  AttestationTrust covered;
  ASSERT_THAT(covered.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(covered.AddCrlDer(*crl), IsOk());
  options.attestation_trust = &covered;
  const Result<CredentialRecord> record = Register(params, options);
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->revocation_checked);
  // A certificate without a distribution point needs no CRL.
  options.attestation_trust = &trust_;
  const Result<CredentialRecord> plain = Register(Packed(), options);
  ASSERT_THAT(plain, IsOk());
  EXPECT_FALSE(plain->revocation_checked);
}

}  // namespace
}  // namespace passkey::testing
