// The example server's storage interfaces (issue #18).
//
// The HTTP handlers (server.cc) see storage only through these two
// interfaces, so the backend is chosen at start-up:
// * CredentialStore: users and their passkeys (durable). Implemented by
//   SqliteCredentialStore (sqlite_credential_store.h).
// * StateStore: short-lived state: WebAuthn challenges, sessions and the
//   per-client rate limit. Implemented by MemoryStateStore
//   (memory_state_store.h), one process only, and RedisStateStore
//   (redis_state_store.h), shared by every server on one Redis.
//
// A store that lives on another machine can fail without anything being
// wrong with the request: such calls return StoreError::kUnavailable and the
// server answers 503 `unavailable`. The SQLite and in-memory stores never
// return it.
#ifndef PASSKEY_EXAMPLES_SERVER_STORES_H_
#define PASSKEY_EXAMPLES_SERVER_STORES_H_

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/credential_record.h>

namespace passkey_server {

// User: one account. `handle` is the WebAuthn user handle (user.id), random
// and opaque; `name` is unique (case-insensitive).
struct User {
  std::int64_t id = 0;
  passkey::Bytes handle;
  std::string name;
  std::string display_name;
  std::int64_t created_at = 0;
};

// StoredPasskey: one registered credential: the library's record plus the
// columns the server queries by.
struct StoredPasskey {
  std::int64_t user_id = 0;
  std::string name;
  passkey::CredentialRecord record;
};

// Session: what the server knows about one browser.
struct Session {
  std::string id;                       // 32 random bytes, base64url
  std::optional<std::int64_t> user_id;  // set once signed in
  std::int64_t step_up_until = 0;       // unix seconds; 0 = never
  std::int64_t last_seen = 0;
};

// StoreError: why a store call failed.
enum class StoreError {
  kNotFound = 1,       // no such user, passkey or session (or not the owner's)
  kUsernameTaken,      // a user of that name exists (names compare ignoring case)
  kCredentialExists,   // the credential ID is registered (to anyone)
  kUnavailable,        // the backend did not answer or failed: retry later (503)
  kInternal,           // anything else: a corrupt row, a CSPRNG failure (500)
};

// StoreResult<T>: a T or a StoreError, with std::expected's member names
// (like passkey::Result: no operator bool; the wrong side aborts).
template <class T>
class [[nodiscard]] StoreResult {
 public:
  StoreResult(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  StoreResult(StoreError error) : storage_(std::in_place_index<1>, error) {}    // NOLINT

  bool has_value() const noexcept { return storage_.index() == 0; }
  T& value() & { return *Checked(); }
  const T& value() const& { return *Checked(); }
  T&& value() && { return std::move(*Checked()); }
  StoreError error() const {
    if (has_value())
      std::abort();
    return *std::get_if<1>(&storage_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  T* Checked() {
    if (!has_value())
      std::abort();
    return std::get_if<0>(&storage_);
  }
  const T* Checked() const {
    if (!has_value())
      std::abort();
    return std::get_if<0>(&storage_);
  }
  std::variant<T, StoreError> storage_;
};

template <>
class [[nodiscard]] StoreResult<void> {
 public:
  StoreResult() = default;
  StoreResult(StoreError error) : error_(error) {}  // NOLINT

  bool has_value() const noexcept { return !error_.has_value(); }
  StoreError error() const {
    if (!error_.has_value())
      std::abort();
    return *error_;
  }

 private:
  std::optional<StoreError> error_;
};

using StoreStatus = StoreResult<void>;

// CredentialStore: users and their passkeys. Thread-safe. Every write is
// atomic (one transaction): it happens completely or not at all.
class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // SchemaVersion: the newest migration applied to the store.
  virtual StoreResult<int> SchemaVersion() = 0;
  // Migrate applies the migrations the store is missing, each atomically
  // with its record; a no-op when none is. kInternal when a migration fails
  // or the store's schema is newer than this build.
  virtual StoreStatus Migrate() = 0;

  virtual StoreResult<User> FindUserByName(std::string_view name) = 0;
  virtual StoreResult<User> FindUserById(std::int64_t id) = 0;
  virtual StoreResult<User> FindUserByHandle(passkey::ByteView handle) = 0;

  // CreateUserWithPasskey stores the user and their first passkey together
  // and returns the user with its new id. kUsernameTaken,
  // kCredentialExists (and then neither is stored).
  virtual StoreResult<User> CreateUserWithPasskey(const User& user,
                                                  std::string_view passkey_name,
                                                  const passkey::CredentialRecord& record) = 0;
  // AddPasskey stores another passkey of user `user_id`. kNotFound (no such
  // user), kCredentialExists.
  virtual StoreStatus AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                                 const passkey::CredentialRecord& record) = 0;

  // FindPasskey: the passkey with this credential ID, whoever owns it.
  virtual StoreResult<StoredPasskey> FindPasskey(passkey::ByteView credential_id) = 0;
  // ListPasskeys: the user's passkeys, oldest first (none: an empty list).
  virtual StoreResult<std::vector<StoredPasskey>> ListPasskeys(std::int64_t user_id) = 0;

  // UpdateAfterSignIn is a compare-and-set: it replaces the stored record of
  // `credential_id` by `new_record` (signCount, backupState, uvInitialized,
  // lastUsedAt) only if the stored signCount is still `old_sign_count`, the
  // value the assertion was verified against. true: applied; false: the
  // counter changed meanwhile (a concurrent sign-in won) and nothing was
  // written. kNotFound: the passkey was removed; kInternal when
  // new_record.id is not `credential_id`.
  virtual StoreResult<bool> UpdateAfterSignIn(passkey::ByteView credential_id,
                                              std::uint32_t old_sign_count,
                                              const passkey::CredentialRecord& new_record) = 0;

  // RenamePasskey / DeletePasskey act only on user `user_id`'s own passkey;
  // kNotFound otherwise.
  virtual StoreStatus RenamePasskey(std::int64_t user_id, passkey::ByteView credential_id,
                                    std::string_view name) = 0;
  virtual StoreStatus DeletePasskey(std::int64_t user_id, passkey::ByteView credential_id) = 0;
};

// StateStore: challenges, sessions and the rate limit. Thread-safe. Times are
// unix seconds from the caller's clock.
class StateStore {
 public:
  virtual ~StateStore() = default;

