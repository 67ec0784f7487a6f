// §7.2 checks that need more than a generated vector: the AppID rule, the
// user handle, the record's BE/counter update, options validation, and
// credential keys that must be refused (small-order EdDSA, non-minimal RSA).
#include <passkey/testing/software_authenticator.h>

#include "test_util.h"

namespace passkey {
namespace {

using testing::AssertionParams;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.org";
constexpr char kOrigin[] = "https://example.org";
constexpr char kAppId[] = "https://example.org/u2f/appid.json";

class AuthenticationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "authentication-test");
    ASSERT_THAT(created, IsOk());
    authenticator_.emplace(std::move(created).value());
    record_.id = authenticator_->credential_id();
    record_.public_key = authenticator_->CosePublicKey();
    record_.sign_count = 4;
    record_.backup_eligible = false;
    options_.rp.ids = {kRpId};
    options_.rp.origins = {kOrigin};
    options_.challenge = Bytes(32, 0x42);
  }

  AssertionParams Params(std::string rp_id = kRpId) const {
    AssertionParams params;
    params.rp_id = std::move(rp_id);
    params.origin = kOrigin;
    params.challenge = options_.challenge;
    params.sign_count = 5;
    return params;
  }

  AuthenticationResponse Respond(const AssertionParams& params) const {
    auto json = authenticator_->GetAssertionJson(params);
    EXPECT_THAT(json, IsOk());
    auto response = ParseAuthenticationResponseJson(*json);
    EXPECT_THAT(response, IsOk());
    return *response;
  }

  std::optional<SoftwareAuthenticator> authenticator_;
  CredentialRecord record_;
  AuthenticationOptions options_;
};

TEST_F(AuthenticationTest, AcceptsAppIdHashWhenClientReportsAppIdExtension) {
  options_.appid = kAppId;
  AuthenticationResponse response = Respond(Params(kAppId));
  response.client_extension_appid = true;
  EXPECT_THAT(VerifyAuthentication(options_, record_, response), IsOk());
}

TEST_F(AuthenticationTest, RejectsAppIdHashWithoutAppIdExtensionOutput) {
  options_.appid = kAppId;
  const AuthenticationResponse response = Respond(Params(kAppId));
  EXPECT_THAT(VerifyAuthentication(options_, record_, response),
              HasError(ErrorCode::kRpIdMismatch));
}

TEST_F(AuthenticationTest, RejectsRpIdHashWhenClientSaysAppIdWasUsed) {
  options_.appid = kAppId;
  AuthenticationResponse response = Respond(Params(kRpId));
  response.client_extension_appid = true;
  EXPECT_THAT(VerifyAuthentication(options_, record_, response),
              HasError(ErrorCode::kRpIdMismatch));
}

TEST_F(AuthenticationTest, IgnoresAppIdExtensionOutputWhenNoAppIdConfigured) {
  AuthenticationResponse response = Respond(Params(kAppId));
  response.client_extension_appid = true;
  EXPECT_THAT(VerifyAuthentication(options_, record_, response),
              HasError(ErrorCode::kRpIdMismatch));
}

TEST_F(AuthenticationTest, AcceptsMatchingUserHandle) {
  options_.user_handle = {9, 8, 7};
  AssertionParams params = Params();
  params.user_handle = Bytes{9, 8, 7};
  EXPECT_THAT(VerifyAuthentication(options_, record_, Respond(params)), IsOk());
}

TEST_F(AuthenticationTest, RejectsUserHandleOfAnotherUser) {
  options_.user_handle = {9, 8, 7};
  AssertionParams params = Params();
  params.user_handle = Bytes{1, 2, 3};
  EXPECT_THAT(VerifyAuthentication(options_, record_, Respond(params)),
              HasError(ErrorCode::kUserHandleMismatch));
}

// The expected challenge is base64url-encoded on the stack up to 96 bytes
// and in a string beyond: both sides of that line verify, and a challenge
// differing in its last byte is refused on both.
TEST_F(AuthenticationTest, ChallengesOfEveryLengthAroundTheStackBufferCompare) {
  for (const std::size_t size : {16u, 95u, 96u, 97u, 200u, 1024u}) {
    options_.challenge = Bytes(size, 0x5c);
    options_.challenge.back() = 0x01;
    const AuthenticationResponse response = Respond(Params());
    EXPECT_THAT(VerifyAuthentication(options_, record_, response), IsOk()) << size;
    AuthenticationOptions other = options_;
    other.challenge.back() = 0x02;
    EXPECT_THAT(VerifyAuthentication(other, record_, response),
                HasError(ErrorCode::kChallengeMismatch))
        << size;
  }
}

