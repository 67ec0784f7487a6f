// Unit tests of the example server's store, sessions and rate limiter.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <sqlite3.h>
#include <stdlib.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>

#include "db.h"
#include "migrations.h"
#include "rate_limiter.h"
#include "sessions.h"
#include "store_test_util.h"

namespace passkey_server {
namespace {

using test_util::NewUser;
using test_util::Record;
using test_util::TempDir;

// ---- The migration runner (migrations.h), over a scripted connection ----

// ScriptedConnection records every statement and fails the first one that
// contains `fail_on` (when set).
class ScriptedConnection final : public MigrationConnection {
 public:
  ScriptedConnection(SqlDialect dialect, std::int64_t version) : dialect_(dialect), version_(version) {}
  SqlDialect dialect() const override { return dialect_; }
  bool Exec(const std::string& sql, std::string* error) override {
    statements.push_back(sql);
    if (!fail_on.empty() && sql.find(fail_on) != std::string::npos) {
      *error = "scripted failure";
      return false;
    }
    return true;
  }
  bool QueryInt(const std::string& sql, std::int64_t* out, std::string*) override {
    statements.push_back(sql);
    *out = version_;
    return true;
  }
  std::vector<std::string> statements;
  std::string fail_on;

 private:
  SqlDialect dialect_;
  std::int64_t version_;
};

TEST(MigrationsTest, NumberedFromOneWithBothDialects) {
  ASSERT_EQ(Migrations().size(), static_cast<std::size_t>(kSchemaVersion));
  int expected = 1;
  for (const Migration& migration : Migrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_EQ(std::string(migration.name).find('\''), std::string::npos);
    EXPECT_NE(std::string(migration.Sql(SqlDialect::kSqlite)), "");
    EXPECT_NE(std::string(migration.Sql(SqlDialect::kPostgresql)), "");
    EXPECT_NE(std::string(migration.sqlite), std::string(migration.postgresql));
  }
}

TEST(MigrationsTest, OneTransactionLockedFirstCommittedLast) {
  for (SqlDialect dialect : {SqlDialect::kSqlite, SqlDialect::kPostgresql}) {
    ScriptedConnection connection(dialect, 0);
    std::vector<std::string> applied;
    std::string error;
    ASSERT_TRUE(RunMigrations(connection, &applied, &error)) << error;
    ASSERT_GE(connection.statements.size(), 5u);
    EXPECT_EQ(connection.statements.front().rfind("BEGIN", 0), 0u);
    if (dialect == SqlDialect::kPostgresql)
      EXPECT_NE(connection.statements.front().find("pg_advisory_xact_lock"), std::string::npos);
    else
      EXPECT_EQ(connection.statements.front(), "BEGIN IMMEDIATE");
    EXPECT_EQ(connection.statements.back(), "COMMIT");
    EXPECT_EQ(applied, std::vector<std::string>{"1 (users and passkeys)"});
  }
}

TEST(MigrationsTest, AFailureRollsEverythingBackAndKeepsTheReason) {
  ScriptedConnection connection(SqlDialect::kPostgresql, 0);
  connection.fail_on = "INSERT INTO schema_migrations";
  std::vector<std::string> applied = {"untouched"};
  std::string error;
  EXPECT_FALSE(RunMigrations(connection, &applied, &error));
  EXPECT_EQ(error, "scripted failure");
  EXPECT_EQ(connection.statements.back(), "ROLLBACK");
  EXPECT_EQ(applied, std::vector<std::string>{"untouched"});
}

TEST(MigrationsTest, ANewerSchemaIsRefusedAndNothingApplied) {
  ScriptedConnection connection(SqlDialect::kSqlite, kSchemaVersion + 1);
  std::string error;
  EXPECT_FALSE(RunMigrations(connection, nullptr, &error));
  EXPECT_NE(error.find("is newer than this server's"), std::string::npos) << error;
  EXPECT_EQ(connection.statements.back(), "ROLLBACK");
  for (const std::string& statement : connection.statements)
    EXPECT_EQ(statement.find("CREATE TABLE users"), std::string::npos);
}

TEST(MigrationsTest, AnUpToDateSchemaAppliesNothing) {
  ScriptedConnection connection(SqlDialect::kSqlite, kSchemaVersion);
  std::vector<std::string> applied;
  std::string error;
  ASSERT_TRUE(RunMigrations(connection, &applied, &error)) << error;
  EXPECT_TRUE(applied.empty());
  EXPECT_EQ(connection.statements.back(), "COMMIT");
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    db_ = Database::Open(dir_.File("test.db"), &error);
    ASSERT_NE(db_, nullptr) << error;
  }
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, AppliesMigrationsOnceAndReopens) {
  EXPECT_EQ(db_->SchemaVersion(), Database::kSchemaVersion);
  User created;
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(7), &created),
            DbStatus::kOk);
  db_.reset();
  std::string error;
  db_ = Database::Open(dir_.File("test.db"), &error);
  ASSERT_NE(db_, nullptr) << error;
  EXPECT_EQ(db_->SchemaVersion(), Database::kSchemaVersion);
  User found;
  EXPECT_EQ(db_->FindUserByName("alice", &found), DbStatus::kOk);
  EXPECT_EQ(found.id, created.id);
  StoredPasskey passkey;
  EXPECT_EQ(db_->FindPasskey(Record(7).id, &passkey), DbStatus::kOk);
  EXPECT_EQ(passkey.user_id, created.id);
}

