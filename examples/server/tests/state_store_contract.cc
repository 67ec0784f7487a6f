// The StateStore contract cases (see state_store_contract.h). The challenge
// cases are the library's ChallengeStore contract (ceremony_options.h, the
// InMemoryChallengeStore tests in tests/ceremony/challenge_store_test.cc) asked of
// every StateStore's Challenges().
#include "state_store_contract.h"

#include <limits>
#include <optional>
#include <string>

#include <passkey/bytes.h>
#include <passkey/result.h>

namespace passkey_server::test_util {

void StateStoreContractTest::SetUp() {
  std::string why;
  bool skip = false;
  if (!GetParam().ready(&why, &skip)) {
    if (skip)
      GTEST_SKIP() << why;
    FAIL() << why;
  }
}

namespace {

constexpr std::int64_t kNow = 1700000000;
constexpr auto kSignUp = passkey::Ceremony::kRegistration;
constexpr auto kSignIn = passkey::Ceremony::kAuthentication;

// ErrorOf: the error code of a failed challenge call; nullopt on success.
template <class R>
std::optional<passkey::ErrorCode> ErrorOf(const R& result) {
  if (result.has_value())
    return std::nullopt;
  return result.error().code;
}

TEST_P(StateStoreContractTest, AChallengeIsTakenOnce) {
  auto store = Make();
  passkey::ChallengeStore& challenges = store->Challenges();
  const passkey::Bytes challenge(32, 7);
  ASSERT_TRUE(challenges.Put(kSignIn, "s1", challenge, "signin", kNow).has_value());
  auto taken = challenges.Take(kSignIn, "s1", kNow + 1);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->challenge, challenge);
  EXPECT_EQ(taken->context, "signin");
  EXPECT_EQ(taken->ceremony, kSignIn);
  EXPECT_EQ(taken->session_id, "s1");
  EXPECT_EQ(taken->expires_at, kNow + passkey::InMemoryChallengeStore::kDefaultTtlSeconds);
  EXPECT_EQ(ErrorOf(challenges.Take(kSignIn, "s1", kNow + 1)),
            passkey::ErrorCode::kChallengeNotFound);
  EXPECT_EQ(ErrorOf(challenges.Take(kSignIn, "never-issued", kNow)),
            passkey::ErrorCode::kChallengeNotFound);
}

TEST_P(StateStoreContractTest, ChallengesExpireAfterTheConfiguredTtl) {
  StateStoreLimits limits;
  limits.challenge_ttl_seconds = 60;
  auto store = Make(limits);
  passkey::ChallengeStore& challenges = store->Challenges();
  for (const char* session : {"s1", "s2"})
    ASSERT_TRUE(challenges.Put(kSignUp, session, passkey::Bytes(32, 1), "", kNow).has_value());
  EXPECT_TRUE(challenges.Take(kSignUp, "s1", kNow + 60).has_value());  // valid through the TTL
  EXPECT_EQ(ErrorOf(challenges.Take(kSignUp, "s2", kNow + 61)),
            passkey::ErrorCode::kChallengeExpired);
  // An expired challenge is removed too.
  EXPECT_EQ(ErrorOf(challenges.Take(kSignUp, "s2", kNow + 61)),
            passkey::ErrorCode::kChallengeNotFound);
}

TEST_P(StateStoreContractTest, HugeNowDoesNotOverflowTheExpiry) {
  auto store = Make();
  passkey::ChallengeStore& challenges = store->Challenges();
  const passkey::UnixSeconds far = std::numeric_limits<passkey::UnixSeconds>::max() - 1;
  ASSERT_TRUE(challenges.Put(kSignUp, "s1", passkey::Bytes(32, 1), "", far).has_value());
  auto taken = challenges.Take(kSignUp, "s1", far);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->expires_at, std::numeric_limits<passkey::UnixSeconds>::max());
}

