// §8.3 tpm attestation through VerifyRegistration: statements built by
// TpmAttestation (an AIK certified by a TestCa), one defect per negative
// test, plus the tpm registrations of the shared vectors when present.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/testing/tpm_attestation.h>

#include "attestation_test_util.h"
#include "test_util.h"
#include "vector_runner.h"

namespace passkey::testing {
namespace {

using ::passkey::test::ReadFile;
using ::passkey::test::TestdataPath;


Aaguid TestAaguid() {
  Aaguid aaguid;
  for (std::size_t i = 0; i < aaguid.bytes.size(); ++i) {
    aaguid.bytes[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  return aaguid;
}

std::string KeyPem(const std::string& name) {
  const std::optional<std::string> pem = ReadFile(TestdataPath("keys/" + name + ".pem"));
  EXPECT_TRUE(pem.has_value()) << "missing testdata/keys/" << name << ".pem";
  return pem.value_or("");
}

// Shared, expensive state: the CAs and the RSA keys.
struct World {
  TestCa root;
  TestCa other_root;
  AttestationTrust trust;        // anchors: root
  AttestationTrust other_trust;  // anchors: other_root
};

const World& GetWorld() {
  static const World* world = [] {
    Result<TestCa> root = TestCa::CreateRoot("passkey TPM test root");
    Result<TestCa> other = TestCa::CreateRoot("passkey unrelated root");
    if (!root.has_value() || !other.has_value())
      std::abort();
    auto* w = new World{std::move(root).value(), std::move(other).value(), {}, {}};
    if (!w->trust.AddAnchorDer(w->root.certificate_der()).has_value() ||
        !w->other_trust.AddAnchorDer(w->other_root.certificate_der()).has_value()) {
      std::abort();
    }
    return w;
  }();
  return *world;
}

Result<SoftwareAuthenticator> EcCredential(CoseAlgorithm alg = CoseAlgorithm::kEs256,
                                           std::string_view seed = "tpm-test/credential") {
  return SoftwareAuthenticator::Create(alg, seed);
}

Result<SoftwareAuthenticator> RsaCredential(CoseAlgorithm alg = CoseAlgorithm::kRs256,
                                            const std::string& key = "rs256") {
  return SoftwareAuthenticator::CreateFromPem(alg, KeyPem(key), "tpm-test/rsa-credential");
}

// RsaAik: options for an RS256 AIK (from testdata, so no key generation).
TpmAttestationOptions RsaAik(CoseAlgorithm alg = CoseAlgorithm::kRs256) {
  TpmAttestationOptions options;
  options.aik_algorithm = alg;
  options.aik_private_key_pem = KeyPem(alg == CoseAlgorithm::kRs1 ? "rs1" : "rs512");
  return options;
}

RegistrationOptions Options() {
  return test::AttestationOptions(Sha256(AsBytes("tpm-test/challenge")), &GetWorld().trust);
}

Result<CredentialRecord> Register(const SoftwareAuthenticator& credential,
                                  const TpmAttestation& attestation,
                                  const RegistrationOptions& options) {
  RegistrationParams params = test::AttestationParams(options.challenge, "tpm", nullptr);
  params.attest = attestation.Builder();
  params.aaguid = TestAaguid();
  return test::RegisterResponse(credential, params, options);
}

// RegisterWith: an ES256 credential attested with `tpm_options` by the
// test root, verified with `options`.
Result<CredentialRecord> RegisterWith(TpmAttestationOptions tpm_options,
                                      const RegistrationOptions& options = Options()) {
  Result<SoftwareAuthenticator> credential = EcCredential();
  if (!credential.has_value())
    return Unexpected(credential.error());
  Result<TpmAttestation> attestation =
      TpmAttestation::Create(GetWorld().root, std::move(tpm_options));
  if (!attestation.has_value())
    return Unexpected(attestation.error());
  return Register(*credential, *attestation, options);
}

// --- Positives ------------------------------------------------------------

struct PositiveCase {
  std::string name;
  CoseAlgorithm credential_alg;
  bool rsa_credential;
  bool rsa_aik;
};

class TpmPositiveTest : public ::testing::TestWithParam<PositiveCase> {};

TEST_P(TpmPositiveTest, VerifiesAndChainsToTheRoot) {
  const PositiveCase& c = GetParam();
  Result<SoftwareAuthenticator> credential =
      c.rsa_credential
          ? RsaCredential(c.credential_alg,
                          c.credential_alg == CoseAlgorithm::kPs256 ? "ps256" : "rs256")
          : EcCredential(c.credential_alg);
  ASSERT_THAT(credential, IsOk());
  Result<TpmAttestation> attestation =
      TpmAttestation::Create(GetWorld().root, c.rsa_aik ? RsaAik() : TpmAttestationOptions{});
  ASSERT_THAT(attestation, IsOk());
  const Result<CredentialRecord> record = Register(*credential, *attestation, Options());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "tpm");
  EXPECT_EQ(record->attestation_type, "attca");
  EXPECT_TRUE(record->attestation_trusted);
  EXPECT_EQ(record->aaguid, TestAaguid());
}

INSTANTIATE_TEST_SUITE_P(
    Keys, TpmPositiveTest,
    ::testing::Values(PositiveCase{"Es256CredentialEs256Aik", CoseAlgorithm::kEs256, false, false},
                      PositiveCase{"Es384CredentialEs256Aik", CoseAlgorithm::kEs384, false, false},
                      PositiveCase{"Es512CredentialEs256Aik", CoseAlgorithm::kEs512, false, false},
                      PositiveCase{"Rs256CredentialRs256Aik", CoseAlgorithm::kRs256, true, true},
                      PositiveCase{"Ps256CredentialEs256Aik", CoseAlgorithm::kPs256, true, false},
                      PositiveCase{"Es256CredentialRs256Aik", CoseAlgorithm::kEs256, false, true}),
    [](const ::testing::TestParamInfo<PositiveCase>& param_info) { return param_info.param.name; });

TEST(TpmAttestationTest, AcceptsAikAlgorithmsWithOtherHashes) {
  for (CoseAlgorithm alg : {CoseAlgorithm::kEs384, CoseAlgorithm::kEs512}) {
    TpmAttestationOptions options;
    options.aik_algorithm = alg;
    EXPECT_THAT(RegisterWith(options), IsOk()) << CoseAlgorithmName(alg);
  }
  for (CoseAlgorithm alg : {CoseAlgorithm::kRs384, CoseAlgorithm::kPs256}) {
    EXPECT_THAT(RegisterWith(RsaAik(alg)), IsOk()) << CoseAlgorithmName(alg);
  }
}

TEST(TpmAttestationTest, AcceptsNameAlgorithms) {
  for (std::uint16_t name_alg : {kTpmAlgSha256, kTpmAlgSha384, kTpmAlgSha512}) {
    TpmAttestationOptions options;
    options.name_alg = name_alg;
    EXPECT_THAT(RegisterWith(options), IsOk()) << name_alg;
  }
}

TEST(TpmAttestationTest, AcceptsSigningSchemeAndExplicitExponent) {
  Result<SoftwareAuthenticator> rsa = RsaCredential();
  ASSERT_THAT(rsa, IsOk());
  TpmAttestationOptions options;
  options.signing_scheme = true;
  options.rsa_exponent_explicit = true;
  Result<TpmAttestation> attestation = TpmAttestation::Create(GetWorld().root, options);
  ASSERT_THAT(attestation, IsOk());
  EXPECT_THAT(Register(*rsa, *attestation, Options()), IsOk());
  EXPECT_THAT(RegisterWith(options), IsOk());  // ECDSA scheme, EC credential
}

TEST(TpmAttestationTest, AcceptsMultiValuedRdnInSubjectAltName) {
  TpmAttestationOptions options;
  options.aik_certificate = TpmAikCertificateSpec(TpmSanLayout::kMultiValuedRdn);
  EXPECT_THAT(RegisterWith(options), IsOk());
}

TEST(TpmAttestationTest, AcceptsMatchingAaguidExtension) {
  TpmAttestationOptions options;
  options.aik_certificate = TpmAikCertificateSpec(TpmSanLayout::kSeparateRdns, TestAaguid());
  EXPECT_THAT(RegisterWith(options), IsOk());
}

TEST(TpmAttestationTest, ChainsThroughAnIntermediate) {
  Result<TestCa> intermediate = GetWorld().root.CreateIntermediate("passkey TPM intermediate");
  ASSERT_THAT(intermediate, IsOk());
  Result<SoftwareAuthenticator> credential = EcCredential();
  ASSERT_THAT(credential, IsOk());
  TpmAttestationOptions options;
  options.extra_certificates = {intermediate->certificate_der()};
  Result<TpmAttestation> attestation = TpmAttestation::Create(*intermediate, options);
  ASSERT_THAT(attestation, IsOk());
  const Result<CredentialRecord> record = Register(*credential, *attestation, Options());
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST(TpmAttestationTest, UntrustedWithoutAnchors) {
  RegistrationOptions options = Options();
  options.attestation_trust = nullptr;
  const Result<CredentialRecord> record = RegisterWith({}, options);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "attca");
  EXPECT_FALSE(record->attestation_trusted);
}

TEST(TpmAttestationTest, UntrustedUnderAnotherRoot) {
  RegistrationOptions options = Options();
  options.attestation_trust = &GetWorld().other_trust;
  const Result<CredentialRecord> record = RegisterWith({}, options);
  ASSERT_THAT(record, IsOk());
  EXPECT_FALSE(record->attestation_trusted);
}

TEST(TpmAttestationTest, RejectsUntrustedWhenTrustIsRequired) {
  RegistrationOptions options = Options();
  options.attestation_trust = &GetWorld().other_trust;
  options.require_trusted_attestation = true;
  EXPECT_THAT(RegisterWith({}, options), HasError(ErrorCode::kAttestationUntrusted));
  options.attestation_trust = nullptr;
  EXPECT_THAT(RegisterWith({}, options), HasError(ErrorCode::kAttestationUntrusted));
  options.attestation_trust = &GetWorld().trust;
  EXPECT_THAT(RegisterWith({}, options), IsOk());
}

TEST(TpmAttestationTest, RejectsMissingVerificationTime) {
  RegistrationOptions options = Options();
  options.now.reset();
  EXPECT_THAT(RegisterWith({}, options), HasError(ErrorCode::kInvalidArgument));
}

// --- SHA-1 ----------------------------------------------------------------

TEST(TpmAttestationTest, Rs1NeedsSha1OptIn) {
  EXPECT_THAT(RegisterWith(RsaAik(CoseAlgorithm::kRs1)), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options();
  options.allow_sha1_attestation = true;
  EXPECT_THAT(RegisterWith(RsaAik(CoseAlgorithm::kRs1), options), IsOk());
}

TEST(TpmAttestationTest, Sha1NameAlgNeedsSha1OptIn) {
  TpmAttestationOptions tpm;
  tpm.name_alg = kTpmAlgSha1;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options();
  options.allow_sha1_attestation = true;
  EXPECT_THAT(RegisterWith(tpm, options), IsOk());
}

TEST(TpmAttestationTest, Sha1CertificateSignatureNeedsSha1OptIn) {
  TpmAttestationOptions tpm;
  tpm.aik_certificate.signature_hash = "sha1";
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAlgorithmNotAllowed));
  RegistrationOptions options = Options();
  options.allow_sha1_attestation = true;
  EXPECT_THAT(RegisterWith(tpm, options), IsOk());
}

// --- Statement syntax -------------------------------------------------------

TEST(TpmAttestationTest, RejectsEachMissingMember) {
  for (const char* member : {"ver", "alg", "x5c", "sig", "certInfo", "pubArea"}) {
    TpmAttestationOptions tpm;
    tpm.omit_members = {member};
    EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid)) << member;
  }
}

