// Several passkey-server instances on one PostgreSQL database and one Redis
// (issue #18, ctest label `scale`), as behind a load balancer: a ceremony
// and a session may move between instances, a challenge is redeemed once
// whichever instances are asked, the signature counter only rises; and
// faults: an instance killed with SIGKILL under load, PostgreSQL restarted,
// Redis stopped and started again. Each test gets its own throwaway
// PostgreSQL and redis-server (shared_backends.h) and is skipped when they
// are not installed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/types.h>

#include "browser.h"
#include "server_process.h"
#include "shared_backends.h"
#include "store_test_util.h"

namespace passkey_server {
namespace {

using nlohmann::json;
using passkey::testing::SoftwareAuthenticator;
using test_util::Assertion;
using test_util::Browser;
using test_util::ErrorCode;
using test_util::MakeAuthenticator;
using test_util::Register;
using test_util::Reply;
using test_util::ServerProcess;
using test_util::SharedBackends;
using test_util::SignIn;
using test_util::TempDir;
using Clock = std::chrono::steady_clock;

// Outcome: one HTTP reply as a worker thread saw it, and when.
struct Outcome {
  Clock::time_point sent;
  Clock::time_point received;
  int status = 0;  // 0: no HTTP answer (connection refused or cut)
  std::string code;
};

// UntilAvailable: `request` sent again while it answers 503 `unavailable`
// (up to 10 times over about 5 s); the first other reply.
template <class Request>
Reply UntilAvailable(const Request& request) {
  Reply reply;
  for (int attempt = 0; attempt < 10; ++attempt) {
    reply = request();
    if (reply.status != 503 || ErrorCode(reply) != "unavailable")
      return reply;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return reply;
}

// ScaleTest: a fresh database and Redis database of this process's
// backends per test, and the instances it starts on them (stopped with
// SIGTERM at the end, each expected to exit 0, unless a test killed it).
class ScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SHARED_BACKENDS_OR_SKIP(backends_);
    std::string error;
    flags_ = backends_->Fresh(&database_, &error);
    ASSERT_FALSE(flags_.empty()) << error;
    // Every test sends many verify requests from 127.0.0.1; the shared
    // rate limit is tested in redis_state_store_test.cc.
    flags_.insert(flags_.end(), {"--rate-limit", "0"});
  }

  void TearDown() override {
    for (const auto& instance : instances_) {
      if (instance != nullptr && instance->Running()) {
        const std::string log = instance->Log();
        EXPECT_EQ(instance->Stop(), 0) << "SIGTERM must exit 0; log:\n" << log;
      }
    }
  }

  // StartInstances: `count` passkey-server processes on the test's
  // database and Redis database, each with its own directory.
  void StartInstances(int count) {
    for (int i = 0; i < count; ++i) {
      dirs_.push_back(std::make_unique<TempDir>());
      ASSERT_FALSE(dirs_.back()->path().empty());
      instances_.push_back(ServerProcess::Start(dirs_.back()->path(), flags_));
      ASSERT_NE(instances_.back(), nullptr) << "instance " << i << " did not start";
    }
  }

  int Port(std::size_t instance) const { return instances_[instance]->port(); }

  // Scalar: the one value `sql` selects from the test's database.
  std::string Scalar(const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    std::string error;
    EXPECT_TRUE(backends_->Query(database_, sql, &rows, &error)) << error;
    if (rows.size() != 1 || rows[0].size() != 1) {
      ADD_FAILURE() << sql << ": not one value";
      return {};
    }
    return rows[0][0];
  }

  // SignUpAlice: user alice with `authenticator`, on instance `instance`;
  // her user handle.
  passkey::Bytes SignUpAlice(const SoftwareAuthenticator& authenticator, std::size_t instance) {
    Browser browser(Port(instance));
    passkey::Bytes handle;
    const Reply reply = Register(browser, authenticator, {{"username", "alice"}},
                                 {true, true, true, true}, test_util::kServerOrigin, &handle);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(handle.size(), 32u);
    return handle;
  }