TEST_P(StateStoreContractTest, ContextRoundTripsBinaryAndEmpty) {
  auto store = Make();
  passkey::ChallengeStore& challenges = store->Challenges();
  const std::string binary("step-up\0\xff\x01", 10);
  const passkey::Bytes zeros(16, 0);  // a challenge of NUL bytes survives too
  ASSERT_TRUE(challenges.Put(kSignIn, "s1", zeros, binary, kNow).has_value());
  ASSERT_TRUE(challenges.Put(kSignIn, "s2", passkey::Bytes(32, 2), "", kNow).has_value());
  auto first = challenges.Take(kSignIn, "s1", kNow);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->context, binary);
  EXPECT_EQ(first->challenge, zeros);
  auto second = challenges.Take(kSignIn, "s2", kNow);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->context, "");
  EXPECT_EQ(second->challenge, passkey::Bytes(32, 2));
}

// A challenge is bound to its ceremony and its session: asking for another
// finds nothing and leaves it in place.
TEST_P(StateStoreContractTest, ChallengesAreBoundToCeremonyAndSession) {
  auto store = Make();
  passkey::ChallengeStore& challenges = store->Challenges();
  ASSERT_TRUE(challenges.Put(kSignUp, "alice-session", passkey::Bytes(32, 1), "r", kNow)
                  .has_value());
  EXPECT_EQ(ErrorOf(challenges.Take(kSignIn, "alice-session", kNow)),
            passkey::ErrorCode::kChallengeNotFound);
  // A prefix or a case variant is another session.
  for (const char* other : {"mallory-session", "alice", "Alice-session"}) {
    EXPECT_EQ(ErrorOf(challenges.Take(kSignUp, other, kNow)),
              passkey::ErrorCode::kChallengeNotFound)
        << other;
  }
  // Both ceremonies may be outstanding for one session.
  ASSERT_TRUE(challenges.Put(kSignIn, "alice-session", passkey::Bytes(32, 2), "a", kNow)
                  .has_value());
  auto sign_in = challenges.Take(kSignIn, "alice-session", kNow);
  ASSERT_TRUE(sign_in.has_value());
  EXPECT_EQ(sign_in->challenge, passkey::Bytes(32, 2));
  EXPECT_EQ(sign_in->context, "a");
  auto sign_up = challenges.Take(kSignUp, "alice-session", kNow);
  ASSERT_TRUE(sign_up.has_value());
  EXPECT_EQ(sign_up->challenge, passkey::Bytes(32, 1));
  EXPECT_EQ(sign_up->context, "r");
}

TEST_P(StateStoreContractTest, ANewPutReplacesTheOutstandingChallenge) {
  StateStoreLimits limits;
  limits.challenge_ttl_seconds = 60;
  auto store = Make(limits);
  passkey::ChallengeStore& challenges = store->Challenges();
  ASSERT_TRUE(challenges.Put(kSignUp, "s1", passkey::Bytes(32, 1), "old", kNow).has_value());
  ASSERT_TRUE(challenges.Put(kSignUp, "s1", passkey::Bytes(32, 2), "new", kNow + 30).has_value());
  // The TTL restarts with the new challenge.
  auto taken = challenges.Take(kSignUp, "s1", kNow + 85);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->challenge, passkey::Bytes(32, 2));
  EXPECT_EQ(taken->context, "new");
  EXPECT_EQ(ErrorOf(challenges.Take(kSignUp, "s1", kNow + 85)),
            passkey::ErrorCode::kChallengeNotFound);
}

