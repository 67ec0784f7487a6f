// The software authenticator against the library: every algorithm and
// attestation format round-trips through VerifyRegistration and
// VerifyAuthentication, the demo flow works, and its building blocks encode
// what WebAuthn specifies.
#include <passkey/testing/software_authenticator.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <passkey/passkey.h>

#include "test_util.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

using ::passkey::test::Hex;
using ::passkey::test::ReadFile;
using ::passkey::test::TestdataPath;
using ::passkey::test::ToHex;
using ::testing::ElementsAre;

constexpr char kRpId[] = "example.org";
constexpr char kOrigin[] = "https://example.org";

// KeyCase: how to obtain one credential key for a test.
struct KeyCase {
  std::string name;  // also the PEM file name for RSA keys
  CoseAlgorithm alg;
  std::optional<EdCurve> eddsa_curve;  // alg -8 on this curve
  bool rsa = false;
};

const std::vector<KeyCase>& AllKeyCases() {
  static const std::vector<KeyCase> cases = {
      {"es256", CoseAlgorithm::kEs256, std::nullopt},
      {"es384", CoseAlgorithm::kEs384, std::nullopt},
      {"es512", CoseAlgorithm::kEs512, std::nullopt},
      {"ed25519", CoseAlgorithm::kEdDsa, EdCurve::kEd25519},
      {"ed448_eddsa", CoseAlgorithm::kEdDsa, EdCurve::kEd448},
      {"ed448", CoseAlgorithm::kEd448, std::nullopt},
      {"rs256", CoseAlgorithm::kRs256, std::nullopt, true},
      {"rs384", CoseAlgorithm::kRs384, std::nullopt, true},
      {"rs512", CoseAlgorithm::kRs512, std::nullopt, true},
      {"ps256", CoseAlgorithm::kPs256, std::nullopt, true},
      {"ps384", CoseAlgorithm::kPs384, std::nullopt, true},
      {"ps512", CoseAlgorithm::kPs512, std::nullopt, true},
      {"rs1", CoseAlgorithm::kRs1, std::nullopt, true},
  };
  return cases;
}

// MakeAuthenticator: EC/EdDSA keys from a seed, RSA keys from the committed
// testdata/keys/<name>.pem (RSA key generation is slow and random).
Result<SoftwareAuthenticator> MakeAuthenticator(const KeyCase& key) {
  const std::string seed = "software-authenticator-test/" + key.name;
  if (key.rsa) {
    const std::optional<std::string> pem =
        ReadFile(TestdataPath("keys/" + key.name + ".pem"));
    if (!pem.has_value()) {
      return Unexpected(ErrorCode::kInvalidArgument,
                        "missing testdata/keys/" + key.name + ".pem");
    }
    return SoftwareAuthenticator::CreateFromPem(key.alg, *pem, seed);
  }
  if (key.eddsa_curve.has_value()) {
    return SoftwareAuthenticator::CreateEdDsa(*key.eddsa_curve, seed);
  }
  return SoftwareAuthenticator::Create(key.alg, seed);
}

Bytes Challenge(std::string_view label) { return Sha256(AsBytes(label)); }

RelyingParty ExampleRp() {
  RelyingParty rp;
  rp.ids = {kRpId};
  rp.origins = {kOrigin};
  return rp;
}

RegistrationOptions RegistrationOptionsFor(CoseAlgorithm alg,
                                           const Bytes& challenge) {
  RegistrationOptions options;
  options.rp = ExampleRp();
  options.challenge = challenge;
  options.now = 1'700'000'000;
  if (alg == CoseAlgorithm::kRs1) {
    options.allowed_algorithms = {CoseAlgorithm::kRs1};
    options.allow_sha1_attestation = true;
  }
  return options;
}

AuthenticationOptions AuthenticationOptionsFor(CoseAlgorithm alg,
                                               const Bytes& challenge) {
  AuthenticationOptions options;
  options.rp = ExampleRp();
  options.challenge = challenge;
  if (alg == CoseAlgorithm::kRs1) {
    options.allowed_algorithms = {CoseAlgorithm::kRs1};
    options.allow_rs1_credentials = true;
  }
  return options;
}

