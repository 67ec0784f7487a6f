// android-safetynet attestation (WebAuthn L3 §8.5) end to end through
// VerifyRegistration: the JWS response (RS256 and ES256), the certificate
// issued to attest.android.com, nonce, ctsProfileMatch/basicIntegrity,
// timestampMs window, trust path; one defect per negative case.
#include <passkey/testing/android_safetynet_attestation.h>

#include <cstdint>
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
constexpr std::int64_t kNowMs = kNow * 1000;

class SafetyNetAttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> credential =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "safetynet-test/credential");
    ASSERT_THAT(credential, IsOk());
    credential_.emplace(std::move(*credential));
    Result<TestCa> root = TestCa::CreateRoot("passkey test SafetyNet root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    Result<TestCa> other = TestCa::CreateRoot("passkey test other root");
    ASSERT_THAT(other, IsOk());
    other_root_.emplace(std::move(*other));
    ASSERT_THAT(trust_.AddAnchorDer(root_->certificate_der()), IsOk());
    ASSERT_THAT(other_trust_.AddAnchorDer(other_root_->certificate_der()), IsOk());
    const std::optional<std::string> pem = test::ReadFile(test::TestdataPath("keys/rs256.pem"));
    ASSERT_TRUE(pem.has_value());
    rsa_pem_ = *pem;
  }

  // SafetyNet: an RS256 JWS (as Google signs) made 5 s before kNow.
  SafetyNetAttestationOptions SafetyNet() const {
    SafetyNetAttestationOptions options;
    options.key_algorithm = CoseAlgorithm::kRs256;
    options.key_pem = rsa_pem_;
    options.timestamp_ms = kNowMs - 5000;
    return options;
  }

  SafetyNetAttestationOptions SafetyNetEs256() const {
    SafetyNetAttestationOptions options = SafetyNet();
    options.key_algorithm = CoseAlgorithm::kEs256;
    options.key_pem.clear();
    return options;
  }

  RegistrationOptions Options(const AttestationTrust* trust = nullptr) const {
    return test::AttestationOptions(challenge_, trust);
  }

  RegistrationParams Params(AttestationBuilder attest) const {
    RegistrationParams reg =
        test::AttestationParams(challenge_, "android-safetynet", std::move(attest));
    reg.aaguid = *Aaguid::Parse("b93fd961-f2e6-462f-b122-82002247de78");
    return reg;
  }

  Result<CredentialRecord> RegisterWith(const RegistrationParams& reg,
                                        const RegistrationOptions& options) const {
    return test::RegisterResponse(*credential_, reg, options);
  }

  Result<CredentialRecord> Register(SafetyNetAttestationOptions safetynet,
                                    const RegistrationOptions& options,
                                    const TestCa* issuer = nullptr) const {
    Result<SafetyNetAttestation> attestation =
        SafetyNetAttestation::Create(issuer != nullptr ? *issuer : *root_, std::move(safetynet));
    if (!attestation.has_value()) return Unexpected(attestation.error());
    return RegisterWith(Params(attestation->Builder()), options);
  }

  // RegisterStatement registers with `att_stmt` written verbatim.
  Result<CredentialRecord> RegisterStatement(Bytes att_stmt,
                                             const RegistrationOptions& options) const {
    RegistrationParams reg = Params(nullptr);
    reg.attestation_statement = std::move(att_stmt);
    return RegisterWith(reg, options);
  }

  // RegisterResponse registers with the JWS `response` text.
  Result<CredentialRecord> RegisterResponse(const std::string& response) const {
    SafetyNetAttestationOptions safetynet = SafetyNetEs256();
    safetynet.response = response;
    return Register(safetynet, Options(&trust_));
  }

  Bytes challenge_ = Bytes(32, 0x53);
  std::optional<SoftwareAuthenticator> credential_;
  std::optional<TestCa> root_;
  std::optional<TestCa> other_root_;
  AttestationTrust trust_;
  AttestationTrust other_trust_;
  std::string rsa_pem_;
};

// --- Positives -------------------------------------------------------------

TEST_F(SafetyNetAttestationTest, Rs256ChainedToAnchorIsTrustedBasic) {
  RegistrationOptions options = Options(&trust_);
  options.require_trusted_attestation = true;
  const Result<CredentialRecord> record = Register(SafetyNet(), options);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_format, "android-safetynet");
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(SafetyNetAttestationTest, EcdsaJwsAlgorithmsVerify) {
  for (const CoseAlgorithm alg :
       {CoseAlgorithm::kEs256, CoseAlgorithm::kEs384, CoseAlgorithm::kEs512}) {
    SafetyNetAttestationOptions safetynet = SafetyNetEs256();
    safetynet.key_algorithm = alg;
    const Result<CredentialRecord> record = Register(safetynet, Options(&trust_));
    ASSERT_THAT(record, IsOk()) << static_cast<int>(alg);
    EXPECT_TRUE(record->attestation_trusted);
  }
}