  SharedBackends* backends_ = nullptr;
  std::string database_;
  std::vector<std::string> flags_;
  // Declared before instances_: a directory outlives its server.
  std::vector<std::unique_ptr<TempDir>> dirs_;
  std::vector<std::unique_ptr<ServerProcess>> instances_;
};

// ---- Multi-instance ----

TEST_F(ScaleTest, SignUpOnASignInOnBListOnC) {
  StartInstances(3);
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const passkey::Bytes handle = SignUpAlice(phone, 0);

  Browser on_b(Port(1));
  const Reply signed_in = SignIn(on_b, phone, handle, 1);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(signed_in.body["user"]["name"], "alice");

  // The session cookie B set is known to C (sessions live in Redis).
  Browser on_c(Port(2));
  on_c.set_sid(on_b.sid());
  const Reply list = on_c.Get("/passkeys");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.body["passkeys"].size(), 1u);
  EXPECT_EQ(list.body["passkeys"][0]["id"], passkey::Base64UrlEncode(phone.credential_id()));
  EXPECT_EQ(list.body["passkeys"][0]["signCount"], 1);  // stored by B
  EXPECT_TRUE(list.body["passkeys"][0]["lastUsedAt"].is_string());
  EXPECT_EQ(on_c.Get("/api/session").body["user"]["name"], "alice");

  // Signing out on C ends the session on every instance.
  EXPECT_EQ(on_c.Post("/signout", std::string()).status, 204);
  Browser on_a(Port(0));
  on_a.set_sid(on_b.sid());
  EXPECT_EQ(on_a.Get("/api/session").body["signedIn"], false);
  const Reply gone = on_a.Get("/passkeys");
  EXPECT_EQ(gone.status, 401);
  EXPECT_EQ(ErrorCode(gone), "not_signed_in");
}

// The same assertion (one session, one challenge) sent to the three
// instances at the same moment: Redis's GETDEL gives the challenge to one.
TEST_F(ScaleTest, OneChallengeRedeemedOnThreeInstancesAtOnceSucceedsOnce) {
  StartInstances(3);
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const passkey::Bytes handle = SignUpAlice(phone, 0);

  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    Browser tab(Port(0));
    const Reply options = tab.Post("/authentication/options", json::object());
    ASSERT_EQ(options.status, 200) << options.body;
    const std::string assertion =
        Assertion(options, phone, handle, static_cast<std::uint32_t>(round + 1));
    std::vector<Reply> replies(instances_.size());
    std::latch start(static_cast<std::ptrdiff_t>(instances_.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      threads.emplace_back([&, i] {
        Browser browser(Port(i));
        browser.set_sid(tab.sid());
        start.arrive_and_wait();
        replies[i] = browser.Post("/authentication/verify", assertion);
      });
    }
    for (std::thread& thread : threads)
      thread.join();
    int accepted = 0;
    for (const Reply& reply : replies) {
      if (reply.status == 200) {
        ++accepted;
        continue;
      }
      EXPECT_EQ(reply.status, 401) << "round " << round << ": " << reply.body;
      EXPECT_EQ(ErrorCode(reply), "challenge_not_found") << "round " << round;
    }
    EXPECT_EQ(accepted, 1) << "round " << round;
  }
  EXPECT_EQ(Scalar("SELECT sign_count FROM passkeys"), std::to_string(kRounds));
}

