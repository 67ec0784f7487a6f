// The storage interfaces (stores.h) through their SQLite and in-memory
// implementations, and the --db / --state flags that choose them.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/credential_record.h>
#include <passkey/result.h>

#include "db.h"
#include "http_server.h"
#include "memory_state_store.h"
#include "server.h"
#include "credential_store_contract.h"
#include "sqlite_credential_store.h"
#include "app_test_util.h"
#include "state_store_contract.h"
#include "store_test_util.h"
#include "stores.h"

namespace passkey_server {
namespace {

constexpr std::int64_t kNow = 1700000000;

using test_util::InProcessServer;
using test_util::NewUser;
using test_util::StateStoreContractTest;
using test_util::Record;
using test_util::RunResult;
using test_util::RunServer;
using test_util::TempDir;

// ---- CredentialStore (SqliteCredentialStore) ----

// SqliteBackend: a fresh SQLite file per test.
struct SqliteBackend {
  static constexpr int kSchemaVersion = Database::kSchemaVersion;
  std::unique_ptr<CredentialStore> Open(std::string* error) {
    if (dir.path().empty()) {
      *error = "mkdtemp failed";
      return nullptr;
    }
    return SqliteCredentialStore::Open(dir.File("test.db"), error);
  }
  TempDir dir;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CredentialStoreTest, SqliteBackend);

// ---- StateStore (MemoryStateStore) ----

// MemoryBackend: the contract cases (state_store_contract.cc) run against
// MemoryStateStore, its rate limiter reading the fixture's clock.
test_util::StateStoreBackend MemoryBackend() {
  test_util::StateStoreBackend backend;
  backend.name = "Memory";
  backend.ready = [](std::string*, bool*) { return true; };
  backend.make = [](const test_util::StateStoreLimits& limits, const std::int64_t* unix_seconds) {
    MemoryStateStore::Options options;
    options.rate_limit_per_minute = limits.rate_limit_per_minute;
    options.session_idle_ttl_seconds = limits.session_idle_ttl_seconds;
    options.challenge_ttl_seconds = limits.challenge_ttl_seconds;
    options.clock = [unix_seconds] {
      return RateLimiter::Clock::time_point(std::chrono::seconds(*unix_seconds));
    };
    return std::unique_ptr<StateStore>(std::make_unique<MemoryStateStore>(std::move(options)));
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Memory, StateStoreContractTest, ::testing::Values(MemoryBackend()),
                         test_util::BackendName);

// The in-memory limiter is a token bucket: rate_limit_per_minute tokens,
// refilled continuously at that many a minute (not a fixed window).
TEST(MemoryStateStoreTest, RateLimitRefillsContinuously) {
  RateLimiter::Clock::time_point clock{std::chrono::hours(1000)};
  MemoryStateStore::Options options;
  options.rate_limit_per_minute = 3;  // one token every 20 s
  options.clock = [&clock] { return clock; };
  MemoryStateStore store(std::move(options));
  auto allow = [&store](const char* key) {
    auto allowed = store.Allow(key);
    EXPECT_TRUE(allowed.has_value());
    return allowed.has_value() && *allowed;
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
  clock += std::chrono::seconds(19);
  EXPECT_FALSE(allow("192.0.2.1"));
  clock += std::chrono::seconds(2);
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
}

// ---- The handlers and a backend that does not answer ----

// DownChallenges: a ChallengeStore whose backend never answers.
class DownChallenges final : public passkey::ChallengeStore {
 public:
  passkey::Status Put(passkey::Ceremony, std::string_view, const passkey::Bytes&,
                      std::string_view, passkey::UnixSeconds) override {
    return Down();
  }
  passkey::Result<passkey::IssuedChallenge> Take(passkey::Ceremony, std::string_view,
                                                 passkey::UnixSeconds) override {
    return Down();
  }

 private:
  static passkey::Unexpected Down() {
    return passkey::Unexpected(passkey::ErrorCode::kUnavailable, "connection refused");
  }
};

// DownCredentials: a CredentialStore whose backend never answers.
class DownCredentials final : public CredentialStore {
 public:
  StoreResult<int> SchemaVersion() override { return kDown; }
  StoreStatus Migrate() override { return kDown; }
  StoreResult<User> FindUserByName(std::string_view) override { return kDown; }
  StoreResult<User> FindUserById(std::int64_t) override { return kDown; }
  StoreResult<User> FindUserByHandle(passkey::ByteView) override { return kDown; }
  StoreResult<User> CreateUserWithPasskey(const User&, std::string_view,
                                          const passkey::CredentialRecord&) override {
    return kDown;
  }
  StoreStatus AddPasskey(std::int64_t, std::string_view,
                         const passkey::CredentialRecord&) override {
    return kDown;
  }
  StoreResult<StoredPasskey> FindPasskey(passkey::ByteView) override { return kDown; }
  StoreResult<std::vector<StoredPasskey>> ListPasskeys(std::int64_t) override { return kDown; }
  StoreResult<bool> UpdateAfterSignIn(passkey::ByteView, std::uint32_t,
                                      const passkey::CredentialRecord&) override {
    return kDown;
  }
  StoreStatus RenamePasskey(std::int64_t, passkey::ByteView, std::string_view) override {
    return kDown;
  }
  StoreStatus DeletePasskey(std::int64_t, passkey::ByteView) override { return kDown; }

 private:
  static constexpr StoreError kDown = StoreError::kUnavailable;
};

// StateWithDownParts: the in-memory state store, with its sessions or its
// challenges down.
class StateWithDownParts final : public StateStore {
 public:
  std::atomic<bool> sessions_down{false};
  std::atomic<bool> challenges_down{false};

  passkey::ChallengeStore& Challenges() override {
    return challenges_down ? down_challenges_ : memory_.Challenges();
  }
  StoreResult<Session> CreateSession(std::int64_t now) override {
    if (sessions_down)
      return StoreError::kUnavailable;
    return memory_.CreateSession(now);
  }
  StoreResult<Session> FindSession(std::string_view id, std::int64_t now) override {
    return memory_.FindSession(id, now);
  }
  StoreResult<Session> SignIn(std::string_view old_id, std::int64_t user_id,
                              std::int64_t now) override {
    return memory_.SignIn(old_id, user_id, now);
  }
  StoreStatus SetStepUp(std::string_view id, std::int64_t until) override {
    return memory_.SetStepUp(id, until);
  }
  StoreStatus RemoveSession(std::string_view id) override { return memory_.RemoveSession(id); }
  StoreResult<bool> Allow(std::string_view key) override { return memory_.Allow(key); }

 private:
  MemoryStateStore memory_{MemoryStateStore::Options{}};
  DownChallenges down_challenges_;
};

TEST(StoreUnavailableTest, TheHandlersAnswer503Unavailable) {
  TempDir dir;
  std::string error;
  auto sqlite = SqliteCredentialStore::Open(dir.File("test.db"), &error);
  ASSERT_NE(sqlite, nullptr) << error;
  DownCredentials down_credentials;
  StateWithDownParts state;

  {
    // The credential store is down: a sign-up cannot check the name.
    InProcessServer server(down_credentials, state);
    const auto reply = server.Post("/registration/options", R"({"username":"alice"})");
    EXPECT_EQ(reply, std::make_pair(503, std::string("unavailable")));
  }
  InProcessServer server(*sqlite, state);
  // Everything up: the same request works (the fakes are what fails).
  EXPECT_EQ(server.Post("/authentication/options", "{}").first, 200);
  // The challenges are down: options cannot be remembered.
  state.challenges_down = true;
  EXPECT_EQ(server.Post("/authentication/options", "{}"),
            std::make_pair(503, std::string("unavailable")));
  // The sessions are down: none can be started.
  state.challenges_down = false;
  state.sessions_down = true;
  EXPECT_EQ(server.Post("/authentication/options", "{}"),
            std::make_pair(503, std::string("unavailable")));
}

// ---- --db and --state ----

TEST(StoreFlagsTest, SqlitePrefixNamesTheFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  // --static does not exist: the store opens, then the start-up fails (1).
  const std::string rest = " --rp-id localhost --origin http://localhost:8080 --port 0"
                           " --static " + dir.File("no-such-dir");
  EXPECT_EQ(RunServer(dir, "--db sqlite:" + dir.File("a.sqlite") + rest).status, 1);
  EXPECT_TRUE(std::filesystem::exists(dir.File("a.sqlite")));
  // The old form: a plain file name.
  EXPECT_EQ(RunServer(dir, "--db " + dir.File("b.sqlite") + " --state memory" + rest).status, 1);
  EXPECT_TRUE(std::filesystem::exists(dir.File("b.sqlite")));
  EXPECT_EQ(RunServer(dir, "--db sqlite:" + rest).status, 2);
}

TEST(StoreFlagsTest, RedisIsNotBuiltYet) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string rest = " --rp-id localhost --origin http://localhost:8080 --port 0";
#ifndef PASSKEY_SERVER_WITH_POSTGRES
  // Built without libpq (postgres_store_test.cc tests the flag with it).
  RunResult postgres =
      RunServer(dir, "--db postgresql://secret-user@127.0.0.1:5432/passkey" + rest);
  EXPECT_EQ(postgres.status, 2);
  EXPECT_NE(postgres.err.find("not built in this version"), std::string::npos) << postgres.err;
  EXPECT_EQ(postgres.err.find("secret-user"), std::string::npos) << "the URL is not echoed";
#endif
#ifndef PASSKEY_SERVER_HAVE_REDIS  // built with hiredis: redis_state_store_test.cc
  RunResult redis = RunServer(dir, "--db sqlite:" + dir.File("c.sqlite") +
                                 " --state redis://127.0.0.1:6379/0" + rest);
  EXPECT_EQ(redis.status, 2);
  EXPECT_NE(redis.err.find("not built in this version"), std::string::npos) << redis.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("c.sqlite")));  // refused before opening
#endif
  EXPECT_EQ(RunServer(dir, "--db x.db --state bogus" + rest).status, 2);
}

}  // namespace
}  // namespace passkey_server
