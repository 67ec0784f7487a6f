// RedisStateStore against a throwaway redis-server (redis_fixture.h): the
// StateStore contract (state_store_contract.cc), what several servers
// sharing one Redis rely on (one winner per challenge, shared sessions and
// rate limit), Redis's own expiry, and Redis down, hung and back.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/result.h>

#include "app_test_util.h"
#include "redis_fixture.h"
#include "redis_state_store.h"
#include "sqlite_credential_store.h"
#include "state_store_contract.h"
#include "store_test_util.h"
#include "stores.h"

namespace passkey_server {
namespace {

using test_util::InProcessServer;
using test_util::RedisServer;
using test_util::RunResult;
using test_util::RunServer;
using test_util::StateStoreBackend;
using test_util::StateStoreContractTest;
using test_util::StateStoreLimits;
using test_util::TempDir;

constexpr std::int64_t kNow = 1700000000;
constexpr auto kSignIn = passkey::Ceremony::kAuthentication;

// SharedRedis: one server for the contract cases of this process, started
// on first use, stopped when the process exits.
RedisServer& SharedRedis() {
  static RedisServer server;
  return server;
}

// Options: a store on `server` whose keys begin with `prefix`.
RedisStateStore::Options Options(const RedisServer& server, const std::string& prefix) {
  RedisStateStore::Options options;
  std::string error;
  options.address = ParseRedisUrl(server.Url(), &error).value_or(RedisAddress{});
  options.key_prefix = prefix;
  return options;
}

// UniquePrefix: a key prefix no other store of this process uses, so each
// contract case starts from an empty store on the shared server.
std::string UniquePrefix() {
  static std::atomic<int> next{0};
  return "test" + std::to_string(next++) + ":";
}

StateStoreBackend RedisBackend() {
  StateStoreBackend backend;
  backend.name = "Redis";
  backend.ready = [](std::string* why, bool* skip) {
    if (!RedisServer::Installed(why)) {
      *skip = true;
      return false;
    }
    if (!SharedRedis().Start()) {
      *why = SharedRedis().error();
      return false;
    }
    return true;
  };
  backend.make = [](const StateStoreLimits& limits, const std::int64_t* unix_seconds) {
    RedisStateStore::Options options = Options(SharedRedis(), UniquePrefix());
    options.rate_limit_per_minute = limits.rate_limit_per_minute;
    options.session_idle_ttl_seconds = limits.session_idle_ttl_seconds;
    options.challenge_ttl_seconds = limits.challenge_ttl_seconds;
    options.clock = [unix_seconds] { return *unix_seconds; };
    return std::unique_ptr<StateStore>(std::make_unique<RedisStateStore>(std::move(options)));
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Redis, StateStoreContractTest, ::testing::Values(RedisBackend()),
                         test_util::BackendName);

// ---- URLs ----

TEST(RedisUrlTest, ReadsHostPortPasswordAndDatabase) {
  std::string error;
  auto plain = ParseRedisUrl("redis://127.0.0.1", &error);
  ASSERT_TRUE(plain.has_value()) << error;
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->db, 0);
  EXPECT_TRUE(plain->password.empty());

  auto full = ParseRedisUrl("redis://:s3cret@cache.example:6380/2", &error);
  ASSERT_TRUE(full.has_value()) << error;
  EXPECT_EQ(full->host, "cache.example");
  EXPECT_EQ(full->port, 6380);
  EXPECT_EQ(full->db, 2);
  EXPECT_EQ(full->password, "s3cret");
  EXPECT_TRUE(full->username.empty());

  auto acl = ParseRedisUrl("redis://app:pw@[::1]:7000/", &error);
  ASSERT_TRUE(acl.has_value()) << error;
  EXPECT_EQ(acl->host, "::1");
  EXPECT_EQ(acl->port, 7000);
  EXPECT_EQ(acl->username, "app");
  EXPECT_EQ(acl->password, "pw");

  auto socket = ParseRedisUrl("unix:/run/redis/redis.sock", &error);
  ASSERT_TRUE(socket.has_value()) << error;
  EXPECT_EQ(socket->unix_path, "/run/redis/redis.sock");
  EXPECT_TRUE(socket->host.empty());
}

TEST(RedisUrlTest, RefusesMalformedUrlsWithoutEchoingThePassword) {
  for (const char* url :
       {"http://127.0.0.1", "rediss://127.0.0.1", "redis://", "redis://:pw@", "redis://h:",
        "redis://h:0", "redis://h:65536", "redis://h:6379x", "redis://h/1024", "redis://h/-1",
        "redis://h/db", "redis://hunter2@h", "redis://[::1", "redis://[::1]x", "unix:"}) {
    std::string error;
    EXPECT_FALSE(ParseRedisUrl(url, &error).has_value()) << url;
    EXPECT_FALSE(error.empty()) << url;
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  }
}

// ---- Several servers on one Redis ----

class RedisStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { REDIS_SERVER_OR_SKIP(redis_); }
  // Store: a store on this test's server, like one more server process.
  std::unique_ptr<RedisStateStore> Store(RedisStateStore::Options options) {
    return std::make_unique<RedisStateStore>(std::move(options));
  }
  RedisStateStore::Options Defaults() { return Options(redis_, "passkey:"); }

