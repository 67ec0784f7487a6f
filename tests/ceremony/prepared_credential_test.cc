// PreparedCredential: the same §7.2 verdicts as VerifyAuthentication with a
// record (both overloads run the same code), key errors at Create, Updated()
// state, and sharing one prepared credential across threads.
#include <passkey/prepared_credential.h>
#include <passkey/testing/software_authenticator.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace passkey {
namespace {

struct Fixture {
  explicit Fixture(CoseAlgorithm alg)
      : authenticator(*testing::SoftwareAuthenticator::Create(alg, "prepared")) {
    record.id = authenticator.credential_id();
    record.public_key = authenticator.CosePublicKey();
    record.algorithm = alg;
    record.backup_eligible = false;
    record.sign_count = 4;
    options.rp.ids = {"example.com"};
    options.rp.origins = {"https://example.com"};
    options.challenge = Bytes(32, 0x11);
    options.user_handle = Bytes{1, 2, 3};
    options.now = 1767225600;
  }

  testing::AssertionParams Params() const {
    testing::AssertionParams params;
    params.rp_id = "example.com";
    params.origin = "https://example.com";
    params.challenge = options.challenge;
    params.sign_count = 5;
    return params;
  }

  AuthenticationResponse Response(const testing::AssertionParams& params) const {
    auto json = authenticator.GetAssertionJson(params);
    EXPECT_THAT(json, IsOk());
    auto response = ParseAuthenticationResponseJson(*json);
    EXPECT_THAT(response, IsOk());
    return *response;
  }

  testing::SoftwareAuthenticator authenticator;
  CredentialRecord record;
  AuthenticationOptions options;
};

void ExpectSameResult(const Result<AuthenticationResult>& a, const Result<AuthenticationResult>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a.has_value()) {
    EXPECT_EQ(a.error().code, b.error().code)
        << ErrorCodeName(a.error().code) << " vs " << ErrorCodeName(b.error().code);
    return;
  }
  EXPECT_EQ(a->sign_count, b->sign_count);
  EXPECT_EQ(a->user_present, b->user_present);
  EXPECT_EQ(a->user_verified, b->user_verified);
  EXPECT_EQ(a->backup_eligible, b->backup_eligible);
  EXPECT_EQ(a->backup_state, b->backup_state);
  EXPECT_EQ(a->sign_count_rollback, b->sign_count_rollback);
  EXPECT_EQ(a->attachment, b->attachment);
  EXPECT_EQ(a->now, b->now);
}

class PreparedCredentialAlgTest : public ::testing::TestWithParam<CoseAlgorithm> {};

TEST_P(PreparedCredentialAlgTest, VerifiesLikeTheRecordPath) {
  Fixture s(GetParam());
  auto prepared = PreparedCredential::Create(s.record);
  ASSERT_THAT(prepared, IsOk());
  EXPECT_EQ(prepared->algorithm(), GetParam());
  const AuthenticationResponse response = s.Response(s.Params());
  auto from_record = VerifyAuthentication(s.options, s.record, response);
  ASSERT_THAT(from_record, IsOk());
  EXPECT_EQ(from_record->sign_count, 5u);
  ExpectSameResult(from_record, VerifyAuthentication(s.options, *prepared, response));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PreparedCredentialAlgTest,
                         ::testing::Values(CoseAlgorithm::kEs256, CoseAlgorithm::kEs384,
                                           CoseAlgorithm::kEs512, CoseAlgorithm::kEdDsa,
                                           CoseAlgorithm::kRs256, CoseAlgorithm::kPs256),
                         [](const auto& param_info) { return std::string(CoseAlgorithmName(param_info.param)); });

