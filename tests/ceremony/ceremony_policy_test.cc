// Issue #16, §7.2 steps 5–6 and the record's owner, conditional create,
// configuration checks, and what deliberately stays accepted.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>

#include <passkey/ceremony_options.h>
#include <passkey/testing/software_authenticator.h>

#include <string>

#include "test_util.h"

namespace passkey {
namespace {

using testing::AssertionParams;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.org";
constexpr char kOrigin[] = "https://example.org";
const Bytes kAlice = {0xa1, 0x1c, 0xe0};
const Bytes kBob = {0xb0, 0xb0};

class CeremonyPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "ceremony-policy-test");
    ASSERT_THAT(created, IsOk());
    authenticator_.emplace(std::move(created).value());
    registration_.rp.ids = {kRpId};
    registration_.rp.origins = {kOrigin};
    registration_.challenge = Bytes(32, 0x24);
    registration_.now = 1'800'000'000;
    authentication_.rp.ids = {kRpId};
    authentication_.rp.origins = {kOrigin};
    authentication_.challenge = Bytes(32, 0x42);
  }

  RegistrationParams Creation() const {
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = registration_.challenge;
    return params;
  }

  Result<CredentialRecord> Register(const RegistrationParams& params) const {
    auto json = authenticator_->MakeCredentialJson(params);
    EXPECT_THAT(json, IsOk());
    auto response = ParseRegistrationResponseJson(*json);
    EXPECT_THAT(response, IsOk());
    return VerifyRegistration(registration_, *response);
  }

  // A record registered with the owner `user_handle` (empty: none).
  CredentialRecord Record(const Bytes& user_handle) {
    registration_.user_handle = user_handle;
    auto record = Register(Creation());
    EXPECT_THAT(record, IsOk());
    return *record;
  }

  AssertionParams Params() const {
    AssertionParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = authentication_.challenge;
    params.sign_count = 1;
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
  RegistrationOptions registration_;
  AuthenticationOptions authentication_;
};

// --- allowCredentials (§7.2 "If options.allowCredentials is not empty") ---

TEST_F(CeremonyPolicyTest, AcceptsCredentialListedInAllowCredentials) {
  const CredentialRecord record = Record({});
  authentication_.allow_credentials = {Bytes{1, 2, 3}, authenticator_->credential_id()};
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())), IsOk());
}

TEST_F(CeremonyPolicyTest, RejectsCredentialNotInAllowCredentials) {
  const CredentialRecord record = Record({});
  authentication_.allow_credentials = {Bytes{1, 2, 3}, Bytes(32, 0x77)};
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())),
              HasError(ErrorCode::kCredentialNotAllowed));
  // Before every later check: even a response for another challenge.
  AssertionParams params = Params();
  params.challenge = Bytes(32, 0x01);
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)),
              HasError(ErrorCode::kCredentialNotAllowed));
}

TEST_F(CeremonyPolicyTest, EmptyAllowCredentialsAcceptsAnyCredential) {
  const CredentialRecord record = Record({});
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())), IsOk());
}

// --- The record's owner (userHandle) ---

TEST_F(CeremonyPolicyTest, RegistrationStoresTheUserHandleAndItRoundTrips) {
  const CredentialRecord record = Record(kAlice);
  EXPECT_EQ(record.user_handle, kAlice);
  const std::string json = CredentialRecordToJson(record);
  EXPECT_NE(json.find("\"userHandle\":\"oRzg\""), std::string::npos) << json;
  auto parsed = CredentialRecordFromJson(json);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->user_handle, kAlice);
}

TEST_F(CeremonyPolicyTest, RejectsRegistrationUserHandleLongerThan64Bytes) {
  registration_.user_handle = Bytes(65, 1);
  EXPECT_THAT(Register(Creation()), HasError(ErrorCode::kInvalidArgument));
}