TEST(TpmAttestationTest, RejectsUnknownMember) {
  TpmAttestationOptions tpm;
  tpm.unknown_member = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsOtherVersion) {
  TpmAttestationOptions tpm;
  tpm.ver = "1.2";
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsUnknownAlgorithm) {
  TpmAttestationOptions tpm;
  tpm.alg = 12345;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST(TpmAttestationTest, RejectsAlgorithmThatDoesNotSuitTheAik) {
  TpmAttestationOptions tpm;  // ES256 AIK; RS256 has the same hash
  tpm.alg = static_cast<std::int64_t>(CoseAlgorithm::kRs256);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

// Issue #16: the alg must fit the AIK's curve, not only its key type.
TEST(TpmAttestationTest, RejectsEcAlgorithmOfAnotherCurveThanTheAik) {
  TpmAttestationOptions p256_as_es384;  // P-256 AIK, alg ES384
  p256_as_es384.alg = static_cast<std::int64_t>(CoseAlgorithm::kEs384);
  EXPECT_THAT(RegisterWith(p256_as_es384), HasError(ErrorCode::kAttestationInvalid));
  TpmAttestationOptions p384_as_es256;  // P-384 AIK, alg ES256
  p384_as_es256.aik_algorithm = CoseAlgorithm::kEs384;
  p384_as_es256.alg = static_cast<std::int64_t>(CoseAlgorithm::kEs256);
  EXPECT_THAT(RegisterWith(p384_as_es256), HasError(ErrorCode::kAttestationInvalid));
  TpmAttestationOptions p521_as_es384;  // P-521 AIK, alg ES384
  p521_as_es384.aik_algorithm = CoseAlgorithm::kEs512;
  p521_as_es384.alg = static_cast<std::int64_t>(CoseAlgorithm::kEs384);
  EXPECT_THAT(RegisterWith(p521_as_es384), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsAlgorithmWithAnotherHash) {
  // RSA AIK: extraData made with SHA-512 (the AIK's RS512), alg RS256 says
  // SHA-256; RS256 fits the RSA key, so the extraData check catches it.
  TpmAttestationOptions tpm = RsaAik(CoseAlgorithm::kRs512);
  tpm.alg = static_cast<std::int64_t>(CoseAlgorithm::kRs256);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationNonceMismatch));
}

// --- pubArea ----------------------------------------------------------------

TEST(TpmAttestationTest, RejectsPubAreaOfAnotherEcKey) {
  Result<SoftwareAuthenticator> other = EcCredential(CoseAlgorithm::kEs256, "tpm-test/other");
  ASSERT_THAT(other, IsOk());
  TpmAttestationOptions tpm;
  tpm.pub_area_cose_key = other->CosePublicKey();
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST(TpmAttestationTest, RejectsPubAreaOnAnotherCurve) {
  Result<SoftwareAuthenticator> other = EcCredential(CoseAlgorithm::kEs384, "tpm-test/other");
  ASSERT_THAT(other, IsOk());
  TpmAttestationOptions tpm;
  tpm.pub_area_cose_key = other->CosePublicKey();
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST(TpmAttestationTest, RejectsPubAreaOfAnotherRsaKey) {
  Result<SoftwareAuthenticator> credential = RsaCredential();
  Result<SoftwareAuthenticator> other = RsaCredential(CoseAlgorithm::kRs256, "rs384");
  ASSERT_THAT(credential, IsOk());
  ASSERT_THAT(other, IsOk());
  TpmAttestationOptions tpm;
  tpm.pub_area_cose_key = other->CosePublicKey();
  Result<TpmAttestation> attestation = TpmAttestation::Create(GetWorld().root, tpm);
  ASSERT_THAT(attestation, IsOk());
  EXPECT_THAT(Register(*credential, *attestation, Options()),
              HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST(TpmAttestationTest, RejectsPubAreaOfAnotherKeyType) {
  Result<SoftwareAuthenticator> rsa = RsaCredential();
  ASSERT_THAT(rsa, IsOk());
  TpmAttestationOptions tpm;  // EC credential, RSA pubArea
  tpm.pub_area_cose_key = rsa->CosePublicKey();
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationKeyMismatch));
}

TEST(TpmAttestationTest, RejectsTrailingBytesInPubArea) {
  TpmAttestationOptions tpm;
  tpm.trailing_byte_in_pub_area = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

// SetU16: writes a big-endian u16 at `offset` of a TPM structure.
ByteEditor SetU16(std::size_t offset, std::uint16_t value) {
  return [offset, value](Bytes& bytes) {
    bytes.at(offset) = static_cast<std::uint8_t>(value >> 8);
    bytes.at(offset + 1) = static_cast<std::uint8_t>(value & 0xff);
  };
}

// Offsets in the builder's pubArea with a SHA-256 nameAlg: type 0, nameAlg
// 2, objectAttributes 4, authPolicy 8 (2 + 32 bytes), symmetric 42,
// scheme 44, then RSA keyBits 46 / exponent 48, or ECC curveID 46 / kdf 48.
constexpr std::size_t kPubAreaNameAlg = 2;
constexpr std::size_t kPubAreaSymmetric = 42;
constexpr std::size_t kPubAreaScheme = 44;
constexpr std::size_t kPubAreaRsaKeyBits = 46;
constexpr std::size_t kPubAreaRsaExponent = 48;
constexpr std::size_t kPubAreaEccKdf = 48;

Result<CredentialRecord> RegisterRsaCredentialWith(TpmAttestationOptions tpm) {
  Result<SoftwareAuthenticator> credential = RsaCredential();
  if (!credential.has_value())
    return Unexpected(credential.error());
  Result<TpmAttestation> attestation = TpmAttestation::Create(GetWorld().root, std::move(tpm));
  if (!attestation.has_value())
    return Unexpected(attestation.error());
  return Register(*credential, *attestation, Options());
}

TEST(TpmAttestationTest, RejectsUnknownPubAreaType) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(0, 0x0025);  // TPM_ALG_SYMCIPHER
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsUnknownNameAlg) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaNameAlg, 0x0099);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsUnsupportedNameAlg) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaNameAlg, 0x0012);  // TPM_ALG_SM3_256
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST(TpmAttestationTest, RejectsUnknownSymmetricAlgorithm) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaSymmetric, 0x0099);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, AcceptsBlockCipherSymmetricDefinition) {
  TpmAttestationOptions tpm;  // symmetric = AES-128-CFB: keyBits and mode follow
  tpm.edit_pub_area = [](Bytes& bytes) {
    SetU16(kPubAreaSymmetric, 0x0006)(bytes);
    const Bytes details = {0x00, 0x80, 0x00, 0x43};
    bytes.insert(bytes.begin() + kPubAreaSymmetric + 2, details.begin(), details.end());
  };
  EXPECT_THAT(RegisterWith(tpm), IsOk());
}