  RedisServer redis_;
};

// Separate stores (separate pools, as separate servers have) race for one
// challenge: Redis hands it to exactly one.
TEST_F(RedisStateStoreTest, AChallengeTakenByEightServersAtOnceHasOneWinner) {
  constexpr int kServers = 8;
  constexpr int kRounds = 10;
  std::vector<std::unique_ptr<RedisStateStore>> servers;
  for (int i = 0; i < kServers; ++i)
    servers.push_back(Store(Defaults()));
  for (int round = 0; round < kRounds; ++round) {
    const std::string session = "race-" + std::to_string(round);
    ASSERT_TRUE(servers[0]
                    ->Challenges()
                    .Put(kSignIn, session, passkey::Bytes(32, static_cast<std::uint8_t>(round)),
                         "", kNow)
                    .has_value());
    std::atomic<int> won{0};
    std::atomic<int> not_found{0};
    std::atomic<int> other{0};
    std::latch start(kServers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kServers; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        auto taken = servers[static_cast<std::size_t>(i)]->Challenges().Take(kSignIn, session, kNow);
        if (taken.has_value()) {
          ++won;
        } else if (taken.error().code == passkey::ErrorCode::kChallengeNotFound) {
          ++not_found;
        } else {
          ++other;
        }
      });
    }
    for (std::thread& thread : threads)
      thread.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(not_found.load(), kServers - 1) << "round " << round;
    EXPECT_EQ(other.load(), 0) << "round " << round;
  }
}

TEST_F(RedisStateStoreTest, SessionsAndTheRateLimitAreSharedByEveryServer) {
  RedisStateStore::Options options = Defaults();
  options.rate_limit_per_minute = 3;
  options.clock = [] { return kNow; };
  auto a = Store(options);
  auto b = Store(options);

  auto anonymous = a->CreateSession(kNow);
  ASSERT_TRUE(anonymous.has_value());
  auto signed_in = b->SignIn(anonymous->id, 42, kNow + 1);
  ASSERT_TRUE(signed_in.has_value());
  auto old = a->FindSession(anonymous->id, kNow + 2);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error(), StoreError::kNotFound);
  auto found = a->FindSession(signed_in->id, kNow + 2);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, 42);

  // Three requests a minute in all, whichever server they reach.
  auto allowed = [](RedisStateStore& store) {
    auto result = store.Allow("192.0.2.1");
    EXPECT_TRUE(result.has_value());
    return result.has_value() && *result;
  };
  EXPECT_TRUE(allowed(*a));
  EXPECT_TRUE(allowed(*b));
  EXPECT_TRUE(allowed(*a));
  EXPECT_FALSE(allowed(*b));
  EXPECT_FALSE(allowed(*a));
}

// Redis forgets on its own what expired: nothing piles up, and the key is
// gone even for a caller whose clock says it is still valid.
TEST_F(RedisStateStoreTest, RedisDropsExpiredChallengesAndSessionsByItself) {
  RedisStateStore::Options options = Defaults();
  options.challenge_ttl_seconds = 1;
  options.session_idle_ttl_seconds = 1;
  auto store = Store(options);
  passkey::ChallengeStore& challenges = store->Challenges();
  ASSERT_TRUE(challenges.Put(kSignIn, "kept", passkey::Bytes(32, 1), "", kNow).has_value());
  ASSERT_TRUE(challenges.Put(kSignIn, "dropped", passkey::Bytes(32, 2), "", kNow).has_value());
  auto session = store->CreateSession(kNow);
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(challenges.Take(kSignIn, "kept", kNow).has_value());  // control: still there
  // Keys live the TTL plus one second.
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  auto taken = challenges.Take(kSignIn, "dropped", kNow);
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, passkey::ErrorCode::kChallengeNotFound);
  auto found = store->FindSession(session->id, kNow);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error(), StoreError::kNotFound);
}

