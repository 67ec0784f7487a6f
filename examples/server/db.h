// SQLite storage of the example server: users and their passkeys.
//
// One connection, guarded by a mutex; WAL journal with synchronous=FULL so a
// committed transaction survives a crash or power loss. Every write runs in
// its own BEGIN IMMEDIATE transaction (the write lock is taken up front, so a
// second writer, even in another process, waits instead of failing halfway).
// The schema is versioned: schema_migrations lists the migrations applied.
#ifndef PASSKEY_EXAMPLES_SERVER_DB_H_
#define PASSKEY_EXAMPLES_SERVER_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>

#include "migrations.h"
#include "stores.h"

struct sqlite3;
struct sqlite3_stmt;

namespace passkey_server {

// DbStatus: the outcome of a call. kConflict: the row changed since it was
// read (a concurrent sign-in used the same counter value).
enum class DbStatus {
  kOk,
  kNotFound,
  kUsernameTaken,
  kCredentialExists,
  kConflict,
  kError,
};

// Database: the server's SQLite store (SqliteCredentialStore implements
// CredentialStore over it). Thread-safe (calls are serialised).
class Database {
 public:
  // kSchemaVersion: the newest migration this build knows (migrations.h).
  static constexpr int kSchemaVersion = passkey_server::kSchemaVersion;

  // Open opens (creating if needed) the database at `path` and applies the
  // missing migrations. nullptr with *error set on failure, including a file
  // whose schema is newer than this build.
  static std::unique_ptr<Database> Open(const std::string& path, std::string* error);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // SchemaVersion: the highest migration recorded in schema_migrations; -1
  // when it cannot be read.
  int SchemaVersion();
  // Migrate applies the missing migrations (Open already did); false with
  // *error when one fails or the schema is newer than this build.
  bool Migrate(std::string* error);

  DbStatus FindUserByName(std::string_view name, User* out);
  DbStatus FindUserById(std::int64_t id, User* out);
  DbStatus FindUserByHandle(passkey::ByteView handle, User* out);

  // CreateUserWithPasskey inserts the user and their first passkey in one
  // transaction: either both are stored or neither. kUsernameTaken,
  // kCredentialExists (the credential ID is registered to anyone).
  DbStatus CreateUserWithPasskey(const User& user, std::string_view passkey_name,
                                 const passkey::CredentialRecord& record, User* out);
  // AddPasskey stores another passkey of an existing user. kNotFound (no such
  // user), kCredentialExists.
  DbStatus AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                      const passkey::CredentialRecord& record);

  DbStatus FindPasskey(passkey::ByteView credential_id, StoredPasskey* out);
  // ListPasskeys: the user's passkeys, oldest first.
  DbStatus ListPasskeys(std::int64_t user_id, std::vector<StoredPasskey>* out);

  // UpdateAfterAuthentication stores `updated` (signCount, backupState,
  // uvInitialized, lastUsedAt applied by UpdateCredentialRecord) with one
  // UPDATE, only if the stored signCount is still `expected_sign_count`:
  // of two concurrent sign-ins with the same counter value, one gets
  // kConflict. kNotFound when the passkey was removed meanwhile.
  DbStatus UpdateAfterAuthentication(const passkey::CredentialRecord& updated,
                                     std::uint32_t expected_sign_count);

  // RenamePasskey / DeletePasskey act only on `user_id`'s own passkey;
  // kNotFound otherwise.
  DbStatus RenamePasskey(std::int64_t user_id, passkey::ByteView credential_id,
                         std::string_view name);
  DbStatus DeletePasskey(std::int64_t user_id, passkey::ByteView credential_id);

 private:
  class Statement;
  class Transaction;
  struct StatementDeleter {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };

  explicit Database(sqlite3* db);
  bool Exec(const char* sql, std::string* error = nullptr);
  // Prepare returns the cached prepared statement for `sql` (a string
  // literal), reset and with its bindings cleared; nullptr on failure.
  sqlite3_stmt* Prepare(const char* sql);
  bool MigrateLocked(std::string* error);
  int SchemaVersionLocked();
  DbStatus InsertPasskeyLocked(std::int64_t user_id, std::string_view name,
                               const passkey::CredentialRecord& record);
  static void ReadUser(const Statement& stmt, User* out);
  static DbStatus ReadPasskey(const Statement& stmt, StoredPasskey* out);
  DbStatus FindUserWhere(const char* sql, const std::function<void(Statement&)>& bind, User* out);
  void LogError(const char* what);

  std::mutex mutex_;
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<sqlite3_stmt, StatementDeleter>> statements_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_DB_H_