TEST(TpmAttestationTest, RejectsUnknownScheme) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaScheme, 0x0099);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterRsaCredentialWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsUnknownKdf) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaEccKdf, 0x0099);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsTruncatedPubArea) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = [](Bytes& bytes) { bytes.pop_back(); };
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterRsaCredentialWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsRsaKeyBitsThatDisagreeWithTheModulus) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaRsaKeyBits, 2047);
  EXPECT_THAT(RegisterRsaCredentialWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsOtherRsaExponent) {
  TpmAttestationOptions tpm;
  tpm.edit_pub_area = SetU16(kPubAreaRsaExponent + 2, 3);  // exponent 3
  EXPECT_THAT(RegisterRsaCredentialWith(tpm), HasError(ErrorCode::kAttestationKeyMismatch));
}

// --- certInfo ---------------------------------------------------------------

TEST(TpmAttestationTest, RejectsWrongMagic) {
  TpmAttestationOptions tpm;
  tpm.magic = 0xff544348;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsWrongType) {
  TpmAttestationOptions tpm;
  tpm.attest_type = 0x8018;  // TPM_ST_ATTEST_QUOTE
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsWrongExtraData) {
  TpmAttestationOptions tpm;
  tpm.wrong_extra_data = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST(TpmAttestationTest, RejectsWrongName) {
  TpmAttestationOptions tpm;
  tpm.wrong_name = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsTrailingBytesInCertInfo) {
  TpmAttestationOptions tpm;
  tpm.trailing_byte_in_cert_info = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsTruncatedCertInfo) {
  TpmAttestationOptions tpm;
  tpm.edit_cert_info = [](Bytes& bytes) { bytes.pop_back(); };
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsOversizedCertInfoField) {
  TpmAttestationOptions tpm;
  tpm.edit_cert_info = SetU16(6, 0xffff);  // qualifiedSigner.size
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationInvalid));
}