// 50 sign-ins with one credential, each with its own challenge and a
// distinct counter, spread over three instances: five waves of 10 sent at
// once, each wave's counters (10 above the last wave's) in a shuffled
// order. (All 50 at once would accept only the two or three that happen to
// arrive in rising order; waves make at least one acceptance per wave, so
// the order below is tested on several values.) A trigger logs every
// counter the database stores, in the order the row lock granted them:
// that order must be strictly increasing, must be exactly the accepted
// assertions' counters, and must end at the stored counter; every other
// sign-in is refused as sign_count_rollback.
TEST_F(ScaleTest, FiftyConcurrentSignInsOnlyEverRaiseTheCounter) {
  StartInstances(3);
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const passkey::Bytes handle = SignUpAlice(phone, 0);
  std::string error;
  ASSERT_TRUE(backends_->postgres().Exec(
      database_,
      "CREATE TABLE counter_log (seq BIGSERIAL PRIMARY KEY, sign_count BIGINT NOT NULL);"
      "CREATE FUNCTION log_counter() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "INSERT INTO counter_log (sign_count) VALUES (NEW.sign_count); RETURN NEW; END $$;"
      "CREATE TRIGGER log_counter AFTER UPDATE OF sign_count ON passkeys "
      "FOR EACH ROW EXECUTE FUNCTION log_counter()",
      &error))
      << error;

  constexpr int kSignIns = 50;
  constexpr std::size_t kWave = 10;
  std::vector<std::uint32_t> counters(kSignIns);
  std::iota(counters.begin(), counters.end(), 1u);
  std::mt19937 random(18);
  for (std::size_t wave = 0; wave < kSignIns; wave += kWave) {
    const auto begin = counters.begin() + static_cast<std::ptrdiff_t>(wave);
    std::shuffle(begin, begin + kWave, random);
  }
  std::vector<std::unique_ptr<Browser>> tabs;
  std::vector<std::string> assertions;
  for (int i = 0; i < kSignIns; ++i) {
    tabs.push_back(std::make_unique<Browser>(Port(static_cast<std::size_t>(i) % 3)));
    const Reply options = tabs.back()->Post("/authentication/options", json::object());
    ASSERT_EQ(options.status, 200) << options.body;
    assertions.push_back(Assertion(options, phone, handle, counters[static_cast<std::size_t>(i)]));
  }
  std::vector<Reply> replies(kSignIns);
  for (std::size_t wave = 0; wave < kSignIns; wave += kWave) {
    std::latch start(kWave);
    std::vector<std::thread> threads;
    for (std::size_t i = wave; i < wave + kWave; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        replies[i] = tabs[i]->Post("/authentication/verify", assertions[i]);
      });
    }
    for (std::thread& thread : threads)
      thread.join();
  }

  std::vector<std::uint32_t> accepted;
  for (std::size_t i = 0; i < kSignIns; ++i) {
    if (replies[i].status == 200) {
      accepted.push_back(counters[i]);
      continue;
    }
    EXPECT_EQ(replies[i].status, 401) << counters[i] << ": " << replies[i].body;
    EXPECT_EQ(ErrorCode(replies[i]), "sign_count_rollback") << counters[i];
  }
  EXPECT_GE(accepted.size(), kSignIns / kWave) << "at least one per wave";
  std::sort(accepted.begin(), accepted.end());

  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(
      backends_->Query(database_, "SELECT sign_count FROM counter_log ORDER BY seq", &rows, &error))
      << error;
  std::vector<std::uint32_t> logged;
  for (const auto& row : rows)
    logged.push_back(static_cast<std::uint32_t>(std::stoul(row[0])));
  EXPECT_TRUE(std::adjacent_find(logged.begin(), logged.end(), std::greater_equal<>()) ==
              logged.end())
      << "a stored counter did not rise";
  EXPECT_EQ(logged, accepted) << "the accepted counters, in the order stored";
  EXPECT_EQ(Scalar("SELECT sign_count FROM passkeys"), std::to_string(accepted.back()));
}

// ---- Faults ----

// SignedUp: an account a worker created (its sign-up got 200).
struct SignedUp {
  std::string seed;
  passkey::Bytes handle;
};

