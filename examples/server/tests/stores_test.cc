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
#include "store_test_util.h"
#include "stores.h"

namespace passkey_server {
namespace {

constexpr std::int64_t kNow = 1700000000;

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

class StateStoreTest : public ::testing::Test {
 protected:
  // Make: a store whose rate limiter reads `clock_`.
  std::unique_ptr<MemoryStateStore> Make(MemoryStateStore::Options options) {
    options.clock = [this] { return clock_; };
    return std::make_unique<MemoryStateStore>(std::move(options));
  }
  RateLimiter::Clock::time_point clock_{std::chrono::hours(1000)};
};

TEST_F(StateStoreTest, AChallengeIsTakenOnce) {
  auto memory = Make({});
  StateStore& store = *memory;
  passkey::ChallengeStore& challenges = store.Challenges();
  const passkey::Bytes challenge(32, 7);
  constexpr auto kSignIn = passkey::Ceremony::kAuthentication;
  ASSERT_TRUE(challenges.Put(kSignIn, "s1", challenge, "signin", kNow).has_value());
  auto taken = challenges.Take(kSignIn, "s1", kNow + 1);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->challenge, challenge);
  EXPECT_EQ(taken->context, "signin");
  auto again = challenges.Take(kSignIn, "s1", kNow + 1);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, passkey::ErrorCode::kChallengeNotFound);
}

TEST_F(StateStoreTest, ChallengesExpireAfterTheConfiguredTtl) {
  MemoryStateStore::Options options;
  options.challenge_ttl_seconds = 60;
  auto memory = Make(options);
  StateStore& store = *memory;
  passkey::ChallengeStore& challenges = store.Challenges();
  constexpr auto kSignUp = passkey::Ceremony::kRegistration;
  for (const char* session : {"s1", "s2"})
    ASSERT_TRUE(challenges.Put(kSignUp, session, passkey::Bytes(32, 1), "", kNow).has_value());
  EXPECT_TRUE(challenges.Take(kSignUp, "s1", kNow + 60).has_value());  // valid through the TTL
  auto late = challenges.Take(kSignUp, "s2", kNow + 61);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, passkey::ErrorCode::kChallengeExpired);
}

TEST_F(StateStoreTest, SessionsExpireWhenIdleLongerThanTheTtl) {
  MemoryStateStore::Options options;
  options.session_idle_ttl_seconds = 100;
  auto memory = Make(options);
  StateStore& store = *memory;
  auto created = store.CreateSession(kNow);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->id.size(), 43u);  // 32 bytes, base64url
  EXPECT_FALSE(created->user_id.has_value());
  // Seen at exactly the TTL: still alive, and the idle time starts again.
  auto seen = store.FindSession(created->id, kNow + 100);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->last_seen, kNow + 100);
  EXPECT_TRUE(store.FindSession(created->id, kNow + 200).has_value());
  auto expired = store.FindSession(created->id, kNow + 301);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error(), StoreError::kNotFound);
}

TEST_F(StateStoreTest, SignInRotatesTheIdAndSignOutRemovesIt) {
  auto memory = Make({});
  StateStore& store = *memory;
  auto anonymous = store.CreateSession(kNow);
  ASSERT_TRUE(anonymous.has_value());
  auto signed_in = store.SignIn(anonymous->id, 42, kNow + 1);
  ASSERT_TRUE(signed_in.has_value());
  EXPECT_NE(signed_in->id, anonymous->id);
  EXPECT_EQ(signed_in->user_id, 42);
  auto old = store.FindSession(anonymous->id, kNow + 2);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error(), StoreError::kNotFound);

  EXPECT_TRUE(store.SetStepUp(signed_in->id, kNow + 300).has_value());
  auto stepped = store.FindSession(signed_in->id, kNow + 2);
  ASSERT_TRUE(stepped.has_value());
  EXPECT_EQ(stepped->step_up_until, kNow + 300);
  EXPECT_EQ(stepped->user_id, 42);

  EXPECT_TRUE(store.RemoveSession(signed_in->id).has_value());
  auto gone = store.FindSession(signed_in->id, kNow + 3);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error(), StoreError::kNotFound);
  StoreStatus no_step_up = store.SetStepUp(signed_in->id, kNow + 300);
  ASSERT_FALSE(no_step_up.has_value());
  EXPECT_EQ(no_step_up.error(), StoreError::kNotFound);
  EXPECT_TRUE(store.RemoveSession("never-issued").has_value());
}