RegistrationParams RegistrationParamsFor(const Bytes& challenge,
                                         std::string format) {
  RegistrationParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = challenge;
  params.format = std::move(format);
  return params;
}

AssertionParams AssertionParamsFor(const Bytes& challenge,
                                   std::uint32_t sign_count) {
  AssertionParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = challenge;
  params.sign_count = sign_count;
  return params;
}

Result<CredentialRecord> Register(const SoftwareAuthenticator& authenticator,
                                  const RegistrationParams& params,
                                  const RegistrationOptions& options) {
  const Result<std::string> json = authenticator.MakeCredentialJson(params);
  if (!json.has_value()) return Unexpected(json.error());
  const Result<RegistrationResponse> response =
      ParseRegistrationResponseJson(*json);
  if (!response.has_value()) return Unexpected(response.error());
  return VerifyRegistration(options, *response);
}

Result<AuthenticationResult> Authenticate(
    const SoftwareAuthenticator& authenticator, const AssertionParams& params,
    const AuthenticationOptions& options, const CredentialRecord& record) {
  const Result<std::string> json = authenticator.GetAssertionJson(params);
  if (!json.has_value()) return Unexpected(json.error());
  const Result<AuthenticationResponse> response =
      ParseAuthenticationResponseJson(*json);
  if (!response.has_value()) return Unexpected(response.error());
  return VerifyAuthentication(options, record, *response);
}

// --- Round trips for every algorithm and format ----------------------------

struct RoundTripCase {
  KeyCase key;
  std::string format;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) {
  *os << c.key.name << "/" << c.format;
}

std::vector<RoundTripCase> AllRoundTripCases() {
  std::vector<RoundTripCase> cases;
  for (const KeyCase& key : AllKeyCases()) {
    cases.push_back({key, "none"});
    cases.push_back({key, "packed"});
  }
  return cases;
}

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, RegistersAndAuthenticates) {
  const RoundTripCase& c = GetParam();
  Result<SoftwareAuthenticator> authenticator = MakeAuthenticator(c.key);
  ASSERT_THAT(authenticator, IsOk());
  EXPECT_EQ(authenticator->algorithm(), c.key.alg);

  const Bytes reg_challenge = Challenge("round-trip/registration");
  RegistrationParams reg = RegistrationParamsFor(reg_challenge, c.format);
  reg.aaguid.bytes[0] = 0x42;
  reg.sign_count = 3;
  Result<CredentialRecord> record = Register(
      *authenticator, reg, RegistrationOptionsFor(c.key.alg, reg_challenge));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->id, authenticator->credential_id());
  EXPECT_EQ(record->public_key, authenticator->CosePublicKey());
  EXPECT_EQ(record->algorithm, c.key.alg);
  EXPECT_EQ(record->sign_count, 3u);
  EXPECT_EQ(record->attestation_format, c.format);
  EXPECT_EQ(record->aaguid, reg.aaguid);
  EXPECT_TRUE(record->uv_initialized);

  const Bytes auth_challenge = Challenge("round-trip/authentication");
  const Result<AuthenticationResult> result = Authenticate(
      *authenticator, AssertionParamsFor(auth_challenge, 4),
      AuthenticationOptionsFor(c.key.alg, auth_challenge), *record);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->sign_count, 4u);
  EXPECT_TRUE(result->user_present);
  EXPECT_TRUE(result->user_verified);
}