TEST_F(CeremonyPolicyTest, RejectsMalformedRecordUserHandle) {
  EXPECT_THAT(CredentialRecordFromJson(R"({"id":"AQ","publicKey":"AQ","userHandle":""})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(CredentialRecordFromJson(R"({"id":"AQ","publicKey":"AQ","userHandle":7})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
  EXPECT_THAT(CredentialRecordFromJson(R"({"id":"AQ","publicKey":"AQ","userHandle":"a+b"})"),
              HasError(ErrorCode::kMalformedCredentialRecord));
}

TEST_F(CeremonyPolicyTest, AcceptsResponseUserHandleOfTheRecordsOwner) {
  const CredentialRecord record = Record(kAlice);
  AssertionParams params = Params();
  params.user_handle = kAlice;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
}

TEST_F(CeremonyPolicyTest, RejectsResponseUserHandleThatIsNotTheRecordsOwner) {
  const CredentialRecord record = Record(kAlice);
  AssertionParams params = Params();
  params.user_handle = kBob;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)),
              HasError(ErrorCode::kUserHandleMismatch));
  authentication_.discoverable = true;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)),
              HasError(ErrorCode::kUserHandleMismatch));
}

TEST_F(CeremonyPolicyTest, RejectsRecordOfAnotherUserThanTheIdentifiedOne) {
  const CredentialRecord record = Record(kAlice);
  authentication_.user_handle = kBob;
  // Without a response userHandle too: the record is not Bob's.
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())),
              HasError(ErrorCode::kUserHandleMismatch));
}

TEST_F(CeremonyPolicyTest, IdentifiedUserWithoutResponseUserHandleIsAccepted) {
  const CredentialRecord record = Record(kAlice);
  authentication_.user_handle = kAlice;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())), IsOk());
}

TEST_F(CeremonyPolicyTest, DiscoverableFlowRequiresAUserHandle) {
  const CredentialRecord record = Record(kAlice);
  authentication_.discoverable = true;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())),
              HasError(ErrorCode::kUserHandleMissing));
  // A zero-length userHandle is no user handle.
  AssertionParams empty = Params();
  empty.user_handle = Bytes{};
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(empty)),
              HasError(ErrorCode::kUserHandleMissing));
  AssertionParams params = Params();
  params.user_handle = kAlice;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
}

TEST_F(CeremonyPolicyTest, RecordsWithoutUserHandleKeepWorking) {
  const CredentialRecord record = Record({});
  EXPECT_FALSE(CredentialRecordToJson(record).find("userHandle") != std::string::npos);
  AssertionParams params = Params();
  params.user_handle = kBob;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
}

// --- rpIdHash against the record's RP ID ---

TEST_F(CeremonyPolicyTest, RejectsAssertionForAnotherConfiguredRpIdThanTheRecords) {
  registration_.rp.ids = {kRpId, "login.example.org"};
  const CredentialRecord record = Record({});
  ASSERT_EQ(record.rp_id, kRpId);
  authentication_.rp.ids = {kRpId, "login.example.org"};
  AssertionParams params = Params();
  params.rp_id = "login.example.org";
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)),
              HasError(ErrorCode::kRpIdMismatch));
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())), IsOk());
  // A record without rpId: any configured RP ID still matches.
  CredentialRecord minimal = record;
  minimal.rp_id.clear();
  EXPECT_THAT(VerifyAuthentication(authentication_, minimal, Respond(params)), IsOk());
}

TEST_F(CeremonyPolicyTest, RejectsRecordWhoseRpIdIsNoLongerConfigured) {
  const CredentialRecord record = Record({});
  authentication_.rp.ids = {"example.com"};
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(Params())),
              HasError(ErrorCode::kRpIdMismatch));
}

// --- Conditional create (§7.1 "If options.mediation is not set to conditional") ---