TEST_F(RedisStateStoreTest, WorksOverTheUnixSocket) {
  RedisStateStore::Options options = Defaults();
  std::string error;
  auto address = ParseRedisUrl("unix:" + redis_.SocketPath(), &error);
  ASSERT_TRUE(address.has_value()) << error;
  options.address = *address;
  auto store = Store(options);
  EXPECT_TRUE(store->Ping(&error).has_value()) << error;
  auto session = store->CreateSession(kNow);
  ASSERT_TRUE(session.has_value());
  // The same data as over TCP.
  auto tcp = Store(Defaults());
  EXPECT_TRUE(tcp->FindSession(session->id, kNow).has_value());
}

// ConnectedClients: Redis's count of open client connections, or -1.
int ConnectedClients(int port) {
  redisContext* context = redisConnect("127.0.0.1", port);
  int count = -1;
  if (context != nullptr && context->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "INFO clients"));
    if (reply != nullptr && reply->type == REDIS_REPLY_STRING) {
      const std::string info(reply->str, reply->len);
      const std::string field = "connected_clients:";
      if (const std::size_t at = info.find(field); at != std::string::npos)
        count = std::atoi(info.c_str() + at + field.size());
    }
    if (reply != nullptr)
      freeReplyObject(reply);
  }
  if (context != nullptr)
    redisFree(context);
  return count;
}

TEST_F(RedisStateStoreTest, ManyThreadsShareABoundedPool) {
  RedisStateStore::Options options = Defaults();
  options.pool_size = 2;
  auto store = Store(options);
  constexpr int kThreads = 16;
  constexpr int kCalls = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        auto session = store->CreateSession(kNow);
        if (session.has_value() && store->FindSession(session->id, kNow).has_value())
          ++ok;
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
  // The pool's two connections and the one asking.
  EXPECT_EQ(ConnectedClients(redis_.port()), 3);
}

// ---- Redis down, hung, and back ----

// ExpectAllUnavailable: every call of the store fails with kUnavailable;
// above all, Take never hands out a challenge and Allow never allows.
void ExpectAllUnavailable(RedisStateStore& store, const std::string& live_session) {
  passkey::ChallengeStore& challenges = store.Challenges();
  auto put = challenges.Put(kSignIn, "s2", passkey::Bytes(32, 2), "", kNow);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, passkey::ErrorCode::kUnavailable);
  auto take = challenges.Take(kSignIn, "s1", kNow);
  ASSERT_FALSE(take.has_value());
  EXPECT_EQ(take.error().code, passkey::ErrorCode::kUnavailable);
  auto created = store.CreateSession(kNow);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error(), StoreError::kUnavailable);
  auto found = store.FindSession(live_session, kNow);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error(), StoreError::kUnavailable);
  auto signed_in = store.SignIn(live_session, 42, kNow);
  ASSERT_FALSE(signed_in.has_value());
  EXPECT_EQ(signed_in.error(), StoreError::kUnavailable);
  StoreStatus step_up = store.SetStepUp(live_session, kNow + 300);
  ASSERT_FALSE(step_up.has_value());
  EXPECT_EQ(step_up.error(), StoreError::kUnavailable);
  StoreStatus removed = store.RemoveSession(live_session);
  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error(), StoreError::kUnavailable);
  auto allowed = store.Allow("192.0.2.1");
  ASSERT_FALSE(allowed.has_value());
  EXPECT_EQ(allowed.error(), StoreError::kUnavailable);
  StoreStatus ping = store.Ping();
  ASSERT_FALSE(ping.has_value());
  EXPECT_EQ(ping.error(), StoreError::kUnavailable);
}

RedisStateStore::Options ShortTimeouts(RedisStateStore::Options options) {
  options.connect_timeout = std::chrono::milliseconds(300);
  options.command_timeout = std::chrono::milliseconds(300);
  return options;
}