TEST(TpmAttestationTest, RejectsTamperedSignature) {
  TpmAttestationOptions tpm;
  tpm.tamper_signature = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationSignatureInvalid));
  TpmAttestationOptions rsa = RsaAik();
  rsa.tamper_signature = true;
  EXPECT_THAT(RegisterWith(rsa), HasError(ErrorCode::kAttestationSignatureInvalid));
}

// --- AIK certificate (§8.3.1) ------------------------------------------------

void DropExtension(CertificateSpec* spec, std::string_view oid) {
  std::erase_if(spec->extensions,
                [oid](const CertificateExtensionSpec& e) { return e.oid == oid; });
}

TEST(TpmAttestationTest, RejectsNonEmptySubject) {
  TpmAttestationOptions tpm;
  tpm.aik_certificate.subject = {{"CN", "not empty"}};
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsMissingExtendedKeyUsage) {
  TpmAttestationOptions tpm;
  DropExtension(&tpm.aik_certificate, kTpmOidExtendedKeyUsage);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsExtendedKeyUsageWithoutAikPurpose) {
  TpmAttestationOptions tpm;
  DropExtension(&tpm.aik_certificate, kTpmOidExtendedKeyUsage);
  // SEQUENCE { id-kp-clientAuth 1.3.6.1.5.5.7.3.2 }
  tpm.aik_certificate.extensions.push_back(
      {kTpmOidExtendedKeyUsage, false,
       Bytes{0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02}});
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsMissingSubjectAltName) {
  TpmAttestationOptions tpm;
  DropExtension(&tpm.aik_certificate, kTpmOidSubjectAltName);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsSubjectAltNameWithoutTpmAttributes) {
  TpmAttestationOptions tpm;
  DropExtension(&tpm.aik_certificate, kTpmOidSubjectAltName);
  // GeneralNames { dNSName "example.org" }
  Bytes san = {0x30, 0x0d, 0x82, 0x0b};
  for (char c : std::string_view("example.org"))
    san.push_back(static_cast<std::uint8_t>(c));
  tpm.aik_certificate.extensions.push_back({kTpmOidSubjectAltName, true, san});
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsCaCertificate) {
  TpmAttestationOptions tpm;
  tpm.aik_certificate.basic_constraints = true;
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsMissingBasicConstraints) {
  TpmAttestationOptions tpm;
  tpm.aik_certificate.basic_constraints.reset();
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateInvalid));
}

