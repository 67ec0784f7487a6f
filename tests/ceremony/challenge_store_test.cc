// InMemoryChallengeStore: single use, expiry, binding to ceremony and
// session, replacement, eviction, context, and concurrent use.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <passkey/passkey.h>

#include "test_util.h"

namespace passkey {
namespace {

constexpr UnixSeconds kNow = 1700000000;

Bytes Challenge(std::uint8_t fill) { return Bytes(32, fill); }

TEST(ChallengeStoreTest, TakeReturnsWhatWasPut) {
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "user-handle-abc", kNow),
              IsOk());
  EXPECT_EQ(store.size(), 1u);
  Result<IssuedChallenge> taken = store.Take(Ceremony::kRegistration, "s1", kNow + 1);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->challenge, Challenge(1));
  EXPECT_EQ(taken->ceremony, Ceremony::kRegistration);
  EXPECT_EQ(taken->session_id, "s1");
  EXPECT_EQ(taken->context, "user-handle-abc");
  EXPECT_EQ(taken->expires_at, kNow + InMemoryChallengeStore::kDefaultTtlSeconds);
  EXPECT_EQ(store.size(), 0u);
}

TEST(ChallengeStoreTest, ContextRoundTripsBinaryAndEmpty) {
  InMemoryChallengeStore store;
  const std::string binary("step-up\0\xff\x01", 10);
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "s1", Challenge(1), binary, kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "s2", Challenge(2), "", kNow), IsOk());
  Result<IssuedChallenge> first = store.Take(Ceremony::kAuthentication, "s1", kNow);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->context, binary);
  Result<IssuedChallenge> second = store.Take(Ceremony::kAuthentication, "s2", kNow);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->context, "");
  EXPECT_EQ(second->challenge, Challenge(2));
}

TEST(ChallengeStoreTest, SingleUse) {
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "s1", Challenge(1), "", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "s1", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "s1", kNow),
              HasError(ErrorCode::kChallengeNotFound));
}

TEST(ChallengeStoreTest, NeverIssuedIsNotFound) {
  InMemoryChallengeStore store;
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "nobody", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "", kNow),
              HasError(ErrorCode::kChallengeNotFound));
}

// Expiry: a challenge is valid through issued + ttl inclusive and expires
// when now > issued + ttl.
TEST(ChallengeStoreTest, ValidAtExactlyTtl) {
  InMemoryChallengeStore store(/*ttl_seconds=*/60);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "", kNow), IsOk());
  Result<IssuedChallenge> taken = store.Take(Ceremony::kRegistration, "s1", kNow + 60);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->expires_at, kNow + 60);
}

TEST(ChallengeStoreTest, ExpiredOneSecondAfterTtlAndRemoved) {
  InMemoryChallengeStore store(/*ttl_seconds=*/60);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "s1", kNow + 61),
              HasError(ErrorCode::kChallengeExpired));
  EXPECT_EQ(store.size(), 0u);
  // Removed even though it was expired: a retry finds nothing.
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "s1", kNow + 61),
              HasError(ErrorCode::kChallengeNotFound));
}

TEST(ChallengeStoreTest, DefaultTtlIsTenMinutes) {
  EXPECT_EQ(InMemoryChallengeStore::kDefaultTtlSeconds, 600);
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s2", Challenge(2), "", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "s1", kNow + 600), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "s2", kNow + 601),
              HasError(ErrorCode::kChallengeExpired));
}

TEST(ChallengeStoreTest, HugeNowDoesNotOverflow) {
  InMemoryChallengeStore store;
  const UnixSeconds far = std::numeric_limits<UnixSeconds>::max() - 1;
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "", far), IsOk());
  Result<IssuedChallenge> taken = store.Take(Ceremony::kRegistration, "s1", far);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->expires_at, std::numeric_limits<UnixSeconds>::max());
}

TEST(ChallengeStoreTest, OtherCeremonyIsNotFoundAndLeavesTheEntry) {
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "s1", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  Result<IssuedChallenge> taken = store.Take(Ceremony::kRegistration, "s1", kNow);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->challenge, Challenge(1));
}

TEST(ChallengeStoreTest, BothCeremoniesMayBeOutstandingForOneSession) {
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "r", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "s1", Challenge(2), "a", kNow), IsOk());
  EXPECT_EQ(store.size(), 2u);
  Result<IssuedChallenge> auth = store.Take(Ceremony::kAuthentication, "s1", kNow);
  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->challenge, Challenge(2));
  EXPECT_EQ(auth->context, "a");
  Result<IssuedChallenge> reg = store.Take(Ceremony::kRegistration, "s1", kNow);
  ASSERT_THAT(reg, IsOk());
  EXPECT_EQ(reg->challenge, Challenge(1));
}