TEST_P(RoundTripTest, RejectsCorruptedSignature) {
  const RoundTripCase& c = GetParam();
  Result<SoftwareAuthenticator> authenticator = MakeAuthenticator(c.key);
  ASSERT_THAT(authenticator, IsOk());
  const Bytes reg_challenge = Challenge("corrupt/registration");
  RegistrationParams reg = RegistrationParamsFor(reg_challenge, c.format);
  const RegistrationOptions reg_options =
      RegistrationOptionsFor(c.key.alg, reg_challenge);
  if (c.format == "packed") {
    RegistrationParams bad = reg;
    bad.edit_attestation_signature = [](Bytes& sig) { sig.back() ^= 0x01; };
    EXPECT_THAT(Register(*authenticator, bad, reg_options),
                HasError(ErrorCode::kAttestationSignatureInvalid));
  }
  Result<CredentialRecord> record = Register(*authenticator, reg, reg_options);
  ASSERT_THAT(record, IsOk());

  const Bytes auth_challenge = Challenge("corrupt/authentication");
  AssertionParams assertion = AssertionParamsFor(auth_challenge, 1);
  assertion.edit_signature = [](Bytes& sig) { sig.back() ^= 0x01; };
  EXPECT_THAT(Authenticate(*authenticator, assertion,
                           AuthenticationOptionsFor(c.key.alg, auth_challenge),
                           *record),
              HasError(ErrorCode::kSignatureInvalid));
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithms, RoundTripTest, ::testing::ValuesIn(AllRoundTripCases()),
    [](const ::testing::TestParamInfo<RoundTripCase>& param_info) {
      return param_info.param.key.name + "_" + param_info.param.format;
    });

// AuthenticationOptions::allow_rs1_credentials admits a stored RS1 key; its
// former name allow_sha1_attestation still does for one release.
TEST(SoftwareAuthenticatorTest, Rs1CredentialNeedsAllowRs1CredentialsOrItsFormerName) {
  const KeyCase& rs1 = AllKeyCases().back();
  ASSERT_EQ(rs1.alg, CoseAlgorithm::kRs1);
  Result<SoftwareAuthenticator> authenticator = MakeAuthenticator(rs1);
  ASSERT_THAT(authenticator, IsOk());
  const Bytes reg_challenge = Challenge("rs1-option/registration");
  Result<CredentialRecord> record =
      Register(*authenticator, RegistrationParamsFor(reg_challenge, "none"),
               RegistrationOptionsFor(CoseAlgorithm::kRs1, reg_challenge));
  ASSERT_THAT(record, IsOk());

  const Bytes auth_challenge = Challenge("rs1-option/authentication");
  const AssertionParams assertion = AssertionParamsFor(auth_challenge, 1);
  AuthenticationOptions refused = AuthenticationOptionsFor(CoseAlgorithm::kRs1, auth_challenge);
  refused.allow_rs1_credentials = false;
  const Result<AuthenticationResult> without =
      Authenticate(*authenticator, assertion, refused, *record);
  EXPECT_THAT(without, HasError(ErrorCode::kAlgorithmNotAllowed));
  EXPECT_THAT(without.error().message, ::testing::HasSubstr("allow_rs1_credentials"));
  refused.allowed_algorithms.clear();  // the default list never admits RS1
  EXPECT_THAT(Authenticate(*authenticator, assertion, refused, *record),
              HasError(ErrorCode::kAlgorithmNotAllowed));

  AuthenticationOptions allowed = refused;
  allowed.allow_rs1_credentials = true;
  EXPECT_THAT(Authenticate(*authenticator, assertion, allowed, *record), IsOk());

  AuthenticationOptions former_name = refused;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  former_name.allow_sha1_attestation = true;
#pragma GCC diagnostic pop
  EXPECT_THAT(Authenticate(*authenticator, assertion, former_name, *record), IsOk());
}

// --- The `passkey demo` flow -------------------------------------------------