TEST(TpmAttestationTest, RejectsAaguidExtensionMismatch) {
  Aaguid other = TestAaguid();
  other.bytes[0] ^= 0xff;
  TpmAttestationOptions tpm;
  tpm.aik_certificate = TpmAikCertificateSpec(TpmSanLayout::kSeparateRdns, other);
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kAttestationAaguidMismatch));
}

TEST(TpmAttestationTest, RejectsExpiredAikCertificate) {
  TpmAttestationOptions tpm;
  tpm.aik_certificate.not_before = 1577836800;  // 2020-01-01
  tpm.aik_certificate.not_after = 1609459200;   // 2021-01-01
  EXPECT_THAT(RegisterWith(tpm), HasError(ErrorCode::kCertificateExpired));
}

TEST(TpmAttestationTest, RejectsBrokenChain) {
  // The AIK certificate is issued by other_root but x5c claims the path
  // goes through the test root's intermediate.
  Result<TestCa> intermediate = GetWorld().root.CreateIntermediate("passkey TPM intermediate");
  ASSERT_THAT(intermediate, IsOk());
  Result<SoftwareAuthenticator> credential = EcCredential();
  ASSERT_THAT(credential, IsOk());
  TpmAttestationOptions tpm;
  tpm.extra_certificates = {intermediate->certificate_der()};
  Result<TpmAttestation> attestation = TpmAttestation::Create(GetWorld().other_root, tpm);
  ASSERT_THAT(attestation, IsOk());
  EXPECT_THAT(Register(*credential, *attestation, Options()),
              HasError(ErrorCode::kCertificateInvalid));
}

