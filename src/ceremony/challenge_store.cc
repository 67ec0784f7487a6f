// InMemoryChallengeStore: single-use challenges bound to a ceremony and a
// session, kept until they are taken or expire.
//
// WebAuthn L3 §13.4.3: the challenge in the client's response "MUST match
// what was generated"; a challenge that can be presented twice would let a
// captured response be replayed, so Take removes it whatever the outcome.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <passkey/ceremony_options.h>

#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;

// Caps on what a caller may store per entry: a session ID is a cookie value
// (tens of bytes), a challenge at most 64 bytes from MakeRegistrationOptions
// (1 KiB covers RandomBytes' own cap), and the context a user handle or a
// short tag. They bound the memory max_entries entries can take.
constexpr std::size_t kMaxSessionIdBytes = 512;
constexpr std::size_t kMaxChallengeBytes = 1024;
constexpr std::size_t kMaxContextBytes = 4096;

}  // namespace

Status CheckChallengePut(Ceremony ceremony, std::string_view session_id, const Bytes& challenge,
                         std::string_view context) {
  if (ceremony != Ceremony::kRegistration && ceremony != Ceremony::kAuthentication) {
    return Fail(ErrorCode::kInvalidArgument, "ceremony has an unknown value");
  }
  if (session_id.empty()) return Fail(ErrorCode::kInvalidArgument, "session_id is empty");
  if (session_id.size() > kMaxSessionIdBytes) {
    return Fail(ErrorCode::kInvalidArgument, "session_id is longer than 512 bytes");
  }
  if (challenge.empty()) return Fail(ErrorCode::kInvalidArgument, "challenge is empty");
  if (challenge.size() > kMaxChallengeBytes) {
    return Fail(ErrorCode::kInvalidArgument, "challenge is longer than 1024 bytes");
  }
  if (context.size() > kMaxContextBytes) {
    return Fail(ErrorCode::kInvalidArgument, "context is longer than 4096 bytes");
  }
  return OkStatus();
}

UnixSeconds ChallengeExpiry(UnixSeconds issued, UnixSeconds ttl_seconds) noexcept {
  if (ttl_seconds <= 0) return issued;
  if (issued > std::numeric_limits<UnixSeconds>::max() - ttl_seconds) {
    return std::numeric_limits<UnixSeconds>::max();
  }
  return issued + ttl_seconds;
}

struct InMemoryChallengeStore::State {
  // Key: one outstanding challenge per (ceremony, session).
  using Key = std::pair<int, std::string>;
  struct Entry {
    Bytes challenge;
    std::string context;
    UnixSeconds expires_at = 0;
    std::uint64_t sequence = 0;  // Put order, tie-breaker in `by_age`
  };
  // Age: (expires_at, sequence). With one TTL per store the earliest expiry
  // is the oldest entry, so expired entries form a prefix of `by_age`.
  using Age = std::pair<UnixSeconds, std::uint64_t>;

  UnixSeconds ttl = 0;
  std::size_t max_entries = 1;
  mutable std::mutex mutex;
  std::map<Key, Entry> entries;
  std::map<Age, Key> by_age;
  std::uint64_t next_sequence = 0;

  void Erase(std::map<Key, Entry>::iterator it) {
    by_age.erase(Age{it->second.expires_at, it->second.sequence});
    entries.erase(it);
  }

  // MakeRoom: called with the lock held when a new key would exceed
  // max_entries. Drops every expired entry (expired at `now`: now >
  // expires_at); when none had expired, drops the oldest one.
  void MakeRoom(UnixSeconds now) {
    bool dropped = false;
    while (!by_age.empty() && by_age.begin()->first.first < now) {
      auto it = entries.find(by_age.begin()->second);
      Erase(it);
      dropped = true;
    }
    if (!dropped && !by_age.empty()) {
      Erase(entries.find(by_age.begin()->second));
    }
  }
};

InMemoryChallengeStore::InMemoryChallengeStore(UnixSeconds ttl_seconds, std::size_t max_entries)
    : state_(std::make_unique<State>()) {
  state_->ttl = ttl_seconds < 0 ? 0 : ttl_seconds;
  state_->max_entries = max_entries == 0 ? 1 : max_entries;
}

InMemoryChallengeStore::~InMemoryChallengeStore() = default;

Status InMemoryChallengeStore::Put(Ceremony ceremony, std::string_view session_id,
                                   const Bytes& challenge, std::string_view context,
                                   UnixSeconds now) {
  if (Status valid = CheckChallengePut(ceremony, session_id, challenge, context);
      !valid.has_value()) {
    return valid;
  }
  State& state = *state_;
  State::Key key{static_cast<int>(ceremony), std::string(session_id)};
  State::Entry entry;
  entry.challenge = challenge;
  entry.context = std::string(context);
  entry.expires_at = ChallengeExpiry(now, state.ttl);

  const std::lock_guard<std::mutex> lock(state.mutex);
  entry.sequence = state.next_sequence++;
  auto existing = state.entries.find(key);
  if (existing != state.entries.end()) {
    // A new Put replaces the outstanding challenge of this (ceremony,
    // session): the old one can no longer be used.
    state.Erase(existing);
  } else if (state.entries.size() >= state.max_entries) {
    state.MakeRoom(now);
  }
  state.by_age.emplace(State::Age{entry.expires_at, entry.sequence}, key);
  state.entries.emplace(std::move(key), std::move(entry));
  return OkStatus();
}

Result<IssuedChallenge> InMemoryChallengeStore::Take(Ceremony ceremony,
                                                     std::string_view session_id,
                                                     UnixSeconds now) {
  State& state = *state_;
  const State::Key key{static_cast<int>(ceremony), std::string(session_id)};
  State::Entry entry;
  {
    const std::lock_guard<std::mutex> lock(state.mutex);
    auto it = state.entries.find(key);
    if (it == state.entries.end()) {
      return Fail(ErrorCode::kChallengeNotFound,
                  "no challenge is outstanding for this ceremony and session");
    }
    entry = std::move(it->second);
    // Single use: removed before anything else is decided.
    state.Erase(it);
  }
  // Valid through expires_at inclusive: it expires when now > issued + ttl.
  if (now > entry.expires_at) {
    return Fail(ErrorCode::kChallengeExpired, "the challenge was issued more than " +
                                                  std::to_string(state.ttl) + " s ago");
  }
  IssuedChallenge out;
  out.challenge = std::move(entry.challenge);
  out.ceremony = ceremony;
  out.session_id = std::string(session_id);
  out.context = std::move(entry.context);
  out.expires_at = entry.expires_at;
  return out;
}

std::size_t InMemoryChallengeStore::size() const {
  const std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->entries.size();
}

}  // namespace passkey
