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

class CredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::string error;
    sqlite_ = SqliteCredentialStore::Open(dir_.File("test.db"), &error);
    ASSERT_NE(sqlite_, nullptr) << error;
  }
  CredentialStore& store() { return *sqlite_; }
  // Created: a new user with one passkey, whose id is returned.
  std::int64_t Created(const std::string& name, std::uint8_t handle_byte,
                       const passkey::CredentialRecord& record) {
    auto user = store().CreateUserWithPasskey(NewUser(name, handle_byte), "Key", record);
    EXPECT_TRUE(user.has_value());
    return user.has_value() ? user->id : -1;
  }

  TempDir dir_;
  std::unique_ptr<SqliteCredentialStore> sqlite_;
};

TEST_F(CredentialStoreTest, SchemaIsCurrentAndMigrateIsANoOpThen) {
  auto version = store().SchemaVersion();
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, Database::kSchemaVersion);
  EXPECT_TRUE(store().Migrate().has_value());
  auto again = store().SchemaVersion();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, Database::kSchemaVersion);
}

TEST_F(CredentialStoreTest, FindsUsersByNameIdAndHandle) {
  const std::int64_t id = Created("alice", 1, Record(7));
  auto by_name = store().FindUserByName("ALICE");  // names compare ignoring case
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->id, id);
  EXPECT_EQ(by_name->name, "alice");
  EXPECT_EQ(by_name->display_name, "alice Example");
  auto by_id = store().FindUserById(id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->handle, passkey::Bytes(32, 1));
  auto by_handle = store().FindUserByHandle(passkey::Bytes(32, 1));
  ASSERT_TRUE(by_handle.has_value());
  EXPECT_EQ(by_handle->id, id);

  auto no_name = store().FindUserByName("bob");
  ASSERT_FALSE(no_name.has_value());
  EXPECT_EQ(no_name.error(), StoreError::kNotFound);
  auto no_id = store().FindUserById(id + 1);
  ASSERT_FALSE(no_id.has_value());
  EXPECT_EQ(no_id.error(), StoreError::kNotFound);
  auto no_handle = store().FindUserByHandle(passkey::Bytes(32, 2));
  ASSERT_FALSE(no_handle.has_value());
  EXPECT_EQ(no_handle.error(), StoreError::kNotFound);
}

TEST_F(CredentialStoreTest, ATakenNameOrCredentialStoresNeither) {
  Created("alice", 1, Record(7));
  auto same_name = store().CreateUserWithPasskey(NewUser("Alice", 2), "Key", Record(8));
  ASSERT_FALSE(same_name.has_value());
  EXPECT_EQ(same_name.error(), StoreError::kUsernameTaken);
  auto same_credential = store().CreateUserWithPasskey(NewUser("bob", 3), "Key", Record(7));
  ASSERT_FALSE(same_credential.has_value());
  EXPECT_EQ(same_credential.error(), StoreError::kCredentialExists);
  // Neither bob nor credential 8 was left behind.
  auto bob = store().FindUserByName("bob");
  ASSERT_FALSE(bob.has_value());
  EXPECT_EQ(bob.error(), StoreError::kNotFound);
  auto eight = store().FindPasskey(Record(8).id);
  ASSERT_FALSE(eight.has_value());
  EXPECT_EQ(eight.error(), StoreError::kNotFound);
}