TEST(SoftwareAuthenticatorTest, DemoFlow) {
  Result<SoftwareAuthenticator> authenticator =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "demo");
  ASSERT_THAT(authenticator, IsOk());

  const Bytes reg_challenge = Challenge("demo/registration");
  RegistrationParams reg = RegistrationParamsFor(reg_challenge, "packed");
  reg.flags.backup_eligible = true;
  reg.attachment = Attachment::kPlatform;
  reg.transports = {"hybrid", "internal"};
  Result<CredentialRecord> record =
      Register(*authenticator, reg,
               RegistrationOptionsFor(CoseAlgorithm::kEs256, reg_challenge));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->sign_count, 0u);
  EXPECT_EQ(record->backup_eligible, std::optional<bool>(true));
  EXPECT_FALSE(record->backup_state);
  EXPECT_EQ(DeviceTypeOf(*record), std::optional(DeviceType::kMultiDevice));
  EXPECT_EQ(record->attachment, std::optional(Attachment::kPlatform));
  EXPECT_THAT(record->transports, ElementsAre("hybrid", "internal"));

  // Two assertions with increasing counters, each applied to the record.
  for (std::uint32_t counter = 1; counter <= 2; ++counter) {
    const Bytes challenge = Challenge("demo/authentication/" + std::to_string(counter));
    AssertionParams assertion = AssertionParamsFor(challenge, counter);
    assertion.flags.backup_eligible = true;
    const Result<AuthenticationResult> result = Authenticate(
        *authenticator, assertion,
        AuthenticationOptionsFor(CoseAlgorithm::kEs256, challenge), *record);
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->sign_count, counter);
    EXPECT_TRUE(UpdateCredentialRecord(*record, *result));
    EXPECT_EQ(record->sign_count, counter);
  }

  // A replay of counter 2 is a rollback.
  const Bytes replay_challenge = Challenge("demo/replay");
  AssertionParams replay = AssertionParamsFor(replay_challenge, 2);
  replay.flags.backup_eligible = true;
  EXPECT_THAT(Authenticate(*authenticator, replay,
                           AuthenticationOptionsFor(CoseAlgorithm::kEs256,
                                                    replay_challenge),
                           *record),
              HasError(ErrorCode::kSignCountRollback));

  // Tampering with signed authenticator data (the counter, after signing)
  // breaks the signature.
  const Bytes tamper_challenge = Challenge("demo/tampered");
  AssertionParams tampered = AssertionParamsFor(tamper_challenge, 3);
  tampered.flags.backup_eligible = true;
  Result<AssertionParts> parts = authenticator->GetAssertion(tampered);
  ASSERT_THAT(parts, IsOk());
  parts->authenticator_data[36] = 99;  // signCount 3 -> 99
  const Result<AuthenticationResponse> response =
      ParseAuthenticationResponseJson(AuthenticationResponseJson(*parts));
  ASSERT_THAT(response, IsOk());
  EXPECT_THAT(VerifyAuthentication(
                  AuthenticationOptionsFor(CoseAlgorithm::kEs256, tamper_challenge),
                  *record, *response),
              HasError(ErrorCode::kSignatureInvalid));
  EXPECT_EQ(record->sign_count, 2u);
}

// --- UpdateCredentialRecord --------------------------------------------------

class UpdateCredentialRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SoftwareAuthenticator> created =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEdDsa, "update-record");
    ASSERT_THAT(created, IsOk());
    authenticator_.emplace(std::move(created).value());
    const Bytes challenge = Challenge("update/registration");
    RegistrationParams reg = RegistrationParamsFor(challenge, "none");
    reg.flags.user_verified = false;
    reg.flags.backup_eligible = true;
    RegistrationOptions options =
        RegistrationOptionsFor(CoseAlgorithm::kEdDsa, challenge);
    options.user_verification = UserVerification::kPreferred;
    Result<CredentialRecord> record = Register(*authenticator_, reg, options);
    ASSERT_THAT(record, IsOk());
    record_ = std::move(record).value();
  }

  Result<AuthenticationResult> Assert(std::uint32_t sign_count, bool uv,
                                      bool backup_state,
                                      bool allow_rollback = false) {
    const Bytes challenge = Challenge("update/" + std::to_string(++round_));
    AssertionParams params = AssertionParamsFor(challenge, sign_count);
    params.flags.user_verified = uv;
    params.flags.backup_eligible = true;
    params.flags.backup_state = backup_state;
    AuthenticationOptions options =
        AuthenticationOptionsFor(CoseAlgorithm::kEdDsa, challenge);
    options.user_verification = UserVerification::kPreferred;
    options.allow_sign_count_rollback = allow_rollback;
    return Authenticate(*authenticator_, params, options, record_);
  }

  std::optional<SoftwareAuthenticator> authenticator_;
  CredentialRecord record_;
  int round_ = 0;
};

TEST_F(UpdateCredentialRecordTest, NothingChangesWithoutCounterOrFlags) {
  ASSERT_FALSE(record_.uv_initialized);
  const Result<AuthenticationResult> result = Assert(0, false, false);
  ASSERT_THAT(result, IsOk());
  const CredentialRecord before = record_;
  EXPECT_FALSE(UpdateCredentialRecord(record_, *result));
  EXPECT_EQ(record_.sign_count, before.sign_count);
  EXPECT_EQ(record_.uv_initialized, before.uv_initialized);
  EXPECT_EQ(record_.backup_state, before.backup_state);
}