TEST_F(CeremonyPolicyTest, ConditionalCreateAcceptsUserNotPresent) {
  RegistrationParams params = Creation();
  params.flags.user_present = false;
  params.flags.user_verified = false;
  registration_.user_verification = UserVerification::kPreferred;
  EXPECT_THAT(Register(params), HasError(ErrorCode::kUserNotPresent));
  registration_.mediation = Mediation::kConditional;
  auto record = Register(params);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->user_present, std::optional<bool>(false));
  EXPECT_NE(CredentialRecordToJson(*record).find("\"userPresent\":false"), std::string::npos);
}

TEST_F(CeremonyPolicyTest, ConditionalCreateStillAppliesUserVerificationPolicy) {
  RegistrationParams params = Creation();
  params.flags.user_present = false;
  params.flags.user_verified = false;
  registration_.mediation = Mediation::kConditional;
  EXPECT_THAT(Register(params), HasError(ErrorCode::kUserNotVerified));
}

TEST_F(CeremonyPolicyTest, OrdinaryRegistrationRecordsUserPresent) {
  auto record = Register(Creation());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->user_present, std::optional<bool>(true));
  auto parsed = CredentialRecordFromJson(CredentialRecordToJson(*record));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->user_present, std::optional<bool>(true));
}

TEST_F(CeremonyPolicyTest, AssertionStillRequiresUserPresence) {
  const CredentialRecord record = Record({});
  AssertionParams params = Params();
  params.flags.user_present = false;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)),
              HasError(ErrorCode::kUserNotPresent));
}

// --- Configuration errors are the caller's (kInvalidArgument) ---

struct BadConfig {
  const char* rp_id;
  const char* origin;
};

class BadConfigurationTest : public CeremonyPolicyTest,
                             public ::testing::WithParamInterface<BadConfig> {};

TEST_P(BadConfigurationTest, IsInvalidArgumentBeforeTheResponseIsLookedAt) {
  const CredentialRecord record = Record({});
  const AuthenticationResponse response = Respond(Params());
  RelyingParty rp;
  rp.ids = {GetParam().rp_id};
  rp.origins = {GetParam().origin};
  const Status status = ValidateRelyingParty(rp);
  ASSERT_THAT(status, HasError(ErrorCode::kInvalidArgument));
  // The message names the bad value.
  const std::string bad = std::string(GetParam().rp_id) == kRpId ? GetParam().origin
                                                                  : GetParam().rp_id;
  EXPECT_NE(status.error().message.find(bad.substr(0, 40)), std::string::npos)
      << status.error().message;
  authentication_.rp = rp;
  EXPECT_THAT(VerifyAuthentication(authentication_, record, response),
              HasError(ErrorCode::kInvalidArgument));
  registration_.rp = rp;
  EXPECT_THAT(Register(Creation()), HasError(ErrorCode::kInvalidArgument));
}

INSTANTIATE_TEST_SUITE_P(
    RpIdsAndOrigins, BadConfigurationTest,
    ::testing::Values(BadConfig{"https://example.org", kOrigin},
                      BadConfig{"example.org:443", kOrigin}, BadConfig{"example.org/", kOrigin},
                      BadConfig{"example.org/login", kOrigin}, BadConfig{"example.org.", kOrigin},
                      BadConfig{"Example.org", kOrigin}, BadConfig{"127.0.0.1", kOrigin},
                      BadConfig{"exa mple.org", kOrigin}, BadConfig{kRpId, "https://example.org/"},
                      BadConfig{kRpId, "https://example.org/login"},
                      BadConfig{kRpId, "https://Example.org"}, BadConfig{kRpId, "HTTPS://example.org"},
                      BadConfig{kRpId, "example.org"}, BadConfig{kRpId, "https://example.org:443"},
                      BadConfig{kRpId, "http://example.org:80"},
                      BadConfig{kRpId, "https://example.org:0"},
                      BadConfig{kRpId, "https://example.org:65536"},
                      BadConfig{kRpId, "https://example.org:08443"},
                      BadConfig{kRpId, "https://user@example.org"},
                      BadConfig{kRpId, "https://example.org?x=1"},
                      BadConfig{kRpId, "https://example.org."},
                      BadConfig{kRpId, "https://[::1"},
                      BadConfig{kRpId, "android:apk-key-hash:"},
                      BadConfig{kRpId, "android:apk-key-hash:abc=+"}));