  // Challenges: single-use, bound to (ceremony, session), with a TTL; the
  // library's interface and contract (passkey/ceremony_options.h): Take is
  // atomic across every server sharing the store, kUnavailable when the
  // backend cannot be reached.
  virtual passkey::ChallengeStore& Challenges() = 0;

  // CreateSession starts an anonymous session with a new random id.
  // kInternal when the CSPRNG fails.
  virtual StoreResult<Session> CreateSession(std::int64_t now) = 0;
  // FindSession returns live session `id` and marks it seen at `now` (the
  // idle expiry starts again). kNotFound when unknown or expired.
  virtual StoreResult<Session> FindSession(std::string_view id, std::int64_t now) = 0;
  // SignIn replaces session `old_id` (which may be empty or unknown) by a
  // new session of `user_id` with a fresh id, so an id known before sign-in
  // is worthless after it (session fixation). kInternal when the CSPRNG
  // fails.
  virtual StoreResult<Session> SignIn(std::string_view old_id, std::int64_t user_id,
                                      std::int64_t now) = 0;
  // SetStepUp records a fresh user-verified assertion until `until`.
  // kNotFound when the session is gone.
  virtual StoreStatus SetStepUp(std::string_view id, std::int64_t until) = 0;
  // RemoveSession forgets session `id` (signing out); unknown ids are fine.
  virtual StoreStatus RemoveSession(std::string_view id) = 0;

  // Allow counts one request of client `key` (its IP address) against the
  // rate limit shared by every server using the store: true when it is
  // within the limit, false when it must be refused (429).
  virtual StoreResult<bool> Allow(std::string_view key) = 0;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_STORES_H_
