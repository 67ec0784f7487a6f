#include "db.h"

#include "migrations.h"

#include <cstdio>
#include <sqlite3.h>
#include <utility>

namespace passkey_server {
namespace {

std::int64_t CreatedAt(const passkey::CredentialRecord& record) {
  return record.created_at.value_or(0);
}

}  // namespace

void Database::StatementDeleter::operator()(sqlite3_stmt* stmt) const noexcept {
  sqlite3_finalize(stmt);
}

// Statement: a borrowed cached statement; binds by position and resets the
// statement (releasing its read snapshot) when it goes out of scope.
class Database::Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr && ok_; }
  sqlite3_stmt* get() const { return stmt_; }

  Statement& Int(std::int64_t value) {
    Check(stmt_ != nullptr && sqlite3_bind_int64(stmt_, ++index_, value) == SQLITE_OK);
    return *this;
  }
  Statement& OptionalInt(const std::optional<std::int64_t>& value) {
    if (!value.has_value()) {
      Check(stmt_ != nullptr && sqlite3_bind_null(stmt_, ++index_) == SQLITE_OK);
      return *this;
    }
    return Int(*value);
  }
  Statement& Text(std::string_view value) {
    Check(stmt_ != nullptr && sqlite3_bind_text64(stmt_, ++index_, value.data(), value.size(),
                                                  SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK);
    return *this;
  }
  Statement& Blob(passkey::ByteView value) {
    // A zero-length blob must still bind as a blob, not NULL.
    static const unsigned char kEmpty = 0;
    const void* data = value.empty() ? &kEmpty : static_cast<const void*>(value.data());
    Check(stmt_ != nullptr &&
          sqlite3_bind_blob64(stmt_, ++index_, data, value.size(), SQLITE_TRANSIENT) == SQLITE_OK);
    return *this;
  }

  // Step: SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return valid() ? sqlite3_step(stmt_) : SQLITE_MISUSE; }

  std::int64_t ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool ColumnIsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string ColumnText(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr || size <= 0)
      return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
  }
  passkey::Bytes ColumnBlob(int column) const {
    const void* blob = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (blob == nullptr || size <= 0)
      return {};
    const auto* begin = static_cast<const std::uint8_t*>(blob);
    return passkey::Bytes(begin, begin + size);
  }

 private:
  void Check(bool ok) { ok_ = ok_ && ok; }
  sqlite3_stmt* stmt_;
  int index_ = 0;
  bool ok_ = true;
};

// Transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction
// unless Commit() succeeded.
class Database::Transaction {
 public:
  explicit Transaction(Database& db) : db_(db), begun_(db.Exec("BEGIN IMMEDIATE")) {}
  ~Transaction() {
    if (begun_ && !committed_)
      db_.Exec("ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  bool begun() const { return begun_; }
  bool Commit() {
    committed_ = begun_ && db_.Exec("COMMIT");
    return committed_;
  }

 private:
  Database& db_;
  bool begun_;
  bool committed_ = false;
};

std::unique_ptr<Database> Database::Open(const std::string& path, std::string* error) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error =
        "cannot open " + path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_close_v2(raw);
    return nullptr;
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_extended_result_codes(raw, 1);
  // Wait for a lock held by another connection rather than failing at once.
  sqlite3_busy_timeout(raw, 5000);
  // WAL + synchronous=FULL: a transaction is durable once COMMIT returns.
  if (!db->Exec("PRAGMA journal_mode=WAL", error) || !db->Exec("PRAGMA synchronous=FULL", error) ||
      !db->Exec("PRAGMA foreign_keys=ON", error) || !db->Migrate(error)) {
    *error = "cannot set up " + path + ": " + *error;
    return nullptr;
  }
  return db;
}

Database::Database(sqlite3* db) : db_(db) {}

Database::~Database() {
  statements_.clear();  // finalize before closing
  sqlite3_close_v2(db_);
}

bool Database::Exec(const char* sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK)
    return true;
  const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  if (error != nullptr) {
    *error = text;
  } else {
    std::fprintf(stderr, "db: %s: %s\n", sql, text.c_str());
  }
  return false;
}

