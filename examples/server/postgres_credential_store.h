// PostgresCredentialStore: the CredentialStore over PostgreSQL (libpq), for
// several server processes sharing one database (issue #18).
//
// Every call is one SQL statement (a sign-up's user and first passkey are
// inserted by one statement with a data-modifying CTE), so each is atomic
// without an explicit transaction, and the compare-and-set of a sign-in is
// one UPDATE ... WHERE sign_count = <old>: under READ COMMITTED a second,
// concurrent UPDATE waits for the first and then re-checks its WHERE clause
// against the new row, so only one of them applies.
//
// Connections come from a small pool, opened on demand. A connection that
// breaks (the server restarted, the network failed) is dropped and the call
// returns kUnavailable (503); the next call opens a new one. Reads that fail
// that way are retried once on a fresh connection first (a read is safe to
// repeat; a write whose answer was lost may have committed, so it is not).
#ifndef PASSKEY_EXAMPLES_SERVER_POSTGRES_CREDENTIAL_STORE_H_
#define PASSKEY_EXAMPLES_SERVER_POSTGRES_CREDENTIAL_STORE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "migrations.h"
#include "stores.h"

struct pg_conn;

namespace passkey_server {

// PostgresCredentialStore. Thread-safe: each call borrows one pooled
// connection for the duration of its statement.
class PostgresCredentialStore final : public CredentialStore {
 public:
  // kSchemaVersion: the newest migration this build knows (migrations.h).
  static constexpr int kSchemaVersion = passkey_server::kSchemaVersion;

  struct Options {
    // At most this many connections are open at once; a call waits up to
    // `pool_wait` for one to be returned, then answers kUnavailable.
    unsigned max_connections = 8;
    std::chrono::milliseconds pool_wait{10000};
    // libpq's connect_timeout (seconds), unless the URL sets its own.
    int connect_timeout_seconds = 5;
    // The server's statement_timeout for every call but Migrate, and
    // libpq's tcp_user_timeout (unless the URL sets them): a statement
    // stuck behind a lock, or a server that stopped answering, becomes
    // kUnavailable instead of holding an HTTP worker for ever.
    std::chrono::milliseconds statement_timeout{10000};
  };

  // Open connects to `url` (a libpq connection URI, postgresql://... or
  // postgres://...) and applies the missing migrations. nullptr with *error
  // (libpq's message: it names the host and user, never the password) when
  // the server cannot be reached or a migration fails, including a database
  // whose schema is newer than this build.
  static std::unique_ptr<PostgresCredentialStore> Open(const std::string& url, Options options,
                                                       std::string* error);
  ~PostgresCredentialStore() override;
  PostgresCredentialStore(const PostgresCredentialStore&) = delete;
  PostgresCredentialStore& operator=(const PostgresCredentialStore&) = delete;

  // Migrate takes a transaction-scoped advisory lock first, so servers
  // starting together apply each migration once.
  StoreResult<int> SchemaVersion() override;
  StoreStatus Migrate() override;
  StoreResult<User> FindUserByName(std::string_view name) override;
  StoreResult<User> FindUserById(std::int64_t id) override;
  StoreResult<User> FindUserByHandle(passkey::ByteView handle) override;
  StoreResult<User> CreateUserWithPasskey(const User& user, std::string_view passkey_name,
                                          const passkey::CredentialRecord& record) override;
  StoreStatus AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                         const passkey::CredentialRecord& record) override;
  StoreResult<StoredPasskey> FindPasskey(passkey::ByteView credential_id) override;
  StoreResult<std::vector<StoredPasskey>> ListPasskeys(std::int64_t user_id) override;
  StoreResult<bool> UpdateAfterSignIn(passkey::ByteView credential_id, std::uint32_t old_sign_count,
                                      const passkey::CredentialRecord& new_record) override;
  StoreStatus RenamePasskey(std::int64_t user_id, passkey::ByteView credential_id,
                            std::string_view name) override;
  StoreStatus DeletePasskey(std::int64_t user_id, passkey::ByteView credential_id) override;

 private:
  class Connection;
  class Lease;
  class Query;
  struct Reply;

  PostgresCredentialStore(std::string url, Options options);
  // Acquire: an idle pooled connection, or a new one while fewer than
  // max_connections are open; nullptr with *error when none can be had.
  std::unique_ptr<Connection> Acquire(std::string* error);
  void Release(std::unique_ptr<Connection> connection);
  // Run executes `query` on a pooled connection: the result, or the
  // SQLSTATE of a statement error; kUnavailable (logged) when the server
  // did not answer or answered with a transient error. `idempotent`: retry
  // once on a fresh connection when a reused one turns out broken.
  StoreResult<Reply> Run(const Query& query, bool idempotent, const char* what);
  // RunOk: Run, for statements whose errors are all kInternal (none is a
  // constraint violation the caller maps).
  StoreResult<Reply> RunOk(const Query& query, bool idempotent, const char* what);
  // Change runs an UPDATE or DELETE of at most one row: kNotFound when it
  // changed none.
  StoreStatus Change(const Query& query, bool idempotent, const char* what);
  StoreResult<User> FindUser(const Query& query);
  // MigrateWith: Migrate, with the reason of a failure in *error.
  bool MigrateWith(std::string* error);

  const std::string url_;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  unsigned open_ = 0;  // connections open, idle or leased
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_POSTGRES_CREDENTIAL_STORE_H_