// --- Shared vectors ---------------------------------------------------------

// Each tpm registration of ../shared/vectors: positives verify (SHA-1 ones
// only with allow_sha1_attestation, and fail with algorithm_not_allowed
// without), negatives fail as they expect.
TEST(TpmAttestationTest, SharedVectors) {
  const std::optional<std::string> dir = passkey::test::SharedVectorsDir();
  if (!dir.has_value())
    GTEST_SKIP() << "shared vectors not present";
  int seen = 0;
  for (const char* file : {"simplewebauthn.json", "py_webauthn.json", "w3c-webauthn-l3.json"}) {
    const std::string path = *dir + "/" + file;
    if (!std::filesystem::exists(path))
      continue;
    for (nlohmann::json vector : passkey::test::LoadVectors(path)) {
      const std::string id = vector.value("id", "");
      if (id.find("tpm") == std::string::npos || vector.value("ceremony", "") != "registration") {
        continue;
      }
      ++seen;
      const bool ok = vector["expect"].value("ok", false);
      if (!ok) {
        if (id.find("aaguid-ext-mismatch") != std::string::npos) {
          vector["expect"]["code"] = "attestation_aaguid_mismatch";
        }
        const passkey::test::VectorOutcome outcome = passkey::test::RunVector(vector);
        EXPECT_EQ(outcome.kind, passkey::test::VectorOutcome::Kind::kPass)
            << id << ": " << outcome.detail;
        continue;
      }
      nlohmann::json with_sha1 = vector;
      with_sha1["attestationPolicy"]["allowSha1Attestation"] = true;
      passkey::test::VectorOutcome outcome = passkey::test::RunVector(with_sha1);
      EXPECT_EQ(outcome.kind, passkey::test::VectorOutcome::Kind::kPass)
          << id << " (SHA-1 allowed): " << outcome.detail;
      nlohmann::json without_sha1 = vector;
      without_sha1["attestationPolicy"]["allowSha1Attestation"] = false;
      outcome = passkey::test::RunVector(without_sha1);
      if (outcome.kind != passkey::test::VectorOutcome::Kind::kPass) {
        // Needs SHA-1: must then fail with exactly algorithm_not_allowed.
        without_sha1["expect"] = {{"ok", false}, {"code", "algorithm_not_allowed"}};
        outcome = passkey::test::RunVector(without_sha1);
        EXPECT_EQ(outcome.kind, passkey::test::VectorOutcome::Kind::kPass)
            << id << " (SHA-1 refused): " << outcome.detail;
      }
    }
  }
  EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace passkey::testing