TEST_P(StateStoreContractTest, BadPutsAreRefusedAndStoreNothing) {
  auto store = Make();
  passkey::ChallengeStore& challenges = store->Challenges();
  const passkey::Bytes ok(32, 1);
  constexpr auto kBad = passkey::ErrorCode::kInvalidArgument;
  EXPECT_EQ(ErrorOf(challenges.Put(kSignUp, "", ok, "", kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Put(kSignUp, "s1", passkey::Bytes(), "", kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Put(kSignUp, std::string(513, 's'), ok, "", kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Put(kSignUp, "s1", passkey::Bytes(1025, 1), "", kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Put(kSignUp, "s1", ok, std::string(4097, 'c'), kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Put(static_cast<passkey::Ceremony>(7), "s1", ok, "", kNow)), kBad);
  EXPECT_EQ(ErrorOf(challenges.Take(kSignUp, "s1", kNow)), passkey::ErrorCode::kChallengeNotFound);
  // The largest accepted entry.
  ASSERT_TRUE(challenges
                  .Put(kSignUp, std::string(512, 's'), passkey::Bytes(1024, 1),
                       std::string(4096, 'c'), kNow)
                  .has_value());
  auto taken = challenges.Take(kSignUp, std::string(512, 's'), kNow);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->challenge.size(), 1024u);
  EXPECT_EQ(taken->context, std::string(4096, 'c'));
}

TEST_P(StateStoreContractTest, SessionsExpireWhenIdleLongerThanTheTtl) {
  StateStoreLimits limits;
  limits.session_idle_ttl_seconds = 100;
  auto store = Make(limits);
  auto created = store->CreateSession(kNow);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->id.size(), 43u);  // 32 bytes, base64url
  EXPECT_FALSE(created->user_id.has_value());
  EXPECT_EQ(created->last_seen, kNow);
  // Seen at exactly the TTL: still alive, and the idle time starts again.
  auto seen = store->FindSession(created->id, kNow + 100);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->last_seen, kNow + 100);
  EXPECT_FALSE(seen->user_id.has_value());
  EXPECT_EQ(seen->step_up_until, 0);
  EXPECT_TRUE(store->FindSession(created->id, kNow + 200).has_value());
  auto expired = store->FindSession(created->id, kNow + 301);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error(), StoreError::kNotFound);
  // Gone for good, even at a time it would have been alive.
  auto gone = store->FindSession(created->id, kNow + 200);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error(), StoreError::kNotFound);
}

TEST_P(StateStoreContractTest, SignInRotatesTheIdAndSignOutRemovesIt) {
  auto store = Make();
  auto anonymous = store->CreateSession(kNow);
  ASSERT_TRUE(anonymous.has_value());
  auto signed_in = store->SignIn(anonymous->id, 42, kNow + 1);
  ASSERT_TRUE(signed_in.has_value());
  EXPECT_NE(signed_in->id, anonymous->id);
  EXPECT_EQ(signed_in->user_id, 42);
  auto old = store->FindSession(anonymous->id, kNow + 2);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error(), StoreError::kNotFound);

  EXPECT_TRUE(store->SetStepUp(signed_in->id, kNow + 300).has_value());
  auto stepped = store->FindSession(signed_in->id, kNow + 2);
  ASSERT_TRUE(stepped.has_value());
  EXPECT_EQ(stepped->step_up_until, kNow + 300);
  EXPECT_EQ(stepped->user_id, 42);

  EXPECT_TRUE(store->RemoveSession(signed_in->id).has_value());
  auto gone = store->FindSession(signed_in->id, kNow + 3);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error(), StoreError::kNotFound);
  StoreStatus no_step_up = store->SetStepUp(signed_in->id, kNow + 300);
  ASSERT_FALSE(no_step_up.has_value());
  EXPECT_EQ(no_step_up.error(), StoreError::kNotFound);
  EXPECT_TRUE(store->RemoveSession("never-issued").has_value());
  // A sign-in without an earlier session (or with an unknown one) works.
  auto fresh = store->SignIn("", 7, kNow + 4);
  ASSERT_TRUE(fresh.has_value());
  auto found = store->FindSession(fresh->id, kNow + 5);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, 7);
  EXPECT_TRUE(store->SignIn("not-a-session-id", 8, kNow + 6).has_value());
}

// Allow: rate_limit_per_minute per client key; a minute later the client
// may send as many again.
TEST_P(StateStoreContractTest, RateLimitRefusesOverTheLimitPerClient) {
  StateStoreLimits limits;
  limits.rate_limit_per_minute = 3;
  auto store = Make(limits);
  auto allow = [&store](const char* key) {
    auto allowed = store->Allow(key);
    EXPECT_TRUE(allowed.has_value());
    return allowed.has_value() && *allowed;
  };
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.2"));  // another client has its own count
  clock_ += 60;
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
}

TEST_P(StateStoreContractTest, RateLimitZeroAllowsEverything) {
  StateStoreLimits limits;
  limits.rate_limit_per_minute = 0;
  auto store = Make(limits);
  for (int i = 0; i < 100; ++i) {
    auto allowed = store->Allow("192.0.2.1");
    ASSERT_TRUE(allowed.has_value());
    ASSERT_TRUE(*allowed);
  }
}

}  // namespace
}  // namespace passkey_server::test_util
