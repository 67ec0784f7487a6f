// MemoryStateStore: the StateStore of one server process: the library's
// InMemoryChallengeStore, the SessionStore and the RateLimiter, in memory
// (a restart forgets them all; several processes do not share them).
#ifndef PASSKEY_EXAMPLES_SERVER_MEMORY_STATE_STORE_H_
#define PASSKEY_EXAMPLES_SERVER_MEMORY_STATE_STORE_H_

#include <functional>

#include <passkey/ceremony_options.h>

#include "rate_limiter.h"
#include "sessions.h"
#include "stores.h"

namespace passkey_server {

// MemoryStateStore never returns kUnavailable.
class MemoryStateStore final : public StateStore {
 public:
  using Clock = std::function<RateLimiter::Clock::time_point()>;

  struct Options {
    // Verify requests per minute per client key (token bucket); 0 = no limit.
    unsigned rate_limit_per_minute = 60;
    std::int64_t session_idle_ttl_seconds = SessionStore::kDefaultIdleTtlSeconds;
    passkey::UnixSeconds challenge_ttl_seconds = passkey::InMemoryChallengeStore::kDefaultTtlSeconds;
    // clock: the rate limiter's time (tests set it); default the steady clock.
    Clock clock = RateLimiter::Clock::now;
  };

  explicit MemoryStateStore(Options options);

  passkey::ChallengeStore& Challenges() override;
  StoreResult<Session> CreateSession(std::int64_t now) override;
  StoreResult<Session> FindSession(std::string_view id, std::int64_t now) override;
  StoreResult<Session> SignIn(std::string_view old_id, std::int64_t user_id,
                              std::int64_t now) override;
  StoreStatus SetStepUp(std::string_view id, std::int64_t until) override;
  StoreStatus RemoveSession(std::string_view id) override;
  StoreResult<bool> Allow(std::string_view key) override;

 private:
  Clock clock_;
  passkey::InMemoryChallengeStore challenges_;
  SessionStore sessions_;
  RateLimiter limiter_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_MEMORY_STATE_STORE_H_