TEST(ValidateRelyingPartyTest, AcceptsWellFormedConfiguration) {
  RelyingParty rp;
  rp.ids = {"example.org", "localhost", "xn--bcher-kva.example", "a-b.example.org"};
  rp.origins = {"https://example.org",
                "http://localhost:8080",
                "https://login.example.org:8443",
                "http://127.0.0.1:3000",
                "http://[::1]:8080",
                "chrome-extension://abcdefghijklmnop",
                "android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438Q"};
  rp.top_origins = {"https://partner.example"};
  EXPECT_THAT(ValidateRelyingParty(rp), IsOk());
}

TEST(ValidateRelyingPartyTest, ChecksTopOriginsAndEmptyLists) {
  RelyingParty rp;
  rp.ids = {"example.org"};
  rp.origins = {"https://example.org"};
  rp.top_origins = {"https://partner.example/"};
  EXPECT_THAT(ValidateRelyingParty(rp), HasError(ErrorCode::kInvalidArgument));
  rp.top_origins.clear();
  rp.origins.clear();
  EXPECT_THAT(ValidateRelyingParty(rp), HasError(ErrorCode::kInvalidArgument));
  rp.origins = {"https://example.org"};
  rp.ids.clear();
  EXPECT_THAT(ValidateRelyingParty(rp), HasError(ErrorCode::kInvalidArgument));
}