TEST_F(SafetyNetAttestationTest, IntermediateInX5cChainsToRoot) {
  Result<TestCa> intermediate = root_->CreateIntermediate("passkey test SafetyNet CA 1");
  ASSERT_THAT(intermediate, IsOk());
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.extra_certificates = {intermediate->certificate_der()};
  const Result<CredentialRecord> record =
      Register(safetynet, Options(&trust_), &*intermediate);
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(SafetyNetAttestationTest, WithoutAnchorsIsVerifiedButUntrusted) {
  const Result<CredentialRecord> record = Register(SafetyNet(), Options());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->attestation_type, "basic");
  EXPECT_FALSE(record->attestation_trusted);
  RegistrationOptions options = Options();
  options.require_trusted_attestation = true;
  EXPECT_THAT(Register(SafetyNet(), options), HasError(ErrorCode::kAttestationUntrusted));
}

TEST_F(SafetyNetAttestationTest, ChainToAnotherRootIsUntrusted) {
  const Result<CredentialRecord> record = Register(SafetyNet(), Options(&other_trust_));
  ASSERT_THAT(record, IsOk());
  EXPECT_FALSE(record->attestation_trusted);
}

// --- Payload checks --------------------------------------------------------

TEST_F(SafetyNetAttestationTest, WrongNonceFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.wrong_nonce = true;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kAttestationNonceMismatch));
}

TEST_F(SafetyNetAttestationTest, CtsProfileMismatchFailsUnlessAllowed) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.cts_profile_match = false;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetCtsProfileMismatch));
  RegistrationOptions options = Options(&trust_);
  options.allow_safetynet_without_cts_profile_match = true;
  const Result<CredentialRecord> record = Register(safetynet, options);
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
}

TEST_F(SafetyNetAttestationTest, BasicIntegrityIsAlwaysRequired) {
  RegistrationOptions options = Options(&trust_);
  options.allow_safetynet_without_cts_profile_match = true;
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.cts_profile_match = false;
  safetynet.basic_integrity = false;
  EXPECT_THAT(Register(safetynet, options), HasError(ErrorCode::kSafetyNetCtsProfileMismatch));
  safetynet.basic_integrity.reset();  // absent: no verdict at all
  EXPECT_THAT(Register(safetynet, options), HasError(ErrorCode::kSafetyNetCtsProfileMismatch));
  // ctsProfileMatch true with basicIntegrity false contradicts itself.
  safetynet = SafetyNet();
  safetynet.basic_integrity = false;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetCtsProfileMismatch));
}

TEST_F(SafetyNetAttestationTest, TimestampWindowIsEnforced) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.timestamp_ms = kNowMs - 60000;  // the edge of the default 60 s window
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
  safetynet.timestamp_ms = kNowMs + 60000;
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
  safetynet.timestamp_ms = kNowMs - 60001;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetTimestampInvalid));
  safetynet.timestamp_ms = kNowMs + 60001;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetTimestampInvalid));
}

TEST_F(SafetyNetAttestationTest, StaleTimestampPassesOnlyWithWiderWindowOrDangerSkip) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.timestamp_ms = kNowMs - 3600 * 1000;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetTimestampInvalid));
  RegistrationOptions wide = Options(&trust_);
  wide.safetynet_timestamp_window_seconds = 3600;
  EXPECT_THAT(Register(safetynet, wide), IsOk());
  RegistrationOptions skip = Options(&trust_);
  skip.danger_skip_safetynet_timestamp_check = true;
  EXPECT_THAT(Register(safetynet, skip), IsOk());
}

TEST_F(SafetyNetAttestationTest, NegativeWindowIsInvalidArgument) {
  RegistrationOptions options = Options(&trust_);
  options.safetynet_timestamp_window_seconds = -1;
  EXPECT_THAT(Register(SafetyNet(), options), HasError(ErrorCode::kInvalidArgument));
}

TEST_F(SafetyNetAttestationTest, MissingNowIsInvalidArgument) {
  RegistrationOptions options = Options(&trust_);
  options.now.reset();
  EXPECT_THAT(Register(SafetyNet(), options), HasError(ErrorCode::kInvalidArgument));
}

// --- Certificate and signature ---------------------------------------------