TEST_F(UpdateCredentialRecordTest, StoresCounterBackupStateAndUv) {
  const Result<AuthenticationResult> first = Assert(10, false, true);
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(UpdateCredentialRecord(record_, *first));
  EXPECT_EQ(record_.sign_count, 10u);
  EXPECT_TRUE(record_.backup_state);
  EXPECT_FALSE(record_.uv_initialized);

  const Result<AuthenticationResult> second = Assert(11, true, true);
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(UpdateCredentialRecord(record_, *second));
  EXPECT_EQ(record_.sign_count, 11u);
  EXPECT_TRUE(record_.uv_initialized);

  // uvInitialized stays set once UV was seen.
  const Result<AuthenticationResult> third = Assert(12, false, true);
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(UpdateCredentialRecord(record_, *third));
  EXPECT_TRUE(record_.uv_initialized);
}

TEST_F(UpdateCredentialRecordTest, KeepsCounterOnAllowedRollback) {
  const Result<AuthenticationResult> first = Assert(20, false, false);
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(UpdateCredentialRecord(record_, *first));

  EXPECT_THAT(Assert(19, false, false), HasError(ErrorCode::kSignCountRollback));
  const Result<AuthenticationResult> rolled_back =
      Assert(19, false, false, /*allow_rollback=*/true);
  ASSERT_THAT(rolled_back, IsOk());
  EXPECT_TRUE(rolled_back->sign_count_rollback);
  EXPECT_FALSE(UpdateCredentialRecord(record_, *rolled_back));
  EXPECT_EQ(record_.sign_count, 20u);
}

// --- Keys and encodings ------------------------------------------------------

TEST(SoftwareAuthenticatorTest, SeedDeterminesEcAndEdDsaKeys) {
  for (const CoseAlgorithm alg :
       {CoseAlgorithm::kEs256, CoseAlgorithm::kEs384, CoseAlgorithm::kEs512,
        CoseAlgorithm::kEdDsa, CoseAlgorithm::kEd448}) {
    Result<SoftwareAuthenticator> a = SoftwareAuthenticator::Create(alg, "seed-a");
    Result<SoftwareAuthenticator> again = SoftwareAuthenticator::Create(alg, "seed-a");
    Result<SoftwareAuthenticator> b = SoftwareAuthenticator::Create(alg, "seed-b");
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(again, IsOk());
    ASSERT_THAT(b, IsOk());
    EXPECT_EQ(a->CosePublicKey(), again->CosePublicKey()) << CoseAlgorithmName(alg);
    EXPECT_EQ(a->credential_id(), again->credential_id());
    EXPECT_NE(a->CosePublicKey(), b->CosePublicKey()) << CoseAlgorithmName(alg);
    EXPECT_NE(a->credential_id(), b->credential_id());
  }
}

TEST(SoftwareAuthenticatorTest, CredentialIdIsSha256OfLabelledSeed) {
  Result<SoftwareAuthenticator> authenticator =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "abc");
  ASSERT_THAT(authenticator, IsOk());
  EXPECT_EQ(authenticator->credential_id(),
            Sha256(AsBytes("passkey-testing/credential-id/abc")));
}

TEST(SoftwareAuthenticatorTest, CoseKeysUseCanonicalLayout) {
  Result<SoftwareAuthenticator> es256 =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "layout");
  ASSERT_THAT(es256, IsOk());
  const Bytes& ec = es256->CosePublicKey();
  ASSERT_EQ(ec.size(), 77u);
  // {1: 2, 3: -7, -1: 1, -2: bstr(32) …, -3: bstr(32) …}
  EXPECT_EQ(ToHex(ByteView(ec).first(10)), "a5010203262001215820");
  EXPECT_EQ(ToHex(ByteView(ec).subspan(42, 3)), "225820");

  Result<SoftwareAuthenticator> ed =
      SoftwareAuthenticator::CreateEdDsa(EdCurve::kEd448, "layout");
  ASSERT_THAT(ed, IsOk());
  const Bytes& okp = ed->CosePublicKey();
  ASSERT_EQ(okp.size(), 10u + 57u);
  // {1: 1, 3: -8, -1: 7, -2: bstr(57)}
  EXPECT_EQ(ToHex(ByteView(okp).first(10)), "a4010103272007215839");

  Result<SoftwareAuthenticator> ed448 =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEd448, "layout");
  ASSERT_THAT(ed448, IsOk());
  // alg -53 (0x38 0x34), crv 7.
  EXPECT_EQ(ToHex(ByteView(ed448->CosePublicKey()).first(9)),
            "a40101033834200721");
}