// Four workers sign up new users and sign each in on another instance,
// moving to the next instance when one does not answer (as a load
// balancer does); one instance is killed with SIGKILL in the middle. The
// other two go on; every sign-up that got 200 signs in afterwards, and no
// user is stored without a passkey.
TEST_F(ScaleTest, KillingAnInstanceUnderLoadLosesNothing) {
  StartInstances(3);
  constexpr int kWorkers = 4;
  std::atomic<bool> stop{false};
  std::atomic<int> signed_up{0};
  std::atomic<int> after_kill{0};  // sign-ins completed after the kill
  std::atomic<bool> killed{false};
  std::mutex mutex;
  std::vector<SignedUp> accounts;
  std::vector<std::string> unexpected;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      std::size_t next = static_cast<std::size_t>(w);
      for (int k = 0; !stop.load(); ++k) {
        const std::string seed = "worker" + std::to_string(w) + "-" + std::to_string(k);
        const SoftwareAuthenticator authenticator = MakeAuthenticator(seed);
        Browser browser(Port(next++ % 3));
        passkey::Bytes handle;
        const Reply up = Register(browser, authenticator, {{"username", seed}},
                                  {true, true, true, true}, test_util::kServerOrigin, &handle);
        if (up.status == 0)
          continue;  // that instance is gone: the next one (the outcome is unknown)
        std::lock_guard<std::mutex> lock(mutex);
        if (up.status != 200) {
          unexpected.push_back("sign-up " + std::to_string(up.status) + " " + up.body.dump());
          continue;
        }
        accounts.push_back({seed, handle});
        ++signed_up;
      }
    });
  }
  // Sign-ins of the accounts so far, on the instances in turn, alongside.
  workers.emplace_back([&] {
    std::size_t next = 0;
    std::size_t index = 0;
    while (!stop.load()) {
      SignedUp account;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!accounts.empty())
          account = accounts[index++ % accounts.size()];
      }
      if (account.seed.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      Browser browser(Port(next++ % 3));
      const Reply options = browser.Post("/authentication/options", json::object());
      if (options.status == 0)
        continue;  // the killed instance
      const Reply in = browser.Post("/authentication/verify",
                                    Assertion(options, MakeAuthenticator(account.seed),
                                              account.handle, static_cast<std::uint32_t>(next)));
      if (in.status == 200 && killed.load())
        ++after_kill;
      // 401 sign_count_rollback: an earlier sign-in of this account had a
      // higher counter. 0: the killed instance.
      if (in.status != 0 && in.status != 200 && ErrorCode(in) != "sign_count_rollback") {
        std::lock_guard<std::mutex> lock(mutex);
        unexpected.push_back("sign-in " + std::to_string(in.status) + " " + in.body.dump());
      }
    }
  });

  const auto wait_for = [&](int sign_ups) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (signed_up.load() < sign_ups && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  wait_for(8);
  instances_[1]->Kill();
  killed = true;
  const int before = signed_up.load();
  wait_for(before + 12);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (after_kill.load() < 5 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  for (std::thread& worker : workers)
    worker.join();

  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected replies, first: "
                                  << (unexpected.empty() ? "" : unexpected.front());
  EXPECT_GE(signed_up.load(), before + 12) << "the other instances did not go on";
  EXPECT_GE(after_kill.load(), 5);
  EXPECT_TRUE(instances_[0]->Running());
  EXPECT_TRUE(instances_[2]->Running());

  // Every account that got 200 signs in on a surviving instance.
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    Browser browser(Port(i % 2 == 0 ? 0 : 2));
    const Reply in =
        SignIn(browser, MakeAuthenticator(accounts[i].seed), accounts[i].handle, 1000000);
    EXPECT_EQ(in.status, 200) << accounts[i].seed << ": " << in.body;
  }
  // Nothing half-written: no user without a passkey, no passkey without a
  // record; at least the accounts that got 200 are stored.
  EXPECT_EQ(Scalar("SELECT count(*) FROM users u WHERE NOT EXISTS "
                   "(SELECT 1 FROM passkeys p WHERE p.user_id = u.id)"),
            "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM passkeys WHERE record = ''"), "0");
  EXPECT_GE(std::stoi(Scalar("SELECT count(*) FROM users")), static_cast<int>(accounts.size()));
}