TEST_F(CredentialStoreTest, AddListRenameDeleteOnlyTheOwnersPasskeys) {
  const std::int64_t alice = Created("alice", 1, Record(1));
  const std::int64_t bob = Created("bob", 2, Record(2));
  passkey::CredentialRecord later = Record(3);
  later.created_at = kNow + 10;
  EXPECT_TRUE(store().AddPasskey(alice, "Second", later).has_value());
  StoreStatus taken = store().AddPasskey(alice, "Again", Record(2));  // bob's credential
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error(), StoreError::kCredentialExists);
  StoreStatus nobody = store().AddPasskey(bob + 100, "Orphan", Record(4));
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error(), StoreError::kNotFound);

  auto list = store().ListPasskeys(alice);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);  // oldest first
  EXPECT_EQ((*list)[0].record.id, Record(1).id);
  EXPECT_EQ((*list)[1].record.id, later.id);
  EXPECT_EQ((*list)[1].name, "Second");
  EXPECT_EQ((*list)[1].user_id, alice);
  auto none = store().ListPasskeys(bob + 100);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());

  StoreStatus not_bobs = store().RenamePasskey(bob, Record(1).id, "Mine now");
  ASSERT_FALSE(not_bobs.has_value());
  EXPECT_EQ(not_bobs.error(), StoreError::kNotFound);
  EXPECT_TRUE(store().RenamePasskey(alice, Record(1).id, "Laptop").has_value());
  auto renamed = store().FindPasskey(Record(1).id);
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(renamed->name, "Laptop");
  EXPECT_EQ(renamed->user_id, alice);

  StoreStatus not_bobs_either = store().DeletePasskey(bob, Record(1).id);
  ASSERT_FALSE(not_bobs_either.has_value());
  EXPECT_EQ(not_bobs_either.error(), StoreError::kNotFound);
  EXPECT_TRUE(store().DeletePasskey(alice, Record(1).id).has_value());
  StoreStatus twice = store().DeletePasskey(alice, Record(1).id);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error(), StoreError::kNotFound);
}

TEST_F(CredentialStoreTest, UpdateAfterSignInIsACompareAndSet) {
  Created("alice", 1, Record(7, /*sign_count=*/5));
  passkey::CredentialRecord first = Record(7, 6);
  first.last_used_at = kNow + 60;
  auto applied = store().UpdateAfterSignIn(first.id, 5, first);
  ASSERT_TRUE(applied.has_value());
  EXPECT_TRUE(*applied);

  // A stale old value (a second sign-in verified against 5 too): not
  // applied, nothing written.
  passkey::CredentialRecord stale = Record(7, 9);
  stale.last_used_at = kNow + 120;
  auto refused = store().UpdateAfterSignIn(stale.id, 5, stale);
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(*refused);
  auto stored = store().FindPasskey(first.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->record.sign_count, 6u);
  EXPECT_EQ(stored->record.last_used_at, kNow + 60);

  // The id must be the record's; a removed passkey is kNotFound.
  auto wrong_id = store().UpdateAfterSignIn(Record(8).id, 6, Record(7, 7));
  ASSERT_FALSE(wrong_id.has_value());
  EXPECT_EQ(wrong_id.error(), StoreError::kInternal);
  auto missing = store().UpdateAfterSignIn(Record(9).id, 0, Record(9, 1));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), StoreError::kNotFound);
}

TEST_F(CredentialStoreTest, ConcurrentSignInsWithOneCounterValueHaveOneWinner) {
  Created("alice", 1, Record(7, 5));
  constexpr int kThreads = 4;
  std::atomic<int> applied{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const passkey::CredentialRecord next = Record(7, 6 + static_cast<std::uint32_t>(t));
      auto result = store().UpdateAfterSignIn(next.id, 5, next);
      if (result.has_value())
        ++(*result ? applied : refused);
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
}

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

TEST(StoreFlagsTest, PostgresqlAndRedisAreNotBuiltYet) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string rest = " --rp-id localhost --origin http://localhost:8080 --port 0";
  RunResult postgres =
      RunServer(dir, "--db postgresql://secret-user@127.0.0.1:5432/passkey" + rest);
  EXPECT_EQ(postgres.status, 2);
  EXPECT_NE(postgres.err.find("not built in this version"), std::string::npos) << postgres.err;
  EXPECT_EQ(postgres.err.find("secret-user"), std::string::npos) << "the URL is not echoed";
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