sqlite3_stmt* Database::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end())
    return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    LogError("prepare");
    sqlite3_finalize(stmt);
    return nullptr;
  }
  statements_.emplace(sql, std::unique_ptr<sqlite3_stmt, StatementDeleter>(stmt));
  return stmt;
}

void Database::LogError(const char* what) {
  std::fprintf(stderr, "db: %s: %s\n", what, sqlite3_errmsg(db_));
}

bool Database::Migrate(std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  return MigrateLocked(error);
}

bool Database::MigrateLocked(std::string* error) {
  // The one migration runner (migrations.h) over this connection; mutex_ is
  // held, so nothing else uses it meanwhile.
  class SqliteMigrations final : public MigrationConnection {
   public:
    explicit SqliteMigrations(Database& db) : db_(db) {}
    SqlDialect dialect() const override { return SqlDialect::kSqlite; }
    bool Exec(const std::string& sql, std::string* error) override {
      return db_.Exec(sql.c_str(), error);
    }
    bool QueryInt(const std::string& sql, std::int64_t* out, std::string* error) override {
      // Not Prepare(): its cache is keyed by string literals.
      sqlite3_stmt* raw = nullptr;
      const int prepared = sqlite3_prepare_v2(db_.db_, sql.c_str(), -1, &raw, nullptr);
      std::unique_ptr<sqlite3_stmt, StatementDeleter> stmt(raw);
      if (prepared != SQLITE_OK || sqlite3_step(raw) != SQLITE_ROW) {
        *error = sqlite3_errmsg(db_.db_);
        return false;
      }
      *out = sqlite3_column_int64(raw, 0);
      return true;
    }

   private:
    Database& db_;
  };
  SqliteMigrations connection(*this);
  std::vector<std::string> applied;
  if (!RunMigrations(connection, &applied, error))
    return false;
  for (const std::string& line : applied)
    std::fprintf(stderr, "db: applied migration %s\n", line.c_str());
  return true;
}

int Database::SchemaVersion() {
  std::lock_guard<std::mutex> lock(mutex_);
  return SchemaVersionLocked();
}