TEST(SoftwareAuthenticatorTest, RsaCoseKeyCarriesModulusAndExponent) {
  const std::optional<std::string> pem = ReadFile(TestdataPath("keys/rs256.pem"));
  ASSERT_TRUE(pem.has_value()) << "testdata/keys/rs256.pem missing";
  Result<SoftwareAuthenticator> rsa =
      SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kRs256, *pem, "rsa");
  ASSERT_THAT(rsa, IsOk());
  const Bytes& key = rsa->CosePublicKey();
  // {1: 3, 3: -257 (0x39 0x0100), -1: bstr(256) n, -2: bstr(3) 65537}
  EXPECT_EQ(ToHex(ByteView(key).first(10)), "a4010303390100205901");
  EXPECT_EQ(ToHex(ByteView(key).last(5)), "2143010001");
  EXPECT_EQ(key.size(), 4u + 3u + 4u + 256u + 5u);
}

TEST(SoftwareAuthenticatorTest, PrivateKeyPemRoundTrips) {
  Result<SoftwareAuthenticator> original =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs384, "pem");
  ASSERT_THAT(original, IsOk());
  const Result<std::string> pem = original->PrivateKeyPem();
  ASSERT_THAT(pem, IsOk());
  EXPECT_THAT(*pem, ::testing::StartsWith("-----BEGIN PRIVATE KEY-----"));
  Result<SoftwareAuthenticator> loaded =
      SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kEs384, *pem, "pem");
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->CosePublicKey(), original->CosePublicKey());
  EXPECT_EQ(loaded->PublicKeySpki(), original->PublicKeySpki());
}

TEST(SoftwareAuthenticatorTest, CreateFromPemRejectsKeyOfWrongType) {
  Result<SoftwareAuthenticator> ec =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "wrong-type");
  ASSERT_THAT(ec, IsOk());
  const Result<std::string> pem = ec->PrivateKeyPem();
  ASSERT_THAT(pem, IsOk());
  EXPECT_THAT(SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kRs256, *pem, "x"),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kEs384, *pem, "x"),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(SoftwareAuthenticator::CreateFromPem(CoseAlgorithm::kEs256,
                                                   "not a pem", "x"),
              HasError(ErrorCode::kInvalidArgument));
}

TEST(SoftwareAuthenticatorTest, CreateRejectsUnknownAlgorithm) {
  EXPECT_THAT(SoftwareAuthenticator::Create(static_cast<CoseAlgorithm>(-999), "x"),
              HasError(ErrorCode::kUnsupportedAlgorithm));
  EXPECT_THAT(SoftwareAuthenticator::GenerateRsaPrivateKeyPem(512),
              HasError(ErrorCode::kInvalidArgument));
}

TEST(SoftwareAuthenticatorTest, AuthenticatorDataLayout) {
  AttestedCredentialData attested;
  attested.aaguid.bytes[15] = 0xaa;
  attested.credential_id = {0x01, 0x02, 0x03};
  attested.cose_key = {0xa0};
  const Bytes extensions = {0xa0};
  const Bytes rp_id_hash(32, 0x11);
  const Bytes data = BuildAuthenticatorData(
      rp_id_hash, FlagsByte(Flags{}, true, true), 0x01020304, &attested,
      &extensions);
  EXPECT_EQ(ToHex(data), std::string(64, '1') +
                             "c5"  // UP | UV | AT | ED
                             "01020304" +
                             std::string(30, '0') + "aa" +
                             "0003" "010203" "a0" "a0");

  Flags backup;
  backup.user_present = false;
  backup.user_verified = false;
  backup.backup_eligible = true;
  backup.backup_state = true;
  EXPECT_EQ(FlagsByte(backup, false, false), kFlagBe | kFlagBs);
}