// Two sign-in workers while PostgreSQL is stopped and started again: every
// reply is 200, 503 `unavailable` or (two workers, one credential) 401
// sign_count_rollback; no sign-in sent and answered while it was down is
// accepted; the instances stay up and sign-ins succeed again after.
TEST_F(ScaleTest, PostgresRestartedMidRunIs503ThenRecovers) {
  StartInstances(2);
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const passkey::Bytes handle = SignUpAlice(phone, 0);

  std::atomic<bool> stop{false};
  std::atomic<std::uint32_t> counter{1};
  std::mutex mutex;
  std::vector<Outcome> outcomes;
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      Browser browser(Port(w));
      while (!stop.load()) {
        Outcome outcome;
        outcome.sent = Clock::now();
        const Reply in = SignIn(browser, phone, handle, counter++);
        outcome.received = Clock::now();
        outcome.status = in.status;
        outcome.code = ErrorCode(in);
        std::lock_guard<std::mutex> lock(mutex);
        outcomes.push_back(outcome);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(backends_->postgres().Stop());
  const Clock::time_point down = Clock::now();

  // While it is down: a sign-up needs the database (is the name taken?),
  // a sign-in needs the passkey; both 503. The sign-in's challenge was
  // taken: sent again later, it is refused, not accepted.
  Browser bob(Port(1));
  const Reply taken = bob.Post("/registration/options", json{{"username", "bob"}});
  EXPECT_EQ(taken.status, 503) << taken.body;
  EXPECT_EQ(ErrorCode(taken), "unavailable");
  Browser tab(Port(0));
  const Reply options = tab.Post("/authentication/options", json::object());
  ASSERT_EQ(options.status, 200) << options.body;  // challenges live in Redis
  const std::string held = Assertion(options, phone, handle, 4000000000u);
  const Reply refused = tab.Post("/authentication/verify", held);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(ErrorCode(refused), "unavailable");
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const Clock::time_point restarting = Clock::now();
  std::string error;
  ASSERT_TRUE(backends_->postgres().Restart(&error)) << error;
  const Clock::time_point up = Clock::now();
  // Until a sign-in sent after the restart succeeds (the first may meet a
  // pooled connection the restart broke), at most 20 s.
  const auto succeeded_after_restart = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return std::any_of(outcomes.begin(), outcomes.end(), [&](const Outcome& outcome) {
      return outcome.status == 200 && outcome.sent > up;
    });
  };
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!succeeded_after_restart() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (std::thread& worker : workers)
    worker.join();

  int down_503 = 0;
  int after_200 = 0;
  for (const Outcome& outcome : outcomes) {
    const bool answered_while_down = outcome.sent > down && outcome.received < restarting;
    if (outcome.status == 200) {
      EXPECT_FALSE(answered_while_down) << "a sign-in accepted while PostgreSQL was down";
      after_200 += outcome.sent > up ? 1 : 0;
    } else if (outcome.status == 503) {
      EXPECT_EQ(outcome.code, "unavailable");
      down_503 += answered_while_down ? 1 : 0;
    } else {
      EXPECT_EQ(outcome.status, 401);
      EXPECT_EQ(outcome.code, "sign_count_rollback");
    }
  }
  EXPECT_GT(down_503, 0);
  EXPECT_GT(after_200, 0) << "no sign-in succeeded after the restart";
  EXPECT_TRUE(instances_[0]->Running());
  EXPECT_TRUE(instances_[1]->Running());

  const Reply replayed = tab.Post("/authentication/verify", held);
  EXPECT_EQ(replayed.status, 401) << replayed.body;
  EXPECT_EQ(ErrorCode(replayed), "challenge_not_found");
  EXPECT_EQ(UntilAvailable([&] {
              return bob.Post("/registration/options", json{{"username", "bob"}});
            }).status,
            200);
}

// Redis stopped: sign-in is refused with 503 on every instance (the
// challenge cannot be checked, so it is never accepted); Redis started
// again (empty: no persistence): the old assertion is refused, a new
// sign-in succeeds.
TEST_F(ScaleTest, RedisDownRefusesSignInUntilItIsBack) {
  StartInstances(2);
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const passkey::Bytes handle = SignUpAlice(phone, 0);
  Browser tab(Port(1));
  const Reply options = tab.Post("/authentication/options", json::object());
  ASSERT_EQ(options.status, 200) << options.body;
  const std::string assertion = Assertion(options, phone, handle, 1);

  ASSERT_TRUE(backends_->redis().Stop());
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    Browser browser(Port(i));
    browser.set_sid(tab.sid());
    const Reply refused = browser.Post("/authentication/verify", assertion);
    EXPECT_EQ(refused.status, 503) << i << ": " << refused.body;
    EXPECT_EQ(ErrorCode(refused), "unavailable") << i;
    const Reply no_options = browser.Post("/authentication/options", json::object());
    EXPECT_EQ(no_options.status, 503) << i << ": " << no_options.body;
    EXPECT_EQ(ErrorCode(no_options), "unavailable") << i;
  }
  EXPECT_TRUE(instances_[0]->Running());
  EXPECT_TRUE(instances_[1]->Running());

  ASSERT_TRUE(backends_->redis().Start()) << backends_->redis().error();
  // A pooled connection that broke with the restart costs one 503 when it
  // is next used (it is then dropped): a few tries, each 503 `unavailable`.
  const Reply replayed =
      UntilAvailable([&] { return tab.Post("/authentication/verify", assertion); });
  EXPECT_EQ(replayed.status, 401) << replayed.body;
  EXPECT_EQ(ErrorCode(replayed), "challenge_not_found");
  std::uint32_t counter = 2;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    Browser browser(Port(i));
    const Reply in = UntilAvailable([&] { return SignIn(browser, phone, handle, counter++); });
    EXPECT_EQ(in.status, 200) << i << ": " << in.body;
  }
}

}  // namespace
}  // namespace passkey_server
