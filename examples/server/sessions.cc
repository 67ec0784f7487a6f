#include "sessions.h"

#include <utility>

#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>

namespace passkey_server {
namespace {

constexpr std::size_t kSessionIdBytes = 32;
// base64url of 32 bytes without padding.
constexpr std::size_t kSessionIdChars = 43;

}  // namespace

bool LooksLikeSessionId(std::string_view id) {
  if (id.size() != kSessionIdChars)
    return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok)
      return false;
  }
  return true;
}

SessionStore::SessionStore(std::int64_t idle_ttl_seconds, std::size_t max_sessions)
    : idle_ttl_(idle_ttl_seconds), max_sessions_(max_sessions == 0 ? 1 : max_sessions) {}

std::optional<std::string> NewSessionId() {
  auto bytes = passkey::RandomBytes(kSessionIdBytes);
  if (!bytes.has_value())
    return std::nullopt;
  return passkey::Base64UrlEncode(*bytes);
}

void SessionStore::EvictLocked(std::int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_seen > idle_ttl_) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  while (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_seen < oldest->second.last_seen)
        oldest = it;
    }
    sessions_.erase(oldest);
  }
}

std::optional<Session> SessionStore::Create(std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto id = NewSessionId();
  if (!id.has_value())
    return std::nullopt;
  if (sessions_.size() >= max_sessions_)
    EvictLocked(now);
  Session session;
  session.id = *id;
  session.last_seen = now;
  sessions_[*id] = session;
  return session;
}

std::optional<Session> SessionStore::Get(std::string_view id, std::int64_t now) {
  if (!LooksLikeSessionId(id))
    return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end())
    return std::nullopt;
  if (now - it->second.last_seen > idle_ttl_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

std::optional<Session> SessionStore::SignIn(std::string_view old_id, std::int64_t user_id,
                                            std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto id = NewSessionId();
  if (!id.has_value())
    return std::nullopt;
  if (!old_id.empty())
    sessions_.erase(std::string(old_id));
  if (sessions_.size() >= max_sessions_)
    EvictLocked(now);
  Session session;
  session.id = *id;
  session.user_id = user_id;
  session.last_seen = now;
  sessions_[*id] = session;
  return session;
}

bool SessionStore::SetStepUp(std::string_view id, std::int64_t until) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end())
    return false;
  it->second.step_up_until = until;
  return true;
}

void SessionStore::Remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(std::string(id));
}

std::size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

std::string CookieValue(std::string_view header, std::string_view name) {
  // Cookie: a=b; sid=xyz; c=d
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ')
      pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      continue;
    if (pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
  }
  return {};
}

std::string SessionCookieHeader(std::string_view id, bool secure) {
  std::string value =
      std::string(kSessionCookie) + "=" + std::string(id) + "; Path=/; HttpOnly; SameSite=Lax";
  if (secure)
    value += "; Secure";
  if (id.empty())
    value += "; Max-Age=0";
  return value;
}

}  // namespace passkey_server
