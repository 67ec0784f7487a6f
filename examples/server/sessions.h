// In-memory sessions keyed by the `sid` cookie (MemoryStateStore keeps its
// sessions here).
#ifndef PASSKEY_EXAMPLES_SERVER_SESSIONS_H_
#define PASSKEY_EXAMPLES_SERVER_SESSIONS_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stores.h"

namespace passkey_server {

// kSessionCookie: the cookie's name.
inline constexpr std::string_view kSessionCookie = "sid";

// NewSessionId: a fresh session id, 32 CSPRNG bytes in base64url (43
// characters); nullopt when the CSPRNG fails. Every StateStore uses it.
std::optional<std::string> NewSessionId();
// LooksLikeSessionId: whether `id` has the shape NewSessionId gives, so a
// forged cookie of any other shape is refused before a store is asked.
bool LooksLikeSessionId(std::string_view id);

// SessionStore: a mutex-guarded map. Sessions idle longer than idle_ttl are
// dropped; when max_sessions is reached the least recently seen goes first.
class SessionStore {
 public:
  static constexpr std::int64_t kDefaultIdleTtlSeconds = 24 * 60 * 60;
  static constexpr std::size_t kDefaultMaxSessions = 100000;

  explicit SessionStore(std::int64_t idle_ttl_seconds = kDefaultIdleTtlSeconds,
                        std::size_t max_sessions = kDefaultMaxSessions);

  // Create starts an anonymous session; nullopt when the CSPRNG fails.
  std::optional<Session> Create(std::int64_t now);
  // Get returns the live session `id` and marks it seen; nullopt when
  // unknown or expired.
  std::optional<Session> Get(std::string_view id, std::int64_t now);
  // SignIn replaces session `old_id` (which may be empty or unknown) by a new
  // session of `user_id` with a fresh id, so an id known before sign-in is
  // worthless after it (session fixation). nullopt when the CSPRNG fails.
  std::optional<Session> SignIn(std::string_view old_id, std::int64_t user_id, std::int64_t now);
  // SetStepUp records a fresh user-verified assertion until `until`.
  bool SetStepUp(std::string_view id, std::int64_t until);
  void Remove(std::string_view id);
  std::size_t size() const;

 private:
  void EvictLocked(std::int64_t now);

  mutable std::mutex mutex_;
  std::int64_t idle_ttl_;
  std::size_t max_sessions_;
  std::unordered_map<std::string, Session> sessions_;
};

// CookieValue returns the value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name);

// SessionCookieHeader: the Set-Cookie value for session `id` (HttpOnly,
// SameSite=Lax, Path=/, Secure when `secure`). An empty id clears the cookie.
std::string SessionCookieHeader(std::string_view id, bool secure);

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_SESSIONS_H_