TEST_F(RedisStateStoreTest, RedisDownIsUnavailableUntilItIsBack) {
  auto store = Store(ShortTimeouts(Defaults()));
  // Another server whose pooled connection sits idle through the outage.
  auto idle = Store(ShortTimeouts(Defaults()));
  ASSERT_TRUE(idle->Ping().has_value());
  ASSERT_TRUE(store->Challenges().Put(kSignIn, "s1", passkey::Bytes(32, 1), "", kNow).has_value());
  auto session = store->CreateSession(kNow);
  ASSERT_TRUE(session.has_value());

  ASSERT_TRUE(redis_.Stop());
  ExpectAllUnavailable(*store, session->id);
  ExpectAllUnavailable(*store, session->id);  // still down: a new dial fails too

  ASSERT_TRUE(redis_.Restart()) << redis_.error();
  // Both recover at the first call, the idle one included (its closed
  // connection is replaced before use).
  for (RedisStateStore* server : {store.get(), idle.get()}) {
    std::string error;
    EXPECT_TRUE(server->Ping(&error).has_value()) << error;
    passkey::ChallengeStore& challenges = server->Challenges();
    // Nothing survived the restart (no persistence): refused, not accepted.
    auto lost = challenges.Take(kSignIn, "s1", kNow);
    ASSERT_FALSE(lost.has_value());
    EXPECT_EQ(lost.error().code, passkey::ErrorCode::kChallengeNotFound);
    ASSERT_TRUE(challenges.Put(kSignIn, "s3", passkey::Bytes(32, 3), "", kNow).has_value());
    EXPECT_TRUE(challenges.Take(kSignIn, "s3", kNow).has_value());
    auto fresh = server->CreateSession(kNow);
    ASSERT_TRUE(fresh.has_value());
    EXPECT_TRUE(server->FindSession(fresh->id, kNow).has_value());
    auto allowed = server->Allow("192.0.2.1");
    ASSERT_TRUE(allowed.has_value());
    EXPECT_TRUE(*allowed);
  }
}

// A Redis that accepts connections but never answers: every call gives up
// after the command timeout instead of hanging the request.
TEST_F(RedisStateStoreTest, AHungRedisTimesOutAsUnavailable) {
  auto store = Store(ShortTimeouts(Defaults()));
  auto session = store->CreateSession(kNow);
  ASSERT_TRUE(session.has_value());
  ASSERT_TRUE(redis_.Pause());
  const auto start = std::chrono::steady_clock::now();
  auto take = store->Challenges().Take(kSignIn, "s1", kNow);
  ASSERT_FALSE(take.has_value());
  EXPECT_EQ(take.error().code, passkey::ErrorCode::kUnavailable);
  auto found = store->FindSession(session->id, kNow);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error(), StoreError::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  ASSERT_TRUE(redis_.Resume());
  auto again = store->FindSession(session->id, kNow);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, session->id);
}

// ---- The handlers over Redis ----

// The HTTP handlers on a Redis that goes away: 503 `unavailable` for what
// needs it (options cannot remember a challenge, a verify cannot check
// one), and normal answers again once it is back.
TEST_F(RedisStateStoreTest, TheHandlersAnswer503WhileRedisIsDown) {
  TempDir dir;
  std::string error;
  auto sqlite = SqliteCredentialStore::Open(dir.File("test.db"), &error);
  ASSERT_NE(sqlite, nullptr) << error;
  RedisStateStore state(ShortTimeouts(Defaults()));
  InProcessServer server(*sqlite, state);
  EXPECT_EQ(server.Post("/authentication/options", "{}").first, 200);

  ASSERT_TRUE(redis_.Stop());
  EXPECT_EQ(server.Post("/authentication/options", "{}"),
            std::make_pair(503, std::string("unavailable")));
  EXPECT_EQ(server.Post("/authentication/verify", "{}"),
            std::make_pair(503, std::string("unavailable")));

  ASSERT_TRUE(redis_.Restart()) << redis_.error();
  EXPECT_EQ(server.Post("/authentication/options", "{}").first, 200);
}

// ---- passkey-server --state ----

TEST(RedisStateFlagTest, ABadOrUnreachableRedisStopsTheStart) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string rest = " --db " + dir.File("a.sqlite") +
                           " --rp-id localhost --origin http://localhost:8080 --port 0";
  // Malformed: a usage error, the URL not echoed.
  RunResult bad = RunServer(dir, "--state redis://:hunter2@127.0.0.1:0/0" + rest);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("port"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("hunter2"), std::string::npos) << bad.err;
  EXPECT_EQ(RunServer(dir, "--state rediss://127.0.0.1:6379" + rest).status, 2);
  // Nothing listens on port 1: the server does not start (exit 1).
  RunResult down = RunServer(dir, "--state redis://:hunter2@127.0.0.1:1/0" + rest);
  EXPECT_EQ(down.status, 1);
  EXPECT_NE(down.err.find("cannot reach Redis"), std::string::npos) << down.err;
  EXPECT_EQ(down.err.find("hunter2"), std::string::npos) << down.err;
}

}  // namespace
}  // namespace passkey_server