// Allow: a bucket of rate_limit_per_minute per key, refilled at that many
// a minute.
TEST_F(StateStoreTest, RateLimitRefusesOverTheLimitAndRefillsWithTime) {
  MemoryStateStore::Options options;
  options.rate_limit_per_minute = 3;  // one token every 20 s
  auto memory = Make(options);
  StateStore& store = *memory;
  auto allow = [&store](const char* key) {
    auto allowed = store.Allow(key);
    EXPECT_TRUE(allowed.has_value());
    return allowed.has_value() && *allowed;
  };
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
  EXPECT_TRUE(allow("192.0.2.2"));  // another client has its own bucket
  clock_ += std::chrono::seconds(19);
  EXPECT_FALSE(allow("192.0.2.1"));
  clock_ += std::chrono::seconds(2);
  EXPECT_TRUE(allow("192.0.2.1"));
  EXPECT_FALSE(allow("192.0.2.1"));
}

TEST_F(StateStoreTest, RateLimitZeroAllowsEverything) {
  MemoryStateStore::Options options;
  options.rate_limit_per_minute = 0;
  auto memory = Make(options);
  StateStore& store = *memory;
  for (int i = 0; i < 100; ++i) {
    auto allowed = store.Allow("192.0.2.1");
    ASSERT_TRUE(allowed.has_value());
    ASSERT_TRUE(*allowed);
  }
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

// InProcessServer: App over the given stores on an HttpServer on a free
// port, in this process.
class InProcessServer {
 public:
  InProcessServer(CredentialStore& credentials, StateStore& state) {
    ServerConfig config;
    config.rp_id = "localhost";
    config.origins = {"http://localhost:8080"};
    config.static_dir = static_dir_.path();
    app_ = std::make_unique<App>(config, credentials, state);
    std::string error;
    EXPECT_TRUE(app_->Install(server_, &error)) << error;
    port_ = server_.Bind("127.0.0.1", 0);
    EXPECT_GT(port_, 0);
    // Bind listens already: a client connecting before the thread accepts waits.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~InProcessServer() {
    // stop() only works once listen_after_bind runs.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_.stop();
    thread_.join();
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  // Post: status and error code of POST `path` with JSON `body`.
  std::pair<int, std::string> Post(const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Post(path, body, "application/json");
    if (!res)
      return {-1, ""};
    const auto json = nlohmann::json::parse(res->body, nullptr, false);
    std::string code;
    if (json.is_object() && json.contains("error"))
      code = json["error"].value("code", "");
    return {res->status, code};
  }

 private:
  TempDir static_dir_;
  HttpServer server_{4};
  std::unique_ptr<App> app_;
  int port_ = -1;
  std::thread thread_;
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

struct RunResult {
  int status = -1;
  std::string err;
};

RunResult RunServer(const TempDir& dir, const std::string& args) {
  const std::string err_file = dir.File("stderr.txt");
  const std::string command =
      std::string(PASSKEY_SERVER_PATH) + " " + args + " >/dev/null 2>" + err_file;
  const int status = std::system(command.c_str());
  RunResult run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream file(err_file);
  std::stringstream text;
  text << file.rdbuf();
  run.err = text.str();
  return run;
}

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
  RunResult redis = RunServer(dir, "--db sqlite:" + dir.File("c.sqlite") +
                                 " --state redis://127.0.0.1:6379/0" + rest);
  EXPECT_EQ(redis.status, 2);
  EXPECT_NE(redis.err.find("not built in this version"), std::string::npos) << redis.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("c.sqlite")));  // refused before opening
  EXPECT_EQ(RunServer(dir, "--db x.db --state bogus" + rest).status, 2);
}

}  // namespace
}  // namespace passkey_server