TEST_F(DatabaseTest, RefusesASchemaNewerThanTheBuild) {
  db_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("test.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  std::string error;
  EXPECT_EQ(Database::Open(dir_.File("test.db"), &error), nullptr);
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
}

TEST_F(DatabaseTest, UsesWalWithFullSync) {
  db_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("test.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST_F(DatabaseTest, UsernamesAreUniqueIgnoringCase) {
  User created;
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(1), &created),
            DbStatus::kOk);
  EXPECT_EQ(db_->CreateUserWithPasskey(NewUser("ALICE", 2), "Key", Record(2), &created),
            DbStatus::kUsernameTaken);
  // The refused user's passkey was not stored either.
  StoredPasskey passkey;
  EXPECT_EQ(db_->FindPasskey(Record(2).id, &passkey), DbStatus::kNotFound);
}

TEST_F(DatabaseTest, ADuplicateCredentialLeavesNoUserBehind) {
  User created;
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(1), &created),
            DbStatus::kOk);
  EXPECT_EQ(db_->CreateUserWithPasskey(NewUser("bob", 2), "Key", Record(1), &created),
            DbStatus::kCredentialExists);
  User bob;
  EXPECT_EQ(db_->FindUserByName("bob", &bob), DbStatus::kNotFound);
  EXPECT_EQ(db_->FindUserByHandle(passkey::Bytes(32, 2), &bob), DbStatus::kNotFound);
}

TEST_F(DatabaseTest, AddListRenameDeleteOnlyTheOwnersPasskeys) {
  User alice;
  User bob;
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("alice", 1), "First", Record(1), &alice),
            DbStatus::kOk);
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("bob", 2), "Bob's", Record(2), &bob), DbStatus::kOk);
  auto second = Record(3);
  second.created_at = 1700000100;
  ASSERT_EQ(db_->AddPasskey(alice.id, "Second", second), DbStatus::kOk);
  EXPECT_EQ(db_->AddPasskey(alice.id, "Again", Record(2)), DbStatus::kCredentialExists);
  EXPECT_EQ(db_->AddPasskey(12345, "Nobody", Record(9)), DbStatus::kNotFound);

  std::vector<StoredPasskey> list;
  ASSERT_EQ(db_->ListPasskeys(alice.id, &list), DbStatus::kOk);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "First");
  EXPECT_EQ(list[1].name, "Second");
  EXPECT_EQ(list[1].record.id, second.id);

  EXPECT_EQ(db_->RenamePasskey(bob.id, Record(1).id, "Stolen"), DbStatus::kNotFound);
  EXPECT_EQ(db_->DeletePasskey(bob.id, Record(1).id), DbStatus::kNotFound);
  EXPECT_EQ(db_->RenamePasskey(alice.id, Record(1).id, "Laptop"), DbStatus::kOk);
  StoredPasskey renamed;
  ASSERT_EQ(db_->FindPasskey(Record(1).id, &renamed), DbStatus::kOk);
  EXPECT_EQ(renamed.name, "Laptop");
  EXPECT_EQ(db_->DeletePasskey(alice.id, Record(1).id), DbStatus::kOk);
  EXPECT_EQ(db_->DeletePasskey(alice.id, Record(1).id), DbStatus::kNotFound);
  ASSERT_EQ(db_->ListPasskeys(alice.id, &list), DbStatus::kOk);
  EXPECT_EQ(list.size(), 1u);
}

