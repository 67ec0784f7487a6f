// The schema of users and passkeys and the one migration runner both
// CredentialStores use (issue #18): SQLite (db.cc) and PostgreSQL
// (postgres_credential_store.cc) apply the same numbered migrations, each
// written once per dialect side by side, through RunMigrations.
#ifndef PASSKEY_EXAMPLES_SERVER_MIGRATIONS_H_
#define PASSKEY_EXAMPLES_SERVER_MIGRATIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace passkey_server {

enum class SqlDialect { kSqlite, kPostgresql };

// Migration: one schema change, in both dialects. Never edit a released
// migration: append one (and raise kSchemaVersion).
struct Migration {
  int version;
  const char* name;        // no quote characters (it is inlined as a literal)
  const char* sqlite;      // statements, ';'-separated
  const char* postgresql;  // the same change for PostgreSQL

  const char* Sql(SqlDialect dialect) const {
    return dialect == SqlDialect::kSqlite ? sqlite : postgresql;
  }
};

// kSchemaVersion: the newest migration this build knows.
inline constexpr int kSchemaVersion = 1;

// Migrations: every migration, in version order (1, 2, …).
std::span<const Migration> Migrations();

// MigrationConnection: what RunMigrations needs from a store: one
// connection, used by nothing else while the runner holds it.
class MigrationConnection {
 public:
  virtual ~MigrationConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // Exec runs statements that return no rows; false with *error.
  virtual bool Exec(const std::string& sql, std::string* error) = 0;
  // QueryInt runs a query whose first row's first column is an integer.
  virtual bool QueryInt(const std::string& sql, std::int64_t* out, std::string* error) = 0;
};

// RunMigrations brings the schema up to kSchemaVersion in ONE transaction:
// it takes the write lock first (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
// transaction-scoped advisory lock, so servers starting together migrate one
// after the other), creates schema_migrations when missing, refuses a schema
// newer than this build, then applies each missing migration and records it.
// Any failure rolls everything back (the schema stays as it was) and returns
// false with *error. `applied` receives "N (name)" for each migration applied.
bool RunMigrations(MigrationConnection& connection, std::vector<std::string>* applied,
                   std::string* error);

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_MIGRATIONS_H_
