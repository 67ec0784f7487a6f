// SqliteCredentialStore: the CredentialStore of one server process, over
// the SQLite Database (db.h): WAL with synchronous=FULL, every write one
// BEGIN IMMEDIATE transaction, prepared statements.
#ifndef PASSKEY_EXAMPLES_SERVER_SQLITE_CREDENTIAL_STORE_H_
#define PASSKEY_EXAMPLES_SERVER_SQLITE_CREDENTIAL_STORE_H_

#include <memory>
#include <string>

#include "db.h"
#include "stores.h"

namespace passkey_server {

// SqliteCredentialStore never returns kUnavailable: a failed SQLite call is
// kInternal (it is logged on stderr by Database).
class SqliteCredentialStore final : public CredentialStore {
 public:
  // Open opens (creating and migrating when needed) the database at `path`;
  // nullptr with *error on failure (see Database::Open).
  static std::unique_ptr<SqliteCredentialStore> Open(const std::string& path,
                                                     std::string* error);
  explicit SqliteCredentialStore(std::unique_ptr<Database> db);

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
  StoreResult<bool> UpdateAfterSignIn(passkey::ByteView credential_id,
                                      std::uint32_t old_sign_count,
                                      const passkey::CredentialRecord& new_record) override;
  StoreStatus RenamePasskey(std::int64_t user_id, passkey::ByteView credential_id,
                            std::string_view name) override;
  StoreStatus DeletePasskey(std::int64_t user_id, passkey::ByteView credential_id) override;

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_SQLITE_CREDENTIAL_STORE_H_