TEST_F(DatabaseTest, UpdateAfterAuthenticationChecksTheOldCounter) {
  User alice;
  ASSERT_EQ(db_->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(1, 5), &alice),
            DbStatus::kOk);
  auto updated = Record(1, 6);
  updated.last_used_at = 1700000500;
  updated.backup_state = false;
  ASSERT_EQ(db_->UpdateAfterAuthentication(updated, 5), DbStatus::kOk);
  // A second sign-in that read the same old counter (5) lost the race.
  auto stale = Record(1, 6);
  EXPECT_EQ(db_->UpdateAfterAuthentication(stale, 5), DbStatus::kConflict);
  StoredPasskey stored;
  ASSERT_EQ(db_->FindPasskey(updated.id, &stored), DbStatus::kOk);
  EXPECT_EQ(stored.record.sign_count, 6u);
  EXPECT_EQ(stored.record.last_used_at, 1700000500);
  EXPECT_FALSE(stored.record.backup_state);
  EXPECT_EQ(db_->UpdateAfterAuthentication(Record(9, 1), 0), DbStatus::kNotFound);
}

TEST(RateLimiterTest, AllowsABurstThenRefillsPerMinute) {
  RateLimiter limiter(3);
  const auto start = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.Allow("10.0.0.1", start));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", start));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", start));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", start));
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.Allow("10.0.0.2", start));
  // 3 a minute: one token every 20 s.
  EXPECT_FALSE(limiter.Allow("10.0.0.1", start + std::chrono::seconds(19)));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", start + std::chrono::seconds(20)));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", start + std::chrono::seconds(21)));
  // After a quiet minute the whole burst is back, and no more.
  const auto later = start + std::chrono::seconds(200);
  EXPECT_TRUE(limiter.Allow("10.0.0.1", later));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", later));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", later));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", later));
}

TEST(RateLimiterTest, ZeroDisablesTheLimit) {
  RateLimiter limiter(0);
  const auto now = RateLimiter::Clock::now();
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(limiter.Allow("10.0.0.1", now));
}

TEST(RateLimiterTest, KeepsAtMostMaxClientsBuckets) {
  RateLimiter limiter(2, 4);
  const auto now = RateLimiter::Clock::now();
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(limiter.Allow("client-" + std::to_string(i), now));
    ASSERT_LE(limiter.clients(), 4u);
  }
}

TEST(SessionStoreTest, CreateGetAndExpire) {
  SessionStore store(100);
  auto session = store.Create(1000);
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->id.size(), 43u);  // 32 bytes, base64url
  EXPECT_FALSE(session->user_id.has_value());
  EXPECT_TRUE(store.Get(session->id, 1050).has_value());
  EXPECT_TRUE(store.Get(session->id, 1140).has_value());  // seen at 1050: still live
  EXPECT_FALSE(store.Get(session->id, 1300).has_value());
  EXPECT_FALSE(store.Get("not-a-session-id", 1000).has_value());
}

TEST(SessionStoreTest, SignInRotatesTheId) {
  SessionStore store;
  auto anonymous = store.Create(1000);
  ASSERT_TRUE(anonymous.has_value());
  auto signed_in = store.SignIn(anonymous->id, 42, 1001);
  ASSERT_TRUE(signed_in.has_value());
  EXPECT_NE(signed_in->id, anonymous->id);
  EXPECT_EQ(signed_in->user_id, 42);
  EXPECT_FALSE(store.Get(anonymous->id, 1002).has_value());
  EXPECT_TRUE(store.SetStepUp(signed_in->id, 2000));
  EXPECT_EQ(store.Get(signed_in->id, 1002)->step_up_until, 2000);
  store.Remove(signed_in->id);
  EXPECT_FALSE(store.Get(signed_in->id, 1003).has_value());
}

TEST(SessionStoreTest, EvictsTheLeastRecentlySeenWhenFull) {
  SessionStore store(1000, 2);
  auto a = store.Create(1);
  auto b = store.Create(2);
  ASSERT_TRUE(store.Get(a->id, 3).has_value());  // b is now the oldest
  auto c = store.Create(4);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_TRUE(store.Get(a->id, 5).has_value());
  EXPECT_FALSE(store.Get(b->id, 5).has_value());
  EXPECT_TRUE(store.Get(c->id, 5).has_value());
}

TEST(CookieTest, FindsTheSessionCookie) {
  EXPECT_EQ(CookieValue("a=1; sid=abc; b=2", "sid"), "abc");
  EXPECT_EQ(CookieValue("sid=abc", "sid"), "abc");
  EXPECT_EQ(CookieValue("xsid=1; sidx=2", "sid"), "");
  EXPECT_EQ(CookieValue("", "sid"), "");
  EXPECT_EQ(SessionCookieHeader("abc", false), "sid=abc; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(SessionCookieHeader("abc", true), "sid=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(SessionCookieHeader("", false), "sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

}  // namespace
}  // namespace passkey_server