// One defect each; both paths must report the same first failing check.
TEST(PreparedCredentialTest, NegativeCasesGiveTheSameCodes) {
  Fixture s(CoseAlgorithm::kEs256);
  auto prepared = PreparedCredential::Create(s.record);
  ASSERT_THAT(prepared, IsOk());
  struct Case {
    const char* name;
    ErrorCode expected;
    std::function<void(testing::AssertionParams&, AuthenticationOptions&)> edit;
  };
  const std::vector<Case> cases = {
      {"challenge", ErrorCode::kChallengeMismatch,
       [](auto& p, auto&) { p.challenge = Bytes(32, 0x22); }},
      {"origin", ErrorCode::kOriginMismatch, [](auto& p, auto&) { p.origin = "https://evil.com"; }},
      {"type", ErrorCode::kTypeMismatch, [](auto& p, auto&) { p.type = "webauthn.create"; }},
      {"cross_origin", ErrorCode::kCrossOriginNotAllowed,
       [](auto& p, auto&) { p.cross_origin = true; }},
      {"token_binding", ErrorCode::kTokenBindingInvalid,
       [](auto& p, auto&) { p.token_binding_status = "bogus"; }},
      {"client_data_json", ErrorCode::kMalformedClientData,
       [](auto& p, auto&) { p.client_data_json = "{\"type\":\"webauthn.get\",\"type\":\"x\"}"; }},
      {"rp_id", ErrorCode::kRpIdMismatch, [](auto& p, auto&) { p.rp_id = "other.com"; }},
      {"up", ErrorCode::kUserNotPresent, [](auto& p, auto&) { p.flags.user_present = false; }},
      {"uv", ErrorCode::kUserNotVerified, [](auto& p, auto&) { p.flags.user_verified = false; }},
      {"bs_without_be", ErrorCode::kBackupFlagsInvalid,
       [](auto& p, auto&) { p.flags.backup_state = true; }},
      {"be_changed", ErrorCode::kBackupEligibilityChanged,
       [](auto& p, auto&) { p.flags.backup_eligible = true; }},
      {"signature", ErrorCode::kSignatureInvalid,
       [](auto& p, auto&) { p.edit_signature = [](Bytes& sig) { sig[sig.size() / 2] ^= 1; }; }},
      {"rollback", ErrorCode::kSignCountRollback, [](auto& p, auto&) { p.sign_count = 4; }},
      {"algorithm", ErrorCode::kAlgorithmNotAllowed,
       [](auto&, auto& o) { o.allowed_algorithms = {CoseAlgorithm::kEdDsa}; }},
      {"user_handle", ErrorCode::kUserHandleMismatch,
       [](auto& p, auto&) { p.user_handle = Bytes{9, 9}; }},
      {"credential_id", ErrorCode::kCredentialIdMismatch,
       [](auto& p, auto&) { p.id_text = p.raw_id_text = "AAAA"; }},
      {"options", ErrorCode::kInvalidArgument, [](auto&, auto& o) { o.rp.origins.clear(); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::AssertionParams params = s.Params();
    AuthenticationOptions options = s.options;
    c.edit(params, options);
    const AuthenticationResponse response = s.Response(params);
    auto from_record = VerifyAuthentication(options, s.record, response);
    EXPECT_THAT(from_record, HasError(c.expected));
    ExpectSameResult(from_record, VerifyAuthentication(options, *prepared, response));
  }
}

TEST(PreparedCredentialTest, CreateRejectsWhatTheRecordPathRejects) {
  Fixture s(CoseAlgorithm::kEs256);
  CredentialRecord bad = s.record;
  bad.public_key = Bytes{0xa1, 0x01, 0x02};  // {1: 2}: no alg
  EXPECT_THAT(PreparedCredential::Create(bad), HasError(ErrorCode::kInvalidPublicKey));
  const AuthenticationResponse response = s.Response(s.Params());
  EXPECT_THAT(VerifyAuthentication(s.options, bad, response),
              HasError(ErrorCode::kInvalidPublicKey));
  CredentialRecord off_curve = s.record;
  off_curve.public_key.back() ^= 1;  // last byte of y
  EXPECT_THAT(PreparedCredential::Create(off_curve), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(VerifyAuthentication(s.options, off_curve, response),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(PreparedCredentialTest, UpdatedAppliesTheResultAndKeepsTheKey) {
  Fixture s(CoseAlgorithm::kEdDsa);
  auto prepared = PreparedCredential::Create(s.record);
  ASSERT_THAT(prepared, IsOk());
  const AuthenticationResponse first = s.Response(s.Params());
  auto result = VerifyAuthentication(s.options, *prepared, first);
  ASSERT_THAT(result, IsOk());
  const PreparedCredential updated = prepared->Updated(*result);
  EXPECT_EQ(updated.record().sign_count, 5u);
  EXPECT_EQ(updated.record().last_used_at, s.options.now);
  EXPECT_EQ(prepared->record().sign_count, 4u);  // the original is unchanged
  // The same assertion again is now a counter rollback …
  EXPECT_THAT(VerifyAuthentication(s.options, updated, first),
              HasError(ErrorCode::kSignCountRollback));
  // … and a newer one verifies.
  testing::AssertionParams params = s.Params();
  params.sign_count = 6;
  EXPECT_THAT(VerifyAuthentication(s.options, updated, s.Response(params)), IsOk());
}

TEST(PreparedCredentialTest, SharedAcrossThreads) {
  Fixture s(CoseAlgorithm::kEs256);
  auto prepared = PreparedCredential::Create(s.record);
  ASSERT_THAT(prepared, IsOk());
  const AuthenticationResponse good = s.Response(s.Params());
  testing::AssertionParams tampered_params = s.Params();
  tampered_params.edit_signature = [](Bytes& sig) { sig[sig.size() - 1] ^= 1; };
  const AuthenticationResponse tampered = s.Response(tampered_params);
  constexpr int kThreads = 4;
  constexpr int kRounds = 20;
  std::atomic<int> verified{0};
  std::atomic<int> rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      const PreparedCredential copy = *prepared;  // copies share the key
      for (int i = 0; i < kRounds; ++i) {
        if (VerifyAuthentication(s.options, copy, good).has_value()) verified.fetch_add(1);
        auto bad = VerifyAuthentication(s.options, *prepared, tampered);
        if (!bad.has_value() && bad.error().code == ErrorCode::kSignatureInvalid) {
          rejected.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(verified.load(), kThreads * kRounds);
  EXPECT_EQ(rejected.load(), kThreads * kRounds);
}

}  // namespace
}  // namespace passkey