TEST(SoftwareAuthenticatorTest, ClientDataJsonMemberOrder) {
  ClientDataParams params;
  params.type = "webauthn.get";
  params.challenge = {0xfb, 0xff};
  params.origin = kOrigin;
  params.cross_origin = true;
  params.top_origin = "https://top.example";
  EXPECT_EQ(BuildClientDataJson(params),
            "{\"type\":\"webauthn.get\",\"challenge\":\"-_8\","
            "\"origin\":\"https://example.org\",\"crossOrigin\":true,"
            "\"topOrigin\":\"https://top.example\"}");
  params.cross_origin.reset();
  params.top_origin.reset();
  params.token_binding_status = "supported";
  EXPECT_EQ(BuildClientDataJson(params),
            "{\"type\":\"webauthn.get\",\"challenge\":\"-_8\","
            "\"origin\":\"https://example.org\","
            "\"tokenBinding\":{\"status\":\"supported\"}}");
}

TEST(SoftwareAuthenticatorTest, AttestationObjectLayout) {
  const Bytes object =
      EncodeAttestationObject("none", EmptyCborMap(), Bytes{0x01, 0x02});
  EXPECT_EQ(ToHex(object),
            "a3"
            "63666d74" "646e6f6e65"              // "fmt": "none"
            "6761747453746d74" "a0"              // "attStmt": {}
            "6861757468446174" "61" "420102");   // "authData": h'0102'
}

TEST(SoftwareAuthenticatorTest, ResponseJsonHooks) {
  Result<SoftwareAuthenticator> authenticator =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "hooks");
  ASSERT_THAT(authenticator, IsOk());
  AssertionParams params = AssertionParamsFor(Challenge("hooks"), 1);
  params.id_text = "AAAA";
  const Result<std::string> json = authenticator->GetAssertionJson(params);
  ASSERT_THAT(json, IsOk());
  EXPECT_THAT(ParseAuthenticationResponseJson(*json),
              HasError(ErrorCode::kMalformedResponse));

  RegistrationParams reg = RegistrationParamsFor(Challenge("hooks"), "none");
  reg.edit_attestation_object = [](Bytes& object) { object.push_back(0x00); };
  EXPECT_THAT(Register(*authenticator, reg,
                       RegistrationOptionsFor(CoseAlgorithm::kEs256, Challenge("hooks"))),
              HasError(ErrorCode::kMalformedAttestationObject));
}

// --- CborWriter --------------------------------------------------------------

TEST(CborWriterTest, EncodesShortestHeads) {
  CborWriter cbor;
  cbor.Int(0).Int(23).Int(24).Int(255).Int(256).Int(65536).Int(-1).Int(-25)
      .Int(-257).Int(std::int64_t{1} << 32);
  EXPECT_EQ(ToHex(cbor.bytes()),
            "00" "17" "1818" "18ff" "190100" "1a00010000" "20" "3818"
            "390100" "1b0000000100000000");
}

TEST(CborWriterTest, EncodesStringsAndContainers) {
  CborWriter cbor;
  cbor.MapHeader(2)
      .TextString("a").ByteString(Bytes{0x01})
      .Int(-1).ArrayHeader(3).Bool(true).Bool(false).Null();
  EXPECT_EQ(ToHex(cbor.bytes()), "a2" "6161" "4101" "20" "83f5f4f6");
}

TEST(CborWriterTest, WritesDeliberatelyMalformedForms) {
  CborWriter cbor;
  cbor.HeadWidth(CborMajor::kUnsigned, 1, 2)  // non-minimal 1
      .Indefinite(CborMajor::kMap).TextString("k").Int(1).Break()
      .Tag(24)
      .Raw(Bytes{0xff});
  EXPECT_EQ(ToHex(cbor.Take()), "190001" "bf616b01ff" "d818" "ff");
}

}  // namespace
}  // namespace passkey::testing
