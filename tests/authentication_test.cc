// §7.2 checks that need more than a generated vector: the AppID rule, the
// user handle, the record's BE/counter update, and options validation.
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

}  // namespace
}  // namespace passkey
