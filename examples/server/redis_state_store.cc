#include "redis_state_store.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <initializer_list>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <system_error>
#include <time.h>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

namespace passkey_server {
namespace {

// Lua scripts. Each runs atomically in Redis, so no other client sees a
// half-done update, and each costs one round trip.

// kFindSessionScript: KEYS[1] the session; ARGV now, idle ttl, key ttl.
// Returns {u, s, t} with t = now, or nil when the session is unknown or was
// idle longer than the ttl at `now` (then it is deleted). Lua numbers are
// doubles: exact for unix seconds.
constexpr std::string_view kFindSessionScript = R"lua(
local v = redis.call('HMGET', KEYS[1], 'u', 's', 't')
if not v[3] then return false end
if tonumber(ARGV[1]) - tonumber(v[3]) > tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('HSET', KEYS[1], 't', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {v[1], v[2], ARGV[1]}
)lua";

// kSaveSessionScript: KEYS[1] the new session, KEYS[2] (optional) the one
// it replaces; ARGV user ("" = anonymous), now, key ttl. Deleting the old
// and writing the new happen together (session fixation: no moment where
// both work).
constexpr std::string_view kSaveSessionScript = R"lua(
if KEYS[2] then redis.call('DEL', KEYS[2]) end
redis.call('HSET', KEYS[1], 'u', ARGV[1], 's', '0', 't', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
)lua";

// kSetStepUpScript: KEYS[1] the session; ARGV until. 0 when the session is
// gone (HSET alone would recreate a half session).
constexpr std::string_view kSetStepUpScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1])
return 1
)lua";

// kCountScript: KEYS[1] the window's counter; ARGV its lifetime. The count
// after this request; the counter expires with its window.
constexpr std::string_view kCountScript = R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
)lua";