int Database::SchemaVersionLocked() {
  Statement stmt(Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  if (stmt.Step() != SQLITE_ROW)
    return -1;
  return static_cast<int>(stmt.ColumnInt(0));
}

// Columns: id, user_handle, name, display_name, created_at.
void Database::ReadUser(const Statement& stmt, User* out) {
  out->id = stmt.ColumnInt(0);
  out->handle = stmt.ColumnBlob(1);
  out->name = stmt.ColumnText(2);
  out->display_name = stmt.ColumnText(3);
  out->created_at = stmt.ColumnInt(4);
}

DbStatus Database::FindUserWhere(const char* sql, const std::function<void(Statement&)>& bind,
                                 User* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(Prepare(sql));
  bind(stmt);
  switch (stmt.Step()) {
    case SQLITE_ROW:
      ReadUser(stmt, out);
      return DbStatus::kOk;
    case SQLITE_DONE:
      return DbStatus::kNotFound;
    default:
      LogError("find user");
      return DbStatus::kError;
  }
}

DbStatus Database::FindUserByName(std::string_view name, User* out) {
  return FindUserWhere(
      "SELECT id, user_handle, name, display_name, created_at FROM users WHERE name = ?",
      [&](Statement& stmt) { stmt.Text(name); }, out);
}

DbStatus Database::FindUserById(std::int64_t id, User* out) {
  return FindUserWhere(
      "SELECT id, user_handle, name, display_name, created_at FROM users WHERE id = ?",
      [&](Statement& stmt) { stmt.Int(id); }, out);
}

DbStatus Database::FindUserByHandle(passkey::ByteView handle, User* out) {
  return FindUserWhere(
      "SELECT id, user_handle, name, display_name, created_at FROM users WHERE user_handle = ?",
      [&](Statement& stmt) { stmt.Blob(handle); }, out);
}

DbStatus Database::InsertPasskeyLocked(std::int64_t user_id, std::string_view name,
                                       const passkey::CredentialRecord& record) {
  {
    Statement exists(Prepare("SELECT 1 FROM passkeys WHERE credential_id = ?"));
    exists.Blob(record.id);
    const int rc = exists.Step();
    if (rc == SQLITE_ROW)
      return DbStatus::kCredentialExists;
    if (rc != SQLITE_DONE) {
      LogError("find passkey");
      return DbStatus::kError;
    }
  }
  Statement insert(
      Prepare("INSERT INTO passkeys (credential_id, user_id, name, sign_count, record, created_at,"
              " last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert.Blob(record.id)
      .Int(user_id)
      .Text(name)
      .Int(record.sign_count)
      .Text(passkey::CredentialRecordToJson(record))
      .Int(CreatedAt(record))
      .OptionalInt(record.last_used_at);
  if (insert.Step() != SQLITE_DONE) {
    LogError("insert passkey");
    return DbStatus::kError;
  }
  return DbStatus::kOk;
}

DbStatus Database::CreateUserWithPasskey(const User& user, std::string_view passkey_name,
                                         const passkey::CredentialRecord& record, User* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction txn(*this);
  if (!txn.begun())
    return DbStatus::kError;
  {
    Statement taken(Prepare("SELECT 1 FROM users WHERE name = ?"));
    taken.Text(user.name);
    const int rc = taken.Step();
    if (rc == SQLITE_ROW)
      return DbStatus::kUsernameTaken;
    if (rc != SQLITE_DONE) {
      LogError("find user");
      return DbStatus::kError;
    }
  }
  std::int64_t user_id = 0;
  {
    Statement insert(Prepare(
        "INSERT INTO users (user_handle, name, display_name, created_at) VALUES (?, ?, ?, ?)"));
    insert.Blob(user.handle).Text(user.name).Text(user.display_name).Int(user.created_at);
    if (insert.Step() != SQLITE_DONE) {
      LogError("insert user");
      return DbStatus::kError;
    }
    user_id = sqlite3_last_insert_rowid(db_);
  }
  if (DbStatus status = InsertPasskeyLocked(user_id, passkey_name, record);
      status != DbStatus::kOk) {
    return status;  // the transaction rolls back: no user without a passkey
  }
  if (!txn.Commit())
    return DbStatus::kError;
  *out = user;
  out->id = user_id;
  return DbStatus::kOk;
}

DbStatus Database::AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                              const passkey::CredentialRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction txn(*this);
  if (!txn.begun())
    return DbStatus::kError;
  {
    Statement user(Prepare("SELECT 1 FROM users WHERE id = ?"));
    user.Int(user_id);
    const int rc = user.Step();
    if (rc == SQLITE_DONE)
      return DbStatus::kNotFound;
    if (rc != SQLITE_ROW) {
      LogError("find user");
      return DbStatus::kError;
    }
  }
  if (DbStatus status = InsertPasskeyLocked(user_id, passkey_name, record);
      status != DbStatus::kOk) {
    return status;
  }
  return txn.Commit() ? DbStatus::kOk : DbStatus::kError;
}

// Columns: user_id, name, record.
DbStatus Database::ReadPasskey(const Statement& stmt, StoredPasskey* out) {
  out->user_id = stmt.ColumnInt(0);
  out->name = stmt.ColumnText(1);
  auto record = passkey::CredentialRecordFromJson(stmt.ColumnText(2));
  if (!record.has_value()) {
    std::fprintf(stderr, "db: stored record unreadable: %s: %s\n",
                 std::string(passkey::ErrorCodeName(record.error().code)).c_str(),
                 record.error().message.c_str());
    return DbStatus::kError;
  }
  out->record = std::move(record).value();
  return DbStatus::kOk;
}

DbStatus Database::FindPasskey(passkey::ByteView credential_id, StoredPasskey* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement stmt(Prepare("SELECT user_id, name, record FROM passkeys WHERE credential_id = ?"));
  stmt.Blob(credential_id);
  switch (stmt.Step()) {
    case SQLITE_ROW:
      return ReadPasskey(stmt, out);
    case SQLITE_DONE:
      return DbStatus::kNotFound;
    default:
      LogError("find passkey");
      return DbStatus::kError;
  }
}

DbStatus Database::ListPasskeys(std::int64_t user_id, std::vector<StoredPasskey>* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  out->clear();
  Statement stmt(
      Prepare("SELECT user_id, name, record FROM passkeys WHERE user_id = ?"
              " ORDER BY created_at, credential_id"));
  stmt.Int(user_id);
  for (;;) {
    const int rc = stmt.Step();
    if (rc == SQLITE_DONE)
      return DbStatus::kOk;
    if (rc != SQLITE_ROW) {
      LogError("list passkeys");
      return DbStatus::kError;
    }
    StoredPasskey passkey;
    if (DbStatus status = ReadPasskey(stmt, &passkey); status != DbStatus::kOk)
      return status;
    out->push_back(std::move(passkey));
  }
}

DbStatus Database::UpdateAfterAuthentication(const passkey::CredentialRecord& updated,
                                             std::uint32_t expected_sign_count) {
  std::lock_guard<std::mutex> lock(mutex_);
  // This commit alone runs with synchronous=NORMAL: it is not fsynced when
  // COMMIT returns but with the next FULL commit or checkpoint (the WAL is
  // written in order), and survives a crash of the process, not of the
  // machine. Losing the last counter or lastUsedAt after a power loss is
  // harmless: the next assertion's counter is still above the stored one,
  // and a replay is refused by the single-use challenge. Measured with
  // bench/server_load (32 users, Release, loaded machine): the fsync under
  // the database mutex limited one SQLite server to about 650 sign-ins/s;
  // see bench/README.md. Sign-up, rename and remove stay FULL.
  // (Exec logs a failure itself; the pragma cannot change inside a
  // transaction, hence the guard around the Transaction.)
  if (!Exec("PRAGMA synchronous=NORMAL", nullptr))
    return DbStatus::kError;
  struct RestoreFull {
    Database& db;
    ~RestoreFull() { static_cast<void>(db.Exec("PRAGMA synchronous=FULL", nullptr)); }
  } restore{*this};
  Transaction txn(*this);
  if (!txn.begun())
    return DbStatus::kError;
  {
    // One statement: the counter check and the whole update are atomic.
    Statement update(
        Prepare("UPDATE passkeys SET sign_count = ?, record = ?, last_used_at = ?"
                " WHERE credential_id = ? AND sign_count = ?"));
    update.Int(updated.sign_count)
        .Text(passkey::CredentialRecordToJson(updated))
        .OptionalInt(updated.last_used_at)
        .Blob(updated.id)
        .Int(expected_sign_count);
    if (update.Step() != SQLITE_DONE) {
      LogError("update passkey");
      return DbStatus::kError;
    }
  }
  if (sqlite3_changes(db_) == 0) {
    Statement exists(Prepare("SELECT 1 FROM passkeys WHERE credential_id = ?"));
    exists.Blob(updated.id);
    return exists.Step() == SQLITE_ROW ? DbStatus::kConflict : DbStatus::kNotFound;
  }
  return txn.Commit() ? DbStatus::kOk : DbStatus::kError;
}

DbStatus Database::RenamePasskey(std::int64_t user_id, passkey::ByteView credential_id,
                                 std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction txn(*this);
  if (!txn.begun())
    return DbStatus::kError;
  {
    Statement update(
        Prepare("UPDATE passkeys SET name = ? WHERE credential_id = ? AND user_id = ?"));
    update.Text(name).Blob(credential_id).Int(user_id);
    if (update.Step() != SQLITE_DONE) {
      LogError("rename passkey");
      return DbStatus::kError;
    }
  }
  if (sqlite3_changes(db_) == 0)
    return DbStatus::kNotFound;
  return txn.Commit() ? DbStatus::kOk : DbStatus::kError;
}

DbStatus Database::DeletePasskey(std::int64_t user_id, passkey::ByteView credential_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction txn(*this);
  if (!txn.begun())
    return DbStatus::kError;
  {
    Statement remove(Prepare("DELETE FROM passkeys WHERE credential_id = ? AND user_id = ?"));
    remove.Blob(credential_id).Int(user_id);
    if (remove.Step() != SQLITE_DONE) {
      LogError("delete passkey");
      return DbStatus::kError;
    }
  }
  if (sqlite3_changes(db_) == 0)
    return DbStatus::kNotFound;
  return txn.Commit() ? DbStatus::kOk : DbStatus::kError;
}

}  // namespace passkey_server