TEST_F(SafetyNetAttestationTest, LeafForAnotherHostnameFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.leaf = SafetyNetLeafSpec("attest.example.com");
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(SafetyNetAttestationTest, WildcardLeafFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.leaf = SafetyNetLeafSpec("*.android.com");
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
}

TEST_F(SafetyNetAttestationTest, LeafNamedOnlyInCommonNameVerifies) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.leaf.extensions.clear();  // no subjectAltName: the CN is used
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
}

TEST_F(SafetyNetAttestationTest, TamperedSignatureFails) {
  for (SafetyNetAttestationOptions safetynet : {SafetyNet(), SafetyNetEs256()}) {
    safetynet.tamper_signature = true;
    EXPECT_THAT(Register(safetynet, Options(&trust_)),
                HasError(ErrorCode::kAttestationSignatureInvalid));
  }
}

TEST_F(SafetyNetAttestationTest, ExpiredLeafFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.leaf.not_after = kNow - 86400;
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kCertificateExpired));
}

TEST_F(SafetyNetAttestationTest, Sha1SignedLeafNeedsOptIn) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.leaf.signature_hash = "sha1";
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAlgorithmNotAllowed));
}

TEST_F(SafetyNetAttestationTest, BadBase64InX5cFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.bad_x5c_base64 = true;
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, JwsAlgNoneFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.jws_alg = "none";
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  safetynet.jws_alg = "HS256";
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, UnknownJwsAlgIsUnsupported) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.jws_alg = "XS999";
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST_F(SafetyNetAttestationTest, JwsAlgNotSuitingTheLeafKeyFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();  // RSA key
  safetynet.jws_alg = "ES256";
  const Result<CredentialRecord> record = Register(safetynet, Options(&trust_));
  EXPECT_THAT(record, HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(SafetyNetAttestationTest, EcdsaSignatureOfWrongLengthFails) {
  // An ES256 key's r ‖ s (64 bytes) announced as ES384 (96 expected).
  SafetyNetAttestationOptions safetynet = SafetyNetEs256();
  safetynet.jws_alg = "ES384";
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_F(SafetyNetAttestationTest, CritHeaderFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.header_members = {{"crit", R"(["exp"])"}, {"exp", "1"}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, UnknownHeaderMembersAreIgnored) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.header_members = {{"typ", R"("JWT")"}, {"kid", R"("key-1")"}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
}

TEST_F(SafetyNetAttestationTest, HeaderX5cDefectsFail) {
  for (const char* x5c : {R"([])", R"("AAAA")", R"([1])"}) {
    SafetyNetAttestationOptions safetynet = SafetyNet();
    safetynet.header_members = {{"x5c", x5c}};
    EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << x5c;
  }
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.header_members = {{"x5c", std::nullopt}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  safetynet.header_members = {{"alg", std::nullopt}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

// RFC 7515 §4.1.6: x5c entries are standard, padded base64. The decoder
// takes exactly one encoding per byte string.
TEST_F(SafetyNetAttestationTest, X5cBase64IsStrict) {
  // Well-formed base64 of bytes that are not a certificate.
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.header_members = {{"x5c", R"(["MAA="])"}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
  // "MA==" is the one encoding of the byte 0x30: not a certificate either.
  safetynet.header_members = {{"x5c", R"(["MA=="])"}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kCertificateInvalid));
  for (const char* x5c : {
           R"(["MAB="])",   // non-zero unused bits
           R"(["MB=="])",   // non-zero unused bits
           R"(["MA"])",     // padding missing
           R"(["MAA"])",    // padding missing
           R"(["MA==="])",  // too much padding
           R"(["M-A="])",   // base64url alphabet
           R"(["MA A="])",  // whitespace
           R"(["MA=A"])",   // '=' inside
           R"([""])",       // empty
       }) {
    safetynet.header_members = {{"x5c", x5c}};
    EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << x5c;
  }
}

TEST_F(SafetyNetAttestationTest, PayloadMemberTypesAreChecked) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> defects = {
      {"nonce", std::nullopt},
      {"nonce", "42"},
      {"ctsProfileMatch", R"("true")"},
      {"basicIntegrity", "1"},
      {"timestampMs", std::nullopt},
      {"timestampMs", "1767225595000.5"},
      {"timestampMs", R"("1767225595000")"},
      {"timestampMs", "-1"},
      {"timestampMs", "18446744073709551615"},
      {"timestampMs", "9223372036854775808"},
      {"timestampMs", "-9223372036854775809"},
      {"timestampMs", "1.767225595e12"},  // the right time, but not an integer
      {"timestampMs", "1767225595000.0"},
  };
  for (const auto& defect : defects) {
    SafetyNetAttestationOptions safetynet = SafetyNet();
    safetynet.payload_members = {defect};
    EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << defect.first << " = " << defect.second.value_or("(absent)");
  }
}

TEST_F(SafetyNetAttestationTest, JwsJsonDepthIsBounded) {
  // The payload and header objects plus 7 (payload) / 3 (header) arrays in an
  // unknown member reach the caps (8 / 4); one more, 65 or 1000 levels are
  // refused. (The test builder re-serializes members with nlohmann, which
  // recurses per level, so the megabyte-deep case is in mds_test, through
  // the same JWS code.)
  const auto arrays = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.payload_members = {{"x", arrays(7)}};
  safetynet.header_members = {{"x", arrays(3)}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
  for (std::size_t depth : {8u, 64u, 1000u}) {
    SafetyNetAttestationOptions deep_payload = SafetyNet();
    deep_payload.payload_members = {{"x", arrays(depth)}};
    EXPECT_THAT(Register(deep_payload, Options(&trust_)),
                HasError(ErrorCode::kAttestationInvalid))
        << depth;
  }
  for (std::size_t depth : {4u, 64u, 1000u}) {
    SafetyNetAttestationOptions deep_header = SafetyNet();
    deep_header.header_members = {{"x", arrays(depth)}};
    EXPECT_THAT(Register(deep_header, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid))
        << depth;
  }
}

TEST_F(SafetyNetAttestationTest, MissingCtsProfileMatchIsAMismatch) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.payload_members = {{"ctsProfileMatch", std::nullopt}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kSafetyNetCtsProfileMismatch));
}

TEST_F(SafetyNetAttestationTest, NonceMustBePaddedStandardBase64) {
  // The right digest as unpadded base64url is not "the Base64 encoding".
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.nonce_base64url = true;
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kAttestationNonceMismatch));
  safetynet.nonce_base64url = false;
  safetynet.payload_members = {{"nonce", R"("")"}};
  EXPECT_THAT(Register(safetynet, Options(&trust_)),
              HasError(ErrorCode::kAttestationNonceMismatch));
}

// --- Syntax ----------------------------------------------------------------

TEST_F(SafetyNetAttestationTest, MissingVerFails) {
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.ver.reset();
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  safetynet.ver = "";
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, ResponseThatIsNotAJwsFails) {
  EXPECT_THAT(RegisterResponse("not a jws"), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterResponse("e30.e30"), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterResponse("e30.e30.AA.AA"), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterResponse("e30..AA"), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterResponse("e30.e30."), HasError(ErrorCode::kAttestationInvalid));
  // "{}" header: no alg.
  EXPECT_THAT(RegisterResponse("e30.e30.AA"), HasError(ErrorCode::kAttestationInvalid));
  // Padded base64url segment.
  EXPECT_THAT(RegisterResponse("e30=.e30.AA"), HasError(ErrorCode::kAttestationInvalid));
  // "[]" header: not an object.
  EXPECT_THAT(RegisterResponse("W10.e30.AA"), HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, UnknownMemberFails) {
  CborWriter stmt;
  stmt.MapHeader(3).TextString("ver").TextString("1").TextString("x5c").ArrayHeader(0);
  stmt.TextString("response").ByteString(AsBytes("e30.e30.AA"));
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, ResponseAsTextFails) {
  CborWriter stmt;
  stmt.MapHeader(2).TextString("ver").TextString("1");
  stmt.TextString("response").TextString("e30.e30.AA");
  EXPECT_THAT(RegisterStatement(stmt.Take(), Options(&trust_)),
              HasError(ErrorCode::kAttestationInvalid));
}

TEST_F(SafetyNetAttestationTest, OversizedResponseFails) {
  // A valid, signed JWS just under and just over the 32 KiB response cap
  // (the payload is base64url: 4 characters per 3 bytes).
  SafetyNetAttestationOptions safetynet = SafetyNet();
  safetynet.payload_padding = 20 * 1024;
  EXPECT_THAT(Register(safetynet, Options(&trust_)), IsOk());
  safetynet.payload_padding = 24 * 1024;
  EXPECT_THAT(Register(safetynet, Options(&trust_)), HasError(ErrorCode::kAttestationInvalid));
  EXPECT_THAT(RegisterResponse(std::string(32 * 1024 + 1, 'A')),
              HasError(ErrorCode::kAttestationInvalid));
}

}  // namespace
}  // namespace passkey::testing