constexpr std::int64_t kRateWindowSeconds = 60;
// A key outlives the store's own expiry by this much, so a call at the last
// valid second still finds it and the caller's `now` decides.
constexpr std::int64_t kKeySlackSeconds = 1;
// Keys live at most this long in Redis, whatever the configured TTLs.
constexpr std::int64_t kMaxKeySeconds = 10LL * 365 * 24 * 60 * 60;
// The challenge value: version, expires_at (8 bytes big-endian), challenge
// length (2 bytes big-endian), challenge, context.
constexpr unsigned char kChallengeFormat = 1;
constexpr std::size_t kChallengeHeaderBytes = 1 + 8 + 2;

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// SigpipeGuard: hiredis writes with write(2), which raises SIGPIPE when
// Redis has closed the connection; by default that kills the process. For
// its scope SIGPIPE is blocked in this thread, and one raised meanwhile is
// discarded (the write reports EPIPE, the command fails as kUnavailable),
// so the store is safe whatever the process does with SIGPIPE.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    // One pending before us is not ours to discard.
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    blocked_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
  }
  ~SigpipeGuard() {
    if (!blocked_)
      return;
    if (!was_pending_) {
      const timespec now{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
  bool blocked_ = false;
};

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::int64_t KeySeconds(std::int64_t ttl) {
  if (ttl < 0)
    ttl = 0;
  return std::min(ttl, kMaxKeySeconds) + kKeySlackSeconds;
}

bool ParseInt64(std::string_view text, std::int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

std::string_view ReplyText(const redisReply& reply) {
  return std::string_view(reply.str, reply.len);
}

}  // namespace

std::optional<RedisAddress> ParseRedisUrl(std::string_view url, std::string* error) {
  RedisAddress address;
  constexpr std::string_view kUnix = "unix:";
  constexpr std::string_view kRedis = "redis://";
  if (url.substr(0, kUnix.size()) == kUnix) {
    address.unix_path = std::string(url.substr(kUnix.size()));
    if (address.unix_path.empty()) {
      *error = "unix: needs a socket path";
      return std::nullopt;
    }
    return address;
  }
  if (url.substr(0, kRedis.size()) != kRedis) {
    *error = "a Redis URL begins with redis:// or unix:";
    return std::nullopt;
  }
  std::string_view rest = url.substr(kRedis.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == rest.npos ? std::string_view() : rest.substr(slash + 1);
  if (const std::size_t at = authority.rfind('@'); at != authority.npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const std::size_t colon = userinfo.find(':');
    if (colon == userinfo.npos) {
      *error = "the Redis URL's user part must be [user]:password";
      return std::nullopt;
    }
    address.username = std::string(userinfo.substr(0, colon));
    address.password = std::string(userinfo.substr(colon + 1));
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == authority.npos) {
      *error = "the Redis URL has an unclosed [ in its host";
      return std::nullopt;
    }
    address.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      *error = "the Redis URL has text after its host";
      return std::nullopt;
    }
    if (!after.empty())
      port_text = after.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    address.host = std::string(authority.substr(0, colon));
    if (colon != authority.npos)
      port_text = authority.substr(colon + 1);
  }
  if (address.host.empty()) {
    *error = "the Redis URL has no host";
    return std::nullopt;
  }
  std::int64_t number = 0;
  if (!port_text.empty() || authority.find(':') != authority.npos) {
    if (!ParseInt64(port_text, &number) || number < 1 || number > 65535) {
      *error = "the Redis URL's port must be 1..65535";
      return std::nullopt;
    }
    address.port = static_cast<int>(number);
  }
  if (!path.empty()) {
    if (!ParseInt64(path, &number) || number < 0 || number > 1023) {
      *error = "the Redis URL's database must be a number 0..1023";
      return std::nullopt;
    }
    address.db = static_cast<int>(number);
  }
  return address;
}

// Impl: the connection pool and the commands on top of it.
struct RedisStateStore::Impl {
  explicit Impl(Options options_in) : options(std::move(options_in)) {
    if (options.pool_size == 0)
      options.pool_size = 1;
    if (!options.clock) {
      options.clock = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
  }

  Options options;
  std::mutex mutex;
  std::condition_variable returned;
  std::vector<ContextPtr> idle;  // guarded by mutex
  std::size_t open = 0;          // idle + lent out; guarded by mutex
  std::unique_ptr<passkey::ChallengeStore> challenges;

  // Dial opens and prepares a new connection; nullptr with *error set.
  ContextPtr Dial(std::string* error) const {
    const RedisAddress& address = options.address;
    const timeval connect_timeout = ToTimeval(options.connect_timeout);
    ContextPtr context(
        address.unix_path.empty()
            ? redisConnectWithTimeout(address.host.c_str(), address.port, connect_timeout)
            : redisConnectUnixWithTimeout(address.unix_path.c_str(), connect_timeout));
    if (context == nullptr || context->err != 0) {
      *error = "cannot connect to Redis: " +
               std::string(context == nullptr ? "out of memory" : context->errstr);
      return nullptr;
    }
    if (redisSetTimeout(context.get(), ToTimeval(options.command_timeout)) != REDIS_OK) {
      *error = "cannot set the Redis command timeout";
      return nullptr;
    }
    // AUTH and SELECT run once per connection; an error reply here (a wrong
    // password) makes the connection unusable.
    auto setup = [&](std::initializer_list<std::string_view> args) {
      ReplyPtr reply = Send(context.get(), args);
      if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
        *error = reply == nullptr ? "Redis connection lost: " + std::string(context->errstr)
                                  : "Redis refused " + std::string(*args.begin()) + ": " +
                                        std::string(ReplyText(*reply));
        return false;
      }
      return true;
    };
    if (!address.password.empty()) {
      const bool ok = address.username.empty()
                          ? setup({"AUTH", address.password})
                          : setup({"AUTH", address.username, address.password});
      if (!ok)
        return nullptr;
    }
    if (address.db != 0 && !setup({"SELECT", std::to_string(address.db)}))
      return nullptr;
    return context;
  }

  // Send: one command, every argument binary-safe (redisCommandArgv passes
  // lengths, as %b does). nullptr on an I/O error or timeout.
  static ReplyPtr Send(redisContext* context, std::initializer_list<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    const SigpipeGuard guard;
    return ReplyPtr(static_cast<redisReply*>(redisCommandArgv(
        context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }

  // StillOpen: false when the server has closed an idle pooled connection
  // (restarted, or timed the client out): the socket reads EOF. Checked
  // before reuse, so a restart costs no failed request; nothing is ever
  // re-sent (a command that may have run is not repeated).
  static bool StillOpen(const redisContext& context) {
    pollfd fd{};
    fd.fd = context.fd;
    fd.events = POLLIN;
    // Between commands nothing may be readable: data or EOF both mean the
    // connection is out of step or closed.
    return poll(&fd, 1, 0) == 0;
  }

  // Acquire lends a connection: an idle one, or a new one while fewer than
  // pool_size are open; waits up to command_timeout for one to come back.
  ContextPtr Acquire(std::string* error) {
    std::unique_lock<std::mutex> lock(mutex);
    const auto deadline = std::chrono::steady_clock::now() + options.command_timeout;
    while (idle.empty() && open >= options.pool_size) {
      if (returned.wait_until(lock, deadline) == std::cv_status::timeout && idle.empty() &&
          open >= options.pool_size) {
        *error = "all Redis connections are busy";
        return nullptr;
      }
    }
    if (!idle.empty()) {
      ContextPtr context = std::move(idle.back());
      idle.pop_back();
      lock.unlock();
      if (StillOpen(*context))
        return context;
      context.reset();
      // Re-dial below, in the closed connection's place.
    } else {
      ++open;
      lock.unlock();
    }
    ContextPtr context = Dial(error);
    if (context == nullptr)
      Release(nullptr);
    return context;
  }

  // Release returns a connection to the pool; nullptr = it broke and is
  // closed, which frees its place for a new one.
  void Release(ContextPtr context) {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      if (context != nullptr) {
        idle.push_back(std::move(context));
      } else {
        --open;
      }
    }
    returned.notify_one();
  }

  // Run: one command on a pooled connection. kUnavailable (the reason in
  // *error) when no connection can be had, on an I/O error or timeout (the
  // connection is then closed), or on an error reply.
  StoreResult<ReplyPtr> Run(std::initializer_list<std::string_view> args,
                            std::string* error = nullptr) {
    std::string reason;
    std::string& why = error != nullptr ? *error : reason;
    ContextPtr context = Acquire(&why);
    if (context == nullptr)
      return StoreError::kUnavailable;
    ReplyPtr reply = Send(context.get(), args);
    if (reply == nullptr) {
      why = "Redis connection lost: " + std::string(context->errstr);
      Release(nullptr);
      return StoreError::kUnavailable;
    }
    Release(std::move(context));
    if (reply->type == REDIS_REPLY_ERROR) {
      // LOADING, OOM, READONLY, a missing command: nothing was decided.
      why = "Redis error: " + std::string(ReplyText(*reply));
      return StoreError::kUnavailable;
    }
    return StoreResult<ReplyPtr>(std::move(reply));
  }

  std::string SessionKey(std::string_view id) const {
    return options.key_prefix + "sess:" + std::string(id);
  }
};

// RedisChallenges: the library's ChallengeStore on the store's pool.
class RedisStateStore::RedisChallenges final : public passkey::ChallengeStore {
 public:
  explicit RedisChallenges(RedisStateStore::Impl& impl)
      : impl_(impl), ttl_(std::max<passkey::UnixSeconds>(impl.options.challenge_ttl_seconds, 0)) {}

  passkey::Status Put(passkey::Ceremony ceremony, std::string_view session_id,
                      const passkey::Bytes& challenge, std::string_view context,
                      passkey::UnixSeconds now) override {
    if (passkey::Status valid = passkey::CheckChallengePut(ceremony, session_id, challenge, context);
        !valid.has_value()) {
      return valid;
    }
    const auto expires_at = static_cast<std::uint64_t>(passkey::ChallengeExpiry(now, ttl_));
    std::string value;
    value.reserve(kChallengeHeaderBytes + challenge.size() + context.size());
    value.push_back(static_cast<char>(kChallengeFormat));
    for (int shift = 56; shift >= 0; shift -= 8)
      value.push_back(static_cast<char>((expires_at >> shift) & 0xff));
    value.push_back(static_cast<char>((challenge.size() >> 8) & 0xff));
    value.push_back(static_cast<char>(challenge.size() & 0xff));
    value.append(challenge.begin(), challenge.end());
    value.append(context);
    std::string error;
    // SET replaces an outstanding challenge of this (ceremony, session).
    auto reply = impl_.Run(
        {"SET", Key(ceremony, session_id), value, "EX", std::to_string(KeySeconds(ttl_))}, &error);
    if (!reply.has_value())
      return passkey::Unexpected(passkey::ErrorCode::kUnavailable, error);
    return passkey::OkStatus();
  }

  passkey::Result<passkey::IssuedChallenge> Take(passkey::Ceremony ceremony,
                                                 std::string_view session_id,
                                                 passkey::UnixSeconds now) override {
    std::string error;
    // GETDEL: of concurrent Takes by any number of servers, one gets the
    // value, the others nil. Single use: removed before anything is decided.
    auto reply = impl_.Run({"GETDEL", Key(ceremony, session_id)}, &error);
    if (!reply.has_value())
      return passkey::Unexpected(passkey::ErrorCode::kUnavailable, error);
    const redisReply& value = **reply;
    if (value.type == REDIS_REPLY_NIL) {
      return passkey::Unexpected(passkey::ErrorCode::kChallengeNotFound,
                                 "no challenge is outstanding for this ceremony and session");
    }
    const std::string_view bytes =
        value.type == REDIS_REPLY_STRING ? ReplyText(value) : std::string_view();
    if (bytes.size() < kChallengeHeaderBytes ||
        static_cast<unsigned char>(bytes[0]) != kChallengeFormat) {
      return passkey::Unexpected(passkey::ErrorCode::kInternal,
                                 "the stored challenge has an unknown format");
    }
    std::uint64_t expires_at = 0;
    for (std::size_t i = 1; i <= 8; ++i)
      expires_at = (expires_at << 8) | static_cast<unsigned char>(bytes[i]);
    const std::size_t length = (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8) |
                               static_cast<unsigned char>(bytes[10]);
    if (length == 0 || bytes.size() - kChallengeHeaderBytes < length) {
      return passkey::Unexpected(passkey::ErrorCode::kInternal,
                                 "the stored challenge is truncated");
    }
    passkey::IssuedChallenge out;
    out.expires_at = static_cast<passkey::UnixSeconds>(expires_at);
    // Valid through expires_at inclusive, as InMemoryChallengeStore.
    if (now > out.expires_at) {
      return passkey::Unexpected(passkey::ErrorCode::kChallengeExpired,
                                 "the challenge was issued more than " + std::to_string(ttl_) +
                                     " s ago");
    }
    const std::string_view challenge = bytes.substr(kChallengeHeaderBytes, length);
    out.challenge.assign(challenge.begin(), challenge.end());
    out.ceremony = ceremony;
    out.session_id = std::string(session_id);
    out.context = std::string(bytes.substr(kChallengeHeaderBytes + length));
    return out;
  }

 private:
  std::string Key(passkey::Ceremony ceremony, std::string_view session_id) const {
    return impl_.options.key_prefix + "chal:" +
           (ceremony == passkey::Ceremony::kRegistration ? "reg:" : "auth:") +
           std::string(session_id);
  }

  RedisStateStore::Impl& impl_;
  const passkey::UnixSeconds ttl_;
};

RedisStateStore::RedisStateStore(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->challenges = std::make_unique<RedisChallenges>(*impl_);
}

RedisStateStore::~RedisStateStore() = default;

StoreStatus RedisStateStore::Ping(std::string* error) {
  auto reply = impl_->Run({"PING"}, error);
  if (!reply.has_value())
    return reply.error();
  return {};
}

passkey::ChallengeStore& RedisStateStore::Challenges() {
  return *impl_->challenges;
}

StoreResult<Session> RedisStateStore::SaveNewSession(std::string_view old_id,
                                                     std::optional<std::int64_t> user_id,
                                                     std::int64_t now) {
  std::optional<std::string> id = NewSessionId();
  if (!id.has_value())
    return StoreError::kInternal;  // the CSPRNG failed
  const std::string key = impl_->SessionKey(*id);
  const std::string user = user_id.has_value() ? std::to_string(*user_id) : std::string();
  const std::string now_text = std::to_string(now);
  const std::string ttl = std::to_string(KeySeconds(impl_->options.session_idle_ttl_seconds));
  // An old id of another shape was never stored: nothing to delete.
  auto reply = LooksLikeSessionId(old_id)
                   ? impl_->Run({"EVAL", kSaveSessionScript, "2", key, impl_->SessionKey(old_id),
                                 user, now_text, ttl})
                   : impl_->Run({"EVAL", kSaveSessionScript, "1", key, user, now_text, ttl});
  if (!reply.has_value())
    return reply.error();
  Session session;
  session.id = std::move(*id);
  session.user_id = user_id;
  session.last_seen = now;
  return session;
}

StoreResult<Session> RedisStateStore::CreateSession(std::int64_t now) {
  return SaveNewSession({}, std::nullopt, now);
}

StoreResult<Session> RedisStateStore::FindSession(std::string_view id, std::int64_t now) {
  if (!LooksLikeSessionId(id))
    return StoreError::kNotFound;
  auto reply = impl_->Run(
      {"EVAL", kFindSessionScript, "1", impl_->SessionKey(id), std::to_string(now),
       std::to_string(impl_->options.session_idle_ttl_seconds),
       std::to_string(KeySeconds(impl_->options.session_idle_ttl_seconds))});
  if (!reply.has_value())
    return reply.error();
  const redisReply& fields = **reply;
  if (fields.type == REDIS_REPLY_NIL)
    return StoreError::kNotFound;
  if (fields.type != REDIS_REPLY_ARRAY || fields.elements != 3)
    return StoreError::kInternal;
  for (std::size_t i = 0; i < 3; ++i) {
    if (fields.element[i]->type != REDIS_REPLY_STRING)
      return StoreError::kInternal;  // a half-written or foreign hash
  }
  Session session;
  session.id = std::string(id);
  std::int64_t user_id = 0;
  const std::string_view user = ReplyText(*fields.element[0]);
  if (!user.empty()) {
    if (!ParseInt64(user, &user_id))
      return StoreError::kInternal;
    session.user_id = user_id;
  }
  if (!ParseInt64(ReplyText(*fields.element[1]), &session.step_up_until) ||
      !ParseInt64(ReplyText(*fields.element[2]), &session.last_seen)) {
    return StoreError::kInternal;
  }
  return session;
}

StoreResult<Session> RedisStateStore::SignIn(std::string_view old_id, std::int64_t user_id,
                                             std::int64_t now) {
  return SaveNewSession(old_id, user_id, now);
}

StoreStatus RedisStateStore::SetStepUp(std::string_view id, std::int64_t until) {
  if (!LooksLikeSessionId(id))
    return StoreError::kNotFound;
  auto reply = impl_->Run(
      {"EVAL", kSetStepUpScript, "1", impl_->SessionKey(id), std::to_string(until)});
  if (!reply.has_value())
    return reply.error();
  if ((*reply)->type != REDIS_REPLY_INTEGER)
    return StoreError::kInternal;
  if ((*reply)->integer == 0)
    return StoreError::kNotFound;
  return {};
}

StoreStatus RedisStateStore::RemoveSession(std::string_view id) {
  if (!LooksLikeSessionId(id))
    return {};  // never stored
  auto reply = impl_->Run({"DEL", impl_->SessionKey(id)});
  if (!reply.has_value())
    return reply.error();
  return {};
}

StoreResult<bool> RedisStateStore::Allow(std::string_view key) {
  const unsigned limit = impl_->options.rate_limit_per_minute;
  if (limit == 0)
    return true;
  // Fixed window: the count of this minute (of the unix clock, the same on
  // every server), kept a window longer than needed then dropped by Redis.
  const std::int64_t window = impl_->options.clock() / kRateWindowSeconds;
  const std::string counter =
      impl_->options.key_prefix + "rate:" + std::string(key) + ":" + std::to_string(window);
  auto reply = impl_->Run(
      {"EVAL", kCountScript, "1", counter, std::to_string(2 * kRateWindowSeconds)});
  if (!reply.has_value())
    return reply.error();
  if ((*reply)->type != REDIS_REPLY_INTEGER)
    return StoreError::kInternal;
  return (*reply)->integer <= static_cast<long long>(limit);
}

}  // namespace passkey_server