TEST(ChallengeStoreTest, OtherSessionIsNotFound) {
  InMemoryChallengeStore store;
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "alice-session", Challenge(1), "", kNow),
              IsOk());
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "mallory-session", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  // A prefix or a case variant is another session.
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "alice", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "Alice-session", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "alice-session", kNow), IsOk());
}

TEST(ChallengeStoreTest, NewPutReplacesTheOutstandingChallenge) {
  InMemoryChallengeStore store(/*ttl_seconds=*/60);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), "old", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(2), "new", kNow + 30), IsOk());
  EXPECT_EQ(store.size(), 1u);
  // The TTL restarts with the new challenge.
  Result<IssuedChallenge> taken = store.Take(Ceremony::kRegistration, "s1", kNow + 85);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->challenge, Challenge(2));
  EXPECT_EQ(taken->context, "new");
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "s1", kNow + 85),
              HasError(ErrorCode::kChallengeNotFound));
}

TEST(ChallengeStoreTest, RejectsBadPuts) {
  InMemoryChallengeStore store;
  EXPECT_THAT(store.Put(Ceremony::kRegistration, "", Challenge(1), "", kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store.Put(Ceremony::kRegistration, "s1", Bytes(), "", kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store.Put(Ceremony::kRegistration, std::string(513, 's'), Challenge(1), "", kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store.Put(Ceremony::kRegistration, "s1", Bytes(1025, 1), "", kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store.Put(Ceremony::kRegistration, "s1", Challenge(1), std::string(4097, 'c'), kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(store.Put(static_cast<Ceremony>(7), "s1", Challenge(1), "", kNow),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_THAT(store.Put(Ceremony::kRegistration, std::string(512, 's'), Bytes(1024, 1),
                        std::string(4096, 'c'), kNow),
              IsOk());
}

// The argument checks and the expiry arithmetic every store shares (a
// remote store calls them itself).
TEST(ChallengeStoreTest, SharedRulesForEveryStore) {
  EXPECT_THAT(CheckChallengePut(Ceremony::kAuthentication, "s1", Challenge(1), "ctx"), IsOk());
  EXPECT_THAT(CheckChallengePut(Ceremony::kAuthentication, "", Challenge(1), ""),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(CheckChallengePut(Ceremony::kAuthentication, "s1", Challenge(1),
                                std::string(4097, 'c')),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(ChallengeExpiry(kNow, 60), kNow + 60);
  EXPECT_EQ(ChallengeExpiry(kNow, -5), kNow);  // a negative ttl counts as 0
  EXPECT_EQ(ChallengeExpiry(std::numeric_limits<UnixSeconds>::max() - 1, 60),
            std::numeric_limits<UnixSeconds>::max());
}

TEST(ChallengeStoreTest, EvictsExpiredEntriesFirst) {
  InMemoryChallengeStore store(/*ttl_seconds=*/10, /*max_entries=*/3);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "old1", Challenge(1), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "old2", Challenge(2), "", kNow + 1), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "fresh", Challenge(3), "", kNow + 20), IsOk());
  EXPECT_EQ(store.size(), 3u);
  // Full: both expired entries go (not just one), the fresh one stays.
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "new", Challenge(4), "", kNow + 21), IsOk());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "old1", kNow + 21),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "old2", kNow + 21),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "fresh", kNow + 21), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "new", kNow + 21), IsOk());
}

TEST(ChallengeStoreTest, EvictsTheOldestWhenNoneExpired) {
  InMemoryChallengeStore store(/*ttl_seconds=*/600, /*max_entries=*/3);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "a", Challenge(1), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "b", Challenge(2), "", kNow + 1), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "c", Challenge(3), "", kNow + 2), IsOk());
  // Replacing "a" makes it the newest; it does not count as a new entry.
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "a", Challenge(4), "", kNow + 3), IsOk());
  EXPECT_EQ(store.size(), 3u);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "d", Challenge(5), "", kNow + 4), IsOk());
  EXPECT_EQ(store.size(), 3u);
  EXPECT_THAT(store.Take(Ceremony::kAuthentication, "b", kNow + 5),
              HasError(ErrorCode::kChallengeNotFound));
  Result<IssuedChallenge> a = store.Take(Ceremony::kRegistration, "a", kNow + 5);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->challenge, Challenge(4));
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "c", kNow + 5), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "d", kNow + 5), IsOk());
}

