#include "migrations.h"

namespace passkey_server {
namespace {

// Users' names are unique ignoring ASCII case in both dialects: SQLite's
// NOCASE folds A-Z only, and PostgreSQL's lower() under the "C" collation
// does the same whatever the database's locale.
constexpr Migration kMigrations[] = {
    {1, "users and passkeys",
     // SQLite
     "CREATE TABLE users ("
     "  id INTEGER PRIMARY KEY,"
     "  user_handle BLOB NOT NULL UNIQUE,"
     "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
     "  display_name TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE passkeys ("
     "  credential_id BLOB PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  name TEXT NOT NULL,"
     "  sign_count INTEGER NOT NULL,"
     "  record TEXT NOT NULL,"  // CredentialRecordToJson, version 1
     "  created_at INTEGER NOT NULL,"
     "  last_used_at INTEGER"
     ") WITHOUT ROWID;"
     "CREATE INDEX passkeys_by_user ON passkeys(user_id, created_at);",
     // PostgreSQL
     "CREATE TABLE users ("
     "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
     "  user_handle BYTEA NOT NULL UNIQUE,"
     "  name TEXT NOT NULL,"
     "  display_name TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL"
     ");"
     "CREATE UNIQUE INDEX users_name_key ON users ((lower(name COLLATE \"C\")));"
     "CREATE TABLE passkeys ("
     "  credential_id BYTEA PRIMARY KEY,"
     "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  name TEXT NOT NULL,"
     "  sign_count BIGINT NOT NULL,"
     "  record TEXT NOT NULL,"  // CredentialRecordToJson, version 1
     "  created_at BIGINT NOT NULL,"
     "  last_used_at BIGINT"
     ");"
     "CREATE INDEX passkeys_by_user ON passkeys (user_id, created_at);"},
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// What differs between the dialects around the migrations themselves.
struct DialectStatements {
  const char* begin;  // opens the transaction and takes the write lock
  const char* create_table;
};

DialectStatements StatementsFor(SqlDialect dialect) {
  if (dialect == SqlDialect::kSqlite) {
    return {"BEGIN IMMEDIATE",
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "  version INTEGER PRIMARY KEY,"
            "  name TEXT NOT NULL,"
            "  applied_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))"
            ")"};
  }
  // A migration may take long on a big table: no statement_timeout. The
  // advisory lock's key is the bytes of "passkey" as a big-endian integer.
  return {"BEGIN; SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(31632345877144953)",
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          "  version INTEGER PRIMARY KEY,"
          "  name TEXT NOT NULL,"
          "  applied_at BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT)"
          ")"};
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

bool RunMigrations(MigrationConnection& connection, std::vector<std::string>* applied,
                   std::string* error) {
  const DialectStatements statements = StatementsFor(connection.dialect());
  if (!connection.Exec(statements.begin, error))
    return false;
  // Rollback keeps the first error: the reason the migration failed.
  auto rollback = [&] {
    std::string ignored;
    connection.Exec("ROLLBACK", &ignored);
    return false;
  };
  std::int64_t current = 0;
  if (!connection.Exec(statements.create_table, error) ||
      !connection.QueryInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &current,
                           error)) {
    return rollback();
  }
  if (current > kSchemaVersion) {
    *error = "schema version " + std::to_string(current) + " is newer than this server's (" +
             std::to_string(kSchemaVersion) + ")";
    return rollback();
  }
  std::vector<std::string> done;
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current)
      continue;
    if (!connection.Exec(migration.Sql(connection.dialect()), error) ||
        !connection.Exec("INSERT INTO schema_migrations (version, name) VALUES (" +
                             std::to_string(migration.version) + ", '" + migration.name + "')",
                         error)) {
      return rollback();
    }
    done.push_back(std::to_string(migration.version) + " (" + migration.name + ")");
  }
  if (!connection.Exec("COMMIT", error))
    return rollback();
  if (applied != nullptr)
    *applied = std::move(done);
  return true;
}

}  // namespace passkey_server
