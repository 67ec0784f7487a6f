#include "sqlite_credential_store.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace passkey_server {
namespace {

// ToError: the StoreError of a failed DbStatus. kConflict only comes from
// UpdateAfterAuthentication, which handles it.
StoreError ToError(DbStatus status) {
  switch (status) {
    case DbStatus::kNotFound:
      return StoreError::kNotFound;
    case DbStatus::kUsernameTaken:
      return StoreError::kUsernameTaken;
    case DbStatus::kCredentialExists:
      return StoreError::kCredentialExists;
    case DbStatus::kOk:
    case DbStatus::kConflict:
    case DbStatus::kError:
      break;
  }
  return StoreError::kInternal;
}

StoreStatus ToStatus(DbStatus status) {
  if (status == DbStatus::kOk)
    return {};
  return ToError(status);
}

// Found: `value` when `status` is kOk, its error otherwise.
template <class T>
StoreResult<T> Found(DbStatus status, T value) {
  if (status != DbStatus::kOk)
    return ToError(status);
  return StoreResult<T>(std::move(value));
}

}  // namespace

std::unique_ptr<SqliteCredentialStore> SqliteCredentialStore::Open(const std::string& path,
                                                                   std::string* error) {
  std::unique_ptr<Database> db = Database::Open(path, error);
  if (db == nullptr)
    return nullptr;
  return std::make_unique<SqliteCredentialStore>(std::move(db));
}

SqliteCredentialStore::SqliteCredentialStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

StoreResult<int> SqliteCredentialStore::SchemaVersion() {
  const int version = db_->SchemaVersion();
  if (version < 0)
    return StoreError::kInternal;
  return version;
}

StoreStatus SqliteCredentialStore::Migrate() {
  std::string error;
  if (db_->Migrate(&error))
    return {};
  std::fprintf(stderr, "db: migrate: %s\n", error.c_str());
  return StoreError::kInternal;
}

StoreResult<User> SqliteCredentialStore::FindUserByName(std::string_view name) {
  User user;
  const DbStatus status = db_->FindUserByName(name, &user);
  return Found(status, std::move(user));
}

StoreResult<User> SqliteCredentialStore::FindUserById(std::int64_t id) {
  User user;
  const DbStatus status = db_->FindUserById(id, &user);
  return Found(status, std::move(user));
}

StoreResult<User> SqliteCredentialStore::FindUserByHandle(passkey::ByteView handle) {
  User user;
  const DbStatus status = db_->FindUserByHandle(handle, &user);
  return Found(status, std::move(user));
}

StoreResult<User> SqliteCredentialStore::CreateUserWithPasskey(
    const User& user, std::string_view passkey_name, const passkey::CredentialRecord& record) {
  User created;
  const DbStatus status = db_->CreateUserWithPasskey(user, passkey_name, record, &created);
  return Found(status, std::move(created));
}

StoreStatus SqliteCredentialStore::AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                                              const passkey::CredentialRecord& record) {
  return ToStatus(db_->AddPasskey(user_id, passkey_name, record));
}

StoreResult<StoredPasskey> SqliteCredentialStore::FindPasskey(passkey::ByteView credential_id) {
  StoredPasskey passkey;
  const DbStatus status = db_->FindPasskey(credential_id, &passkey);
  return Found(status, std::move(passkey));
}

StoreResult<std::vector<StoredPasskey>> SqliteCredentialStore::ListPasskeys(
    std::int64_t user_id) {
  std::vector<StoredPasskey> passkeys;
  const DbStatus status = db_->ListPasskeys(user_id, &passkeys);
  return Found(status, std::move(passkeys));
}

StoreResult<bool> SqliteCredentialStore::UpdateAfterSignIn(
    passkey::ByteView credential_id, std::uint32_t old_sign_count,
    const passkey::CredentialRecord& new_record) {
  if (!std::equal(credential_id.begin(), credential_id.end(), new_record.id.begin(),
                  new_record.id.end())) {
    return StoreError::kInternal;
  }
  const DbStatus status = db_->UpdateAfterAuthentication(new_record, old_sign_count);
  if (status == DbStatus::kOk)
    return true;
  if (status == DbStatus::kConflict)
    return false;
  return ToError(status);
}

StoreStatus SqliteCredentialStore::RenamePasskey(std::int64_t user_id,
                                                 passkey::ByteView credential_id,
                                                 std::string_view name) {
  return ToStatus(db_->RenamePasskey(user_id, credential_id, name));
}

StoreStatus SqliteCredentialStore::DeletePasskey(std::int64_t user_id,
                                                 passkey::ByteView credential_id) {
  return ToStatus(db_->DeletePasskey(user_id, credential_id));
}

}  // namespace passkey_server
