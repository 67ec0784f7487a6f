#include "memory_state_store.h"

#include <optional>
#include <string>
#include <utility>

namespace passkey_server {
namespace {

// SessionOr: the session, or `otherwise` when there is none.
StoreResult<Session> SessionOr(std::optional<Session> session, StoreError otherwise) {
  if (!session.has_value())
    return otherwise;
  return StoreResult<Session>(std::move(session).value());
}

}  // namespace

MemoryStateStore::MemoryStateStore(Options options)
    : clock_(std::move(options.clock)),
      challenges_(options.challenge_ttl_seconds),
      sessions_(options.session_idle_ttl_seconds),
      limiter_(options.rate_limit_per_minute) {}

passkey::ChallengeStore& MemoryStateStore::Challenges() {
  return challenges_;
}

StoreResult<Session> MemoryStateStore::CreateSession(std::int64_t now) {
  return SessionOr(sessions_.Create(now), StoreError::kInternal);  // the CSPRNG failed
}

StoreResult<Session> MemoryStateStore::FindSession(std::string_view id, std::int64_t now) {
  return SessionOr(sessions_.Get(id, now), StoreError::kNotFound);
}

StoreResult<Session> MemoryStateStore::SignIn(std::string_view old_id, std::int64_t user_id,
                                              std::int64_t now) {
  return SessionOr(sessions_.SignIn(old_id, user_id, now), StoreError::kInternal);
}

StoreStatus MemoryStateStore::SetStepUp(std::string_view id, std::int64_t until) {
  if (!sessions_.SetStepUp(id, until))
    return StoreError::kNotFound;
  return {};
}

StoreStatus MemoryStateStore::RemoveSession(std::string_view id) {
  sessions_.Remove(id);
  return {};
}

StoreResult<bool> MemoryStateStore::Allow(std::string_view key) {
  return limiter_.Allow(std::string(key), clock_());
}

}  // namespace passkey_server
