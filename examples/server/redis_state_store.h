// RedisStateStore: the StateStore that several server processes share
// (issue #18): challenges, sessions and the rate-limit counters live in one
// Redis (>= 6.2, for GETDEL), reached through a small pool of hiredis
// connections.
//
// Keys (`prefix` is Options::key_prefix, "passkey:" by default):
//   <prefix>chal:<reg|auth>:<session>  a string: the challenge, its context
//                                      and expiry; SET ... EX, taken with
//                                      GETDEL (atomic: one winner)
//   <prefix>sess:<id>                  a hash: u (user id, "" = anonymous),
//                                      s (step-up until), t (last seen);
//                                      EXPIRE refreshed whenever it is seen
//   <prefix>rate:<client>:<minute>     a counter per client and minute
//                                      (fixed window), INCR + EXPIRE in one
//                                      Lua script
//
// Expiry is decided against the caller's `now`, exactly as in
// MemoryStateStore; the TTLs in Redis (one second longer than the store's)
// only make Redis forget what nobody can use any more. Unlike the in-memory
// stores there is no cap on the number of entries: the TTLs and Redis's own
// maxmemory setting bound them. The rate limit is a fixed window per
// minute, not MemoryStateStore's token bucket: a client may send up to
// twice the limit across a minute boundary.
//
// Failures: a connection that cannot be made, a timeout, an I/O error or an
// error reply make the call return StoreError::kUnavailable (the challenge
// store: passkey ErrorCode kUnavailable), never "not found" or "allowed". The
// broken connection is closed and a new one is dialled by the next call, so
// the store works again as soon as Redis does.
#ifndef PASSKEY_EXAMPLES_SERVER_REDIS_STATE_STORE_H_
#define PASSKEY_EXAMPLES_SERVER_REDIS_STATE_STORE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <passkey/ceremony_options.h>

#include "sessions.h"
#include "stores.h"

namespace passkey_server {

// RedisAddress: where Redis listens and how to log in.
struct RedisAddress {
  std::string host;       // TCP host name or address (empty with unix_path)
  int port = 6379;
  std::string unix_path;  // a Unix socket instead of TCP
  std::string username;   // Redis 6 ACL user; empty = the default user
  std::string password;   // empty = no AUTH
  int db = 0;             // SELECT db
};

// ParseRedisUrl reads `redis://[[user]:password@]host[:port][/db]` (host
// may be an IPv6 address in brackets) or `unix:PATH`. nullopt with *error
// set (never containing the password) for anything else, a port outside
// 1..65535 or a db outside 0..1023.
std::optional<RedisAddress> ParseRedisUrl(std::string_view url, std::string* error);

// RedisStateStore: thread-safe; at most Options::pool_size connections are
// open at once, a call waits up to command_timeout for a free one.
class RedisStateStore final : public StateStore {
 public:
  // Clock: unix seconds, which pick the rate-limit window (tests set it).
  using Clock = std::function<std::int64_t()>;

  struct Options {
    RedisAddress address;
    // key_prefix: every key begins with it, so deployments (or tests) can
    // share one Redis database.
    std::string key_prefix = "passkey:";
    std::size_t pool_size = 8;  // 0 counts as 1
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds command_timeout{1000};
    // Verify requests per client key per minute (a fixed window counted in
    // Redis, so shared by every server); 0 = no limit.
    unsigned rate_limit_per_minute = 60;
    std::int64_t session_idle_ttl_seconds = SessionStore::kDefaultIdleTtlSeconds;
    passkey::UnixSeconds challenge_ttl_seconds =
        passkey::InMemoryChallengeStore::kDefaultTtlSeconds;
    Clock clock;  // empty = the system clock
  };

  explicit RedisStateStore(Options options);
  ~RedisStateStore() override;
  RedisStateStore(const RedisStateStore&) = delete;
  RedisStateStore& operator=(const RedisStateStore&) = delete;

  // Ping checks that Redis answers (start-up). kUnavailable otherwise, with
  // the reason in *error when given.
  StoreStatus Ping(std::string* error = nullptr);

  passkey::ChallengeStore& Challenges() override;
  StoreResult<Session> CreateSession(std::int64_t now) override;
  StoreResult<Session> FindSession(std::string_view id, std::int64_t now) override;
  StoreResult<Session> SignIn(std::string_view old_id, std::int64_t user_id,
                              std::int64_t now) override;
  StoreStatus SetStepUp(std::string_view id, std::int64_t until) override;
  StoreStatus RemoveSession(std::string_view id) override;
  StoreResult<bool> Allow(std::string_view key) override;

 private:
  struct Impl;
  class RedisChallenges;
  StoreResult<Session> SaveNewSession(std::string_view old_id, std::optional<std::int64_t> user_id,
                                      std::int64_t now);

  std::unique_ptr<Impl> impl_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_REDIS_STATE_STORE_H_