TEST_F(AuthenticationTest, RejectsMissingRpConfiguration) {
  const AuthenticationResponse response = Respond(Params());
  AuthenticationOptions no_ids = options_;
  no_ids.rp.ids.clear();
  EXPECT_THAT(VerifyAuthentication(no_ids, record_, response),
              HasError(ErrorCode::kInvalidArgument));
  AuthenticationOptions no_challenge = options_;
  no_challenge.challenge.clear();
  EXPECT_THAT(VerifyAuthentication(no_challenge, record_, response),
              HasError(ErrorCode::kInvalidArgument));
}

TEST_F(AuthenticationTest, UpdateRecordsCounterBackupStateAndUv) {
  AssertionParams params = Params();
  params.flags.user_verified = true;
  auto result = VerifyAuthentication(options_, record_, Respond(params));
  ASSERT_THAT(result, IsOk());
  result->now = 1'700'000'000;
  EXPECT_TRUE(UpdateCredentialRecord(record_, *result));
  EXPECT_EQ(record_.sign_count, 5u);
  EXPECT_TRUE(record_.uv_initialized);
  EXPECT_EQ(record_.last_used_at, std::optional<UnixSeconds>(1'700'000'000));
  // The same result again changes nothing but lastUsedAt.
  EXPECT_FALSE(UpdateCredentialRecord(record_, *result));
}

TEST_F(AuthenticationTest, BackupStateChangeIsReportedBothWays) {
  record_.backup_eligible = true;
  record_.backup_state = false;
  AssertionParams params = Params();
  params.flags.backup_eligible = true;
  params.flags.backup_state = true;  // the passkey became synced
  auto synced = VerifyAuthentication(options_, record_, Respond(params));
  ASSERT_THAT(synced, IsOk());
  EXPECT_TRUE(synced->backup_state_changed);
  EXPECT_TRUE(UpdateCredentialRecord(record_, *synced));
  EXPECT_TRUE(record_.backup_state);
  EXPECT_EQ(DeviceTypeOf(record_), DeviceType::kMultiDevice);

  params.sign_count = 6;
  params.flags.backup_state = false;  // and back to this device only
  auto local = VerifyAuthentication(options_, record_, Respond(params));
  ASSERT_THAT(local, IsOk());
  EXPECT_TRUE(local->backup_state_changed);
  EXPECT_TRUE(UpdateCredentialRecord(record_, *local));
  EXPECT_FALSE(record_.backup_state);

  params.sign_count = 7;  // unchanged: not reported
  auto same = VerifyAuthentication(options_, record_, Respond(params));
  ASSERT_THAT(same, IsOk());
  EXPECT_FALSE(same->backup_state_changed);
}

TEST_F(AuthenticationTest, RollbackAllowedIsReportedAndNotStored) {
  options_.allow_sign_count_rollback = true;
  AssertionParams params = Params();
  params.sign_count = 3;
  auto result = VerifyAuthentication(options_, record_, Respond(params));
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(result->sign_count_rollback);
  UpdateCredentialRecord(record_, *result);
  EXPECT_EQ(record_.sign_count, 4u);
}

// --- Keys that must never verify anything (issue #16) ---------------------

// kIdentityEd25519: the Ed25519 identity point (x = 0, y = 1) encoded.
const Bytes kIdentityEd25519 = test::Hex(
    "0100000000000000000000000000000000000000000000000000000000000000");

// CoseOkpKey: {1: 1 (OKP), 3: -8 (EdDSA), -1: 6 (Ed25519), -2: x}, hand-built.
Bytes CoseOkpKey(ByteView x) {
  Bytes cose = test::Hex("a4 01 01 03 27 20 06 21 58 20");
  cose.insert(cose.end(), x.begin(), x.end());
  return cose;
}

// CoseRsaKeyWithLeadingZeros: the RSA COSE_Key of `authenticator` with a
// zero byte put in front of n and/or e. The software authenticator writes
// {1: 3, 3: alg, -1: n, -2: e} with a 2048-bit n: a4 01 03 03 39 01 00 20
// 59 01 00 <n: 256 bytes> 21 43 <e: 3 bytes>.
Bytes CoseRsaKeyWithLeadingZeros(const SoftwareAuthenticator& authenticator, bool pad_n,
                                 bool pad_e) {
  const Bytes& cose = authenticator.CosePublicKey();
  const Bytes prefix = test::Hex("a4 01 03 03 39 01 00 20 59 01 00");
  const std::size_t n_end = prefix.size() + 256;
  EXPECT_EQ(cose.size(), n_end + 2 + 3);
  if (cose.size() != n_end + 2 + 3 || !std::equal(prefix.begin(), prefix.end(), cose.begin())) {
    ADD_FAILURE() << "unexpected RSA COSE_Key layout";
    return {};
  }
  Bytes out = test::Hex("a4 01 03 03 39 01 00 20");
  const Bytes n_head = test::CborHead(2, pad_n ? 257 : 256);
  out.insert(out.end(), n_head.begin(), n_head.end());
  if (pad_n) out.push_back(0x00);
  out.insert(out.end(), cose.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
             cose.begin() + static_cast<std::ptrdiff_t>(n_end));
  out.push_back(0x21);
  const Bytes e_head = test::CborHead(2, pad_e ? 4 : 3);
  out.insert(out.end(), e_head.begin(), e_head.end());
  if (pad_e) out.push_back(0x00);
  out.insert(out.end(), cose.end() - 3, cose.end());
  return out;
}

AuthenticationOptions OptionsWithChallenge(Bytes challenge) {
  AuthenticationOptions options;
  options.rp.ids = {kRpId};
  options.rp.origins = {kOrigin};
  options.challenge = std::move(challenge);
  return options;
}

AssertionParams ParamsWithChallenge(const Bytes& challenge) {
  AssertionParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = challenge;
  params.sign_count = 1;
  return params;
}

Result<AuthenticationResponse> Assert(const SoftwareAuthenticator& authenticator,
                                      const AssertionParams& params) {
  auto json = authenticator.GetAssertionJson(params);
  if (!json.has_value()) return Unexpected(json.error());
  return ParseAuthenticationResponseJson(*json);
}

// The forgery: with the identity as the credential key, R = encoding of the
// identity and S = 0 satisfy the EdDSA equation for every message (OpenSSL
// alone accepts it: CoseKeyTest.IdentityKeyWouldAcceptAForgedSignatureForAnyMessage).
// A record holding such a key must be refused, whatever the challenge.
TEST(SmallOrderKeyTest, ForgedAssertionAgainstAnIdentityKeyRecordIsRejected) {
  auto created = SoftwareAuthenticator::CreateEdDsa(testing::EdCurve::kEd25519, "small-order");
  ASSERT_THAT(created, IsOk());
  const SoftwareAuthenticator& authenticator = *created;
  CredentialRecord honest;
  honest.id = authenticator.credential_id();
  honest.public_key = authenticator.CosePublicKey();
  honest.algorithm = CoseAlgorithm::kEdDsa;
  honest.backup_eligible = false;
  CredentialRecord identity = honest;
  identity.public_key = CoseOkpKey(kIdentityEd25519);
  Bytes forged = kIdentityEd25519;
  forged.resize(64, 0x00);

  for (const std::uint8_t fill : std::initializer_list<std::uint8_t>{0x00, 0x42, 0xa5, 0xff}) {
    const Bytes challenge(32, fill);
    const AuthenticationOptions options = OptionsWithChallenge(challenge);
    AssertionParams params = ParamsWithChallenge(challenge);
    // Control: the same assertion, honestly signed, verifies.
    const auto honest_response = Assert(authenticator, params);
    ASSERT_THAT(honest_response, IsOk());
    EXPECT_THAT(VerifyAuthentication(options, honest, *honest_response), IsOk());
    params.edit_signature = [&forged](Bytes& signature) { signature = forged; };
    const auto forged_response = Assert(authenticator, params);
    ASSERT_THAT(forged_response, IsOk());
    EXPECT_THAT(VerifyAuthentication(options, identity, *forged_response),
                HasError(ErrorCode::kInvalidPublicKey))
        << "challenge fill " << int{fill};
  }
  EXPECT_THAT(PreparedCredential::Create(identity), HasError(ErrorCode::kInvalidPublicKey));
}

// Registration refuses a credential whose public key is the identity point
// (attested credential data built by hand through the cose_key hook).
TEST(SmallOrderKeyTest, RegistrationWithAnIdentityKeyIsRejected) {
  auto created = SoftwareAuthenticator::CreateEdDsa(testing::EdCurve::kEd25519, "small-order");
  ASSERT_THAT(created, IsOk());
  RegistrationOptions options;
  options.rp.ids = {kRpId};
  options.rp.origins = {kOrigin};
  options.challenge = Bytes(32, 0x17);
  options.now = 1'700'000'000;
  testing::RegistrationParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = options.challenge;
  const auto register_with = [&](const std::optional<Bytes>& cose_key) {
    params.cose_key = cose_key;
    auto json = created->MakeCredentialJson(params);
    EXPECT_THAT(json, IsOk());
    auto response = ParseRegistrationResponseJson(*json);
    EXPECT_THAT(response, IsOk());
    return VerifyRegistration(options, *response);
  };
  EXPECT_THAT(register_with(std::nullopt), IsOk());
  EXPECT_THAT(register_with(CoseOkpKey(kIdentityEd25519)),
              HasError(ErrorCode::kInvalidPublicKey));
}

// RFC 8230 §4: an RSA n or e with a leading zero byte is refused at
// registration and when a record holding it is used or prepared.
TEST(RsaKeyEncodingTest, LeadingZeroInNOrEIsRejectedAtRegistrationAndFromARecord) {
  auto rsa = SoftwareAuthenticator::Create(CoseAlgorithm::kRs256, "rsa-leading-zero");
  ASSERT_THAT(rsa, IsOk());
  const Bytes challenge(32, 0x23);
  RegistrationOptions reg_options;
  reg_options.rp.ids = {kRpId};
  reg_options.rp.origins = {kOrigin};
  reg_options.challenge = challenge;
  reg_options.now = 1'700'000'000;
  testing::RegistrationParams reg_params;
  reg_params.rp_id = kRpId;
  reg_params.origin = kOrigin;
  reg_params.challenge = challenge;
  const AuthenticationOptions auth_options = OptionsWithChallenge(challenge);
  const auto response = Assert(*rsa, ParamsWithChallenge(challenge));
  ASSERT_THAT(response, IsOk());

  for (const auto& [pad_n, pad_e] : {std::pair{false, false}, std::pair{true, false},
                                     std::pair{false, true}, std::pair{true, true}}) {
    const Bytes cose = CoseRsaKeyWithLeadingZeros(*rsa, pad_n, pad_e);
    ASSERT_FALSE(cose.empty());
    reg_params.cose_key = cose;
    auto json = rsa->MakeCredentialJson(reg_params);
    ASSERT_THAT(json, IsOk());
    auto reg_response = ParseRegistrationResponseJson(*json);
    ASSERT_THAT(reg_response, IsOk());
    CredentialRecord record;
    record.id = rsa->credential_id();
    record.public_key = cose;
    record.backup_eligible = false;
    const std::string what = std::string("pad n ") + (pad_n ? "yes" : "no") + ", pad e " +
                             (pad_e ? "yes" : "no");
    if (!pad_n && !pad_e) {  // control: the minimal encoding is accepted
      EXPECT_THAT(VerifyRegistration(reg_options, *reg_response), IsOk()) << what;
      EXPECT_THAT(VerifyAuthentication(auth_options, record, *response), IsOk()) << what;
      EXPECT_THAT(PreparedCredential::Create(record), IsOk()) << what;
      continue;
    }
    EXPECT_THAT(VerifyRegistration(reg_options, *reg_response),
                HasError(ErrorCode::kInvalidPublicKey))
        << what;
    EXPECT_THAT(VerifyAuthentication(auth_options, record, *response),
                HasError(ErrorCode::kInvalidPublicKey))
        << what;
    EXPECT_THAT(PreparedCredential::Create(record), HasError(ErrorCode::kInvalidPublicKey))
        << what;
  }
}

}  // namespace
}  // namespace passkey