TEST(ChallengeStoreTest, OldestByPutOrderWithinOneSecond) {
  InMemoryChallengeStore store(/*ttl_seconds=*/600, /*max_entries=*/2);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "z-first", Challenge(1), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "a-second", Challenge(2), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "m-third", Challenge(3), "", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "z-first", kNow),
              HasError(ErrorCode::kChallengeNotFound));
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "a-second", kNow), IsOk());
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "m-third", kNow), IsOk());
}

TEST(ChallengeStoreTest, MaxEntriesZeroMeansOne) {
  InMemoryChallengeStore store(/*ttl_seconds=*/600, /*max_entries=*/0);
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "a", Challenge(1), "", kNow), IsOk());
  ASSERT_THAT(store.Put(Ceremony::kRegistration, "b", Challenge(2), "", kNow), IsOk());
  EXPECT_EQ(store.size(), 1u);
  EXPECT_THAT(store.Take(Ceremony::kRegistration, "b", kNow), IsOk());
}

TEST(ChallengeStoreTest, UsableThroughTheInterface) {
  InMemoryChallengeStore concrete;
  ChallengeStore& store = concrete;
  ASSERT_THAT(store.Put(Ceremony::kAuthentication, "s", Challenge(9), "ctx", kNow), IsOk());
  Result<IssuedChallenge> taken = store.Take(Ceremony::kAuthentication, "s", kNow);
  ASSERT_THAT(taken, IsOk());
  EXPECT_EQ(taken->challenge, Challenge(9));
}

// kUnavailable: what a remote ChallengeStore reports when its backend does
// not answer (the contract in ceremony_options.h). A stable name, appended
// after every older code.
TEST(ChallengeStoreTest, UnavailableIsAStableAppendedCode) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnavailable), "unavailable");
  ErrorCode parsed = ErrorCode::kInternal;
  ASSERT_TRUE(ErrorCodeFromName("unavailable", &parsed));
  EXPECT_EQ(parsed, ErrorCode::kUnavailable);
  EXPECT_EQ(static_cast<int>(ErrorCode::kUnavailable),
            static_cast<int>(ErrorCode::kUserHandleMissing) + 1);
}

// Several threads Put and Take their own sessions at once; each Take must
// return exactly that session's latest challenge, and an extra Take must
// find nothing. Run under TSan in CI.
TEST(ChallengeStoreTest, ConcurrentPutAndTakeOnDistinctSessions) {
  InMemoryChallengeStore store;
  constexpr int kThreads = 4;
  constexpr int kRounds = 300;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &failures, t] {
      for (int round = 0; round < kRounds; ++round) {
        const std::string session = "thread-" + std::to_string(t) + "-" + std::to_string(round);
        const Ceremony ceremony = round % 2 == 0 ? Ceremony::kRegistration
                                                 : Ceremony::kAuthentication;
        Bytes challenge(32, static_cast<std::uint8_t>(t));
        challenge[0] = static_cast<std::uint8_t>(round);
        if (!store.Put(ceremony, session, challenge, session, kNow).has_value()) {
          ++failures;
          continue;
        }
        Result<IssuedChallenge> taken = store.Take(ceremony, session, kNow + 1);
        if (!taken.has_value() || taken->challenge != challenge || taken->context != session) {
          ++failures;
        }
        if (store.Take(ceremony, session, kNow + 1).has_value()) ++failures;
        (void)store.size();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store.size(), 0u);
}

// Many threads race to Take one challenge: exactly one wins.
TEST(ChallengeStoreTest, ConcurrentTakesOfOneChallengeHaveOneWinner) {
  InMemoryChallengeStore store;
  constexpr int kThreads = 4;
  for (int round = 0; round < 50; ++round) {
    ASSERT_THAT(store.Put(Ceremony::kAuthentication, "shared", Challenge(1), "", kNow), IsOk());
    std::atomic<int> winners{0};
    std::atomic<int> not_found{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        Result<IssuedChallenge> taken = store.Take(Ceremony::kAuthentication, "shared", kNow);
        if (taken.has_value()) {
          ++winners;
        } else if (taken.error().code == ErrorCode::kChallengeNotFound) {
          ++not_found;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(not_found.load(), kThreads - 1);
  }
}

}  // namespace
}  // namespace passkey