TEST(ValidateRelyingPartyTest, OptionsMakersRejectTheSameRpIds) {
  for (const char* bad : {"https://example.org", "example.org:443", "example.org.", "Example.org"}) {
    CreationOptionsParams creation;
    creation.rp_id = bad;
    creation.rp_name = "Example";
    creation.user_name = "alice";
    creation.user_display_name = "Alice";
    creation.user_id = Bytes{1, 2, 3};
    EXPECT_THAT(MakeRegistrationOptions(creation), HasError(ErrorCode::kInvalidArgument)) << bad;
    RequestOptionsParams request;
    request.rp_id = bad;
    EXPECT_THAT(MakeAuthenticationOptions(request), HasError(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST_F(CeremonyPolicyTest, MismatchMessagesNameWhatWasExpected) {
  const CredentialRecord record = Record({});
  CredentialRecord no_rp = record;
  no_rp.rp_id.clear();
  AssertionParams params = Params();
  params.rp_id = "evil.example";
  auto rp_result = VerifyAuthentication(authentication_, no_rp, Respond(params));
  ASSERT_THAT(rp_result, HasError(ErrorCode::kRpIdMismatch));
  EXPECT_NE(rp_result.error().message.find("'example.org'"), std::string::npos)
      << rp_result.error().message;
  params = Params();
  params.origin = "https://evil.example";
  auto origin_result = VerifyAuthentication(authentication_, record, Respond(params));
  ASSERT_THAT(origin_result, HasError(ErrorCode::kOriginMismatch));
  EXPECT_NE(origin_result.error().message.find("'https://example.org'"), std::string::npos)
      << origin_result.error().message;
}

// --- Stays accepted (issue #16 "Stays as it is") ---

// Real macOS Touch ID assertions carry the AT flag and attested credential
// data; §6.1 allows it and the signature covers it.
TEST_F(CeremonyPolicyTest, StaysAcceptedAssertionWithAttestedCredentialData) {
  const CredentialRecord record = Record({});
  AssertionParams params = Params();
  const Bytes cose = authenticator_->CosePublicKey();
  const Bytes id = authenticator_->credential_id();
  params.edit_authenticator_data = [&](Bytes& data) {
    data[32] = static_cast<std::uint8_t>(data[32] | testing::kFlagAt);
    data.insert(data.end(), 16, 0x00);  // AAGUID
    data.push_back(static_cast<std::uint8_t>(id.size() >> 8));
    data.push_back(static_cast<std::uint8_t>(id.size() & 0xff));
    data.insert(data.end(), id.begin(), id.end());
    data.insert(data.end(), cose.begin(), cose.end());
  };
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
}

// ECDSA signatures are not malleability-checked: (r, n − s) verifies as
// (r, s) does, and authenticators do not normalise s.
TEST_F(CeremonyPolicyTest, StaysAcceptedEcdsaHighS) {
  const CredentialRecord record = Record({});
  AssertionParams params = Params();
  bool flipped = false;
  params.edit_signature = [&](Bytes& der) {
    const unsigned char* in = der.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size()));  // NOLINT
    ASSERT_NE(sig, nullptr);
    EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    ASSERT_NE(group, nullptr);
    BIGNUM* s = BN_dup(ECDSA_SIG_get0_s(sig));
    BIGNUM* r = BN_dup(ECDSA_SIG_get0_r(sig));
    BIGNUM* half = BN_dup(EC_GROUP_get0_order(group));
    ASSERT_EQ(BN_rshift1(half, half), 1);
    // Make s the high one of {s, n − s}.
    if (BN_cmp(s, half) <= 0) {
      ASSERT_EQ(BN_sub(s, EC_GROUP_get0_order(group), s), 1);
    }
    flipped = BN_cmp(s, half) > 0;
    ASSERT_EQ(ECDSA_SIG_set0(sig, r, s), 1);
    unsigned char* out = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &out);
    ASSERT_GT(length, 0);
    der.assign(out, out + length);
    OPENSSL_free(out);
    BN_free(half);
    EC_GROUP_free(group);
    ECDSA_SIG_free(sig);
  };
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
  EXPECT_TRUE(flipped);
}

// A UTF-8 byte order mark before clientDataJSON: "UTF-8 decode" strips it.
TEST_F(CeremonyPolicyTest, StaysAcceptedClientDataWithLeadingBom) {
  const CredentialRecord record = Record({});
  AssertionParams params = Params();
  testing::ClientDataParams client_data;
  client_data.type = "webauthn.get";
  client_data.challenge = authentication_.challenge;
  client_data.origin = kOrigin;
  params.client_data_json = "\xEF\xBB\xBF" + testing::BuildClientDataJson(client_data);
  EXPECT_THAT(VerifyAuthentication(authentication_, record, Respond(params)), IsOk());
}

// Browsers have shipped attestation objects whose map keys are not in CTAP2
// canonical order: any order is accepted, duplicates never.
TEST_F(CeremonyPolicyTest, StaysAcceptedNonCanonicalCborKeyOrder) {
  RegistrationParams params = Creation();
  params.edit_attestation_object = [](Bytes& object) {
    // {"fmt": "none", "attStmt": {}, "authData": h'…'} → authData first.
    const Bytes fmt_and_stmt = {0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e',
                                0x67, 'a', 't', 't', 'S', 't', 'm', 't', 0xa0};
    ASSERT_EQ(object[0], 0xa3);
    ASSERT_TRUE(std::equal(fmt_and_stmt.begin(), fmt_and_stmt.end(), object.begin() + 1));
    Bytes reordered = {0xa3};
    reordered.insert(reordered.end(), object.begin() + 1 + static_cast<long>(fmt_and_stmt.size()),
                     object.end());
    reordered.insert(reordered.end(), fmt_and_stmt.begin(), fmt_and_stmt.end());
    object = std::move(reordered);
  };
  EXPECT_THAT(Register(params), IsOk());
}

}  // namespace
}  // namespace passkey
