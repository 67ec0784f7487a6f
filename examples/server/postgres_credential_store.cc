#include "postgres_credential_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <libpq-fe.h>
#include <optional>
#include <utility>

#include <passkey/credential_record.h>
#include <passkey/result.h>

namespace passkey_server {
namespace {

// SQLSTATEs of the constraint violations the store turns into StoreErrors.
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kForeignKeyViolation = "23503";
constexpr std::string_view kUndefinedTable = "42P01";

// Transient: a SQLSTATE that says the server cannot serve the statement now
// (as opposed to the statement being wrong): connection exceptions (08),
// insufficient resources (53), operator intervention (57: shutdown,
// statement_timeout), lock_not_available, serialization failure and
// deadlock. Retrying later may work, so the caller gets kUnavailable (503).
bool Transient(std::string_view sqlstate) {
  const std::string_view cls = sqlstate.substr(0, 2);
  return cls == "08" || cls == "53" || cls == "57" || sqlstate == "55P03" || sqlstate == "40001" ||
         sqlstate == "40P01";
}

struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Columns read by Reply::User and Reply::Passkey.
constexpr const char* kUserColumns =
    "SELECT id, user_handle, name, display_name, created_at FROM users";
constexpr const char* kPasskeyColumns = "SELECT user_id, name, record FROM passkeys";

}  // namespace

// Reply: a statement's result, or the SQLSTATE and constraint of its error.
struct PostgresCredentialStore::Reply {
  ResultPtr result;  // null when the statement failed
  std::string sqlstate;
  std::string constraint;

  bool ok() const { return result != nullptr; }
  int rows() const { return ok() ? PQntuples(result.get()) : 0; }
  // Affected: rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t Affected() const {
    const char* text = ok() ? PQcmdTuples(result.get()) : "";
    std::int64_t value = 0;
    std::from_chars(text, text + std::strlen(text), value);
    return value;
  }
  std::string Text(int row, int column) const {
    return std::string(PQgetvalue(result.get(), row, column),
                       static_cast<std::size_t>(PQgetlength(result.get(), row, column)));
  }
  // Int: a BIGINT column; nullopt when it does not parse (never, for ours).
  std::optional<std::int64_t> Int(int row, int column) const {
    const char* text = PQgetvalue(result.get(), row, column);
    const char* end = text + PQgetlength(result.get(), row, column);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text, end, value);
    if (ec != std::errc() || ptr != end)
      return std::nullopt;
    return value;
  }
  // Bytes: a BYTEA column (text results carry it in hex escape form).
  std::optional<passkey::Bytes> Bytes(int row, int column) const {
    std::size_t size = 0;
    unsigned char* raw = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(result.get(), row, column)), &size);
    if (raw == nullptr)
      return std::nullopt;
    passkey::Bytes bytes(raw, raw + size);
    PQfreemem(raw);
    return bytes;
  }

  // User: row `row` of kUserColumns; nullopt when a column does not parse.
  std::optional<passkey_server::User> User(int row) const {
    passkey_server::User user;
    auto id = Int(row, 0);
    auto handle = Bytes(row, 1);
    auto created_at = Int(row, 4);
    if (!id.has_value() || !handle.has_value() || !created_at.has_value())
      return std::nullopt;
    user.id = *id;
    user.handle = std::move(*handle);
    user.name = Text(row, 2);
    user.display_name = Text(row, 3);
    user.created_at = *created_at;
    return user;
  }
  // Passkey: row `row` of kPasskeyColumns; kInternal when the stored
  // record does not parse.
  StoreResult<StoredPasskey> Passkey(int row) const {
    StoredPasskey passkey;
    auto user_id = Int(row, 0);
    if (!user_id.has_value())
      return StoreError::kInternal;
    passkey.user_id = *user_id;
    passkey.name = Text(row, 1);
    auto record = passkey::CredentialRecordFromJson(Text(row, 2));
    if (!record.has_value()) {
      std::fprintf(stderr, "postgres: stored record unreadable: %s: %s\n",
                   std::string(passkey::ErrorCodeName(record.error().code)).c_str(),
                   record.error().message.c_str());
      return StoreError::kInternal;
    }
    passkey.record = std::move(record).value();
    return passkey;
  }
};

namespace {

// Unexpected: kInternal for a failed statement no caller maps, logging a
// constraint violation (Run logged every other error already).
template <class Reply>
StoreError Unexpected(const Reply& reply, const char* what) {
  if (reply.sqlstate == kUniqueViolation || reply.sqlstate == kForeignKeyViolation) {
    std::fprintf(stderr, "postgres: %s: constraint %s violated\n", what, reply.constraint.c_str());
  }
  return StoreError::kInternal;
}

}  // namespace

// Connection: one libpq connection, closed on destruction.
class PostgresCredentialStore::Connection {
 public:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PGconn* get() const { return conn_; }
  bool used = false;  // it has run a statement (so it may have gone stale)
  // Reusable: connected and outside any transaction (a pooled connection
  // must not carry a half-done transaction to the next caller).
  bool Reusable() const {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  PGconn* conn_;
};

// Query: a statement with its parameters. Integers are sent as text;
// strings and bytes in binary format with their lengths (a text-format
// parameter would end at its first NUL byte, silently).
class PostgresCredentialStore::Query {
 public:
  explicit Query(std::string sql) : sql_(std::move(sql)) {}

  Query& Int(std::int64_t value) { return Add(std::to_string(value), 0); }
  Query& OptionalInt(const std::optional<std::int64_t>& value) {
    if (!value.has_value()) {
      values_.emplace_back();
      formats_.push_back(0);
      null_.push_back(true);
      return *this;
    }
    return Int(*value);
  }
  Query& Text(std::string_view value) { return Add(std::string(value), 1); }
  Query& Bytes(passkey::ByteView value) { return Add(std::string(value.begin(), value.end()), 1); }
  // Passkey: a passkey's name, sign_count, record (version-1 JSON),
  // created_at and last_used_at, in that order.
  Query& Passkey(std::string_view name, const passkey::CredentialRecord& record) {
    return Text(name)
        .Int(record.sign_count)
        .Text(passkey::CredentialRecordToJson(record))
        .Int(record.created_at.value_or(0))
        .OptionalInt(record.last_used_at);
  }

  // Exec runs the statement on `conn` as a prepared statement; text
  // results. Each connection prepares a statement the first time it runs
  // it: the execute of an unknown name fails with SQLSTATE 26000 and has no
  // other effect (every store call is one statement in autocommit), so the
  // statement is prepared then and executed again. A new connection (after
  // a reconnect) simply prepares again.
  ResultPtr Exec(PGconn* conn) const {
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      values.push_back(null_[i] ? nullptr : values_[i].data());
      lengths.push_back(static_cast<int>(values_[i].size()));
    }
    const int count = static_cast<int>(values.size());
    const std::string name = StatementName();
    auto execute = [&] {
      return ResultPtr(PQexecPrepared(conn, name.c_str(), count, values.data(), lengths.data(),
                                      formats_.data(), /*resultFormat=*/0));
    };
    ResultPtr result = execute();
    const char* sqlstate =
        result != nullptr ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate == nullptr || std::strcmp(sqlstate, "26000") != 0)
      return result;
    ResultPtr prepared(PQprepare(conn, name.c_str(), sql_.c_str(), count, /*paramTypes=*/nullptr));
    if (prepared == nullptr || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
      return prepared;  // the caller reports this failure
    return execute();
  }

 private:
  Query& Add(std::string value, int format) {
    values_.push_back(std::move(value));
    formats_.push_back(format);
    null_.push_back(false);
    return *this;
  }

  // StatementName: a name for sql_ that is the same in every process (the
  // FNV-1a hash of the text), within PostgreSQL's 63-byte limit.
  std::string StatementName() const {
    std::uint64_t hash = 14695981039346656037ull;
    for (const char c : sql_) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
    char name[32];
    std::snprintf(name, sizeof(name), "passkey_%016llx", static_cast<unsigned long long>(hash));
    return name;
  }

  std::string sql_;
  std::vector<std::string> values_;
  std::vector<int> formats_;
  std::vector<bool> null_;
};

// Lease: a connection borrowed from the pool, given back (or dropped when
// broken) on destruction.
class PostgresCredentialStore::Lease {
 public:
  Lease(PostgresCredentialStore& store, std::string* error)
      : store_(store), connection_(store.Acquire(error)) {}
  ~Lease() {
    if (connection_ != nullptr)
      store_.Release(std::move(connection_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  PGconn* get() const { return connection_ != nullptr ? connection_->get() : nullptr; }
  // reused: the connection had served calls before (it may have gone stale
  // while idle); false for one opened for this lease.
  bool reused() const { return connection_ != nullptr && connection_->used; }
  void MarkUsed() {
    if (connection_ != nullptr)
      connection_->used = true;
  }

 private:
  PostgresCredentialStore& store_;
  std::unique_ptr<Connection> connection_;
};

PostgresCredentialStore::PostgresCredentialStore(std::string url, Options options)
    : url_(std::move(url)), options_(options) {}

PostgresCredentialStore::~PostgresCredentialStore() = default;

std::unique_ptr<PostgresCredentialStore> PostgresCredentialStore::Open(const std::string& url,
                                                                       Options options,
                                                                       std::string* error) {
  if (options.max_connections == 0)
    options.max_connections = 1;
  std::unique_ptr<PostgresCredentialStore> store(new PostgresCredentialStore(url, options));
  if (!store->MigrateWith(error))
    return nullptr;
  return store;
}

std::unique_ptr<PostgresCredentialStore::Connection> PostgresCredentialStore::Acquire(
    std::string* error) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!returned_.wait_for(lock, options_.pool_wait, [this] {
          return !idle_.empty() || open_ < options_.max_connections;
        })) {
      *error = "no connection free after " + std::to_string(options_.pool_wait.count()) + " ms";
      return nullptr;
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve the slot; connect without holding the lock
  }
  // Keywords before "dbname" are defaults the URL may override (libpq:
  // an expanded dbname overrides the keywords listed before it).
  const std::string connect_timeout = std::to_string(options_.connect_timeout_seconds);
  const std::string timeout_ms = std::to_string(options_.statement_timeout.count());
  // client_min_messages: no NOTICE lines ("already exists, skipping") on
  // stderr from Migrate's CREATE TABLE IF NOT EXISTS.
  const std::string server_options =
      "-c client_min_messages=warning -c statement_timeout=" + timeout_ms;
  const char* const keywords[] = {"connect_timeout", "tcp_user_timeout", "application_name",
                                  "options",         "dbname",           nullptr};
  const char* const values[] = {connect_timeout.c_str(), timeout_ms.c_str(), "passkey-server",
                                server_options.c_str(),  url_.c_str(),       nullptr};
  auto connection =
      std::make_unique<Connection>(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (connection->get() != nullptr && PQstatus(connection->get()) == CONNECTION_OK)
    return connection;
  *error = connection->get() != nullptr ? PQerrorMessage(connection->get()) : "out of memory";
  while (!error->empty() && error->back() == '\n')
    error->pop_back();
  connection.reset();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
  }
  returned_.notify_one();
  return nullptr;
}

void PostgresCredentialStore::Release(std::unique_ptr<Connection> connection) {
  const bool reusable = connection->Reusable();
  if (!reusable)
    connection.reset();  // close it outside the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
}

StoreResult<PostgresCredentialStore::Reply> PostgresCredentialStore::Run(const Query& query,
                                                                         bool idempotent,
                                                                         const char* what) {
  for (int attempt = 0;; ++attempt) {
    std::string error;
    Lease lease(*this, &error);
    if (lease.get() == nullptr) {
      std::fprintf(stderr, "postgres: %s: %s\n", what, error.c_str());
      return StoreError::kUnavailable;
    }
    const bool reused = lease.reused();
    Reply reply;
    reply.result = query.Exec(lease.get());
    lease.MarkUsed();
    const ExecStatusType status =
        reply.result != nullptr ? PQresultStatus(reply.result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
      return reply;
    // Copied: it lives in the result, which is released below.
    const std::string message = reply.result != nullptr ? PQresultErrorMessage(reply.result.get())
                                                        : PQerrorMessage(lease.get());
    if (PQstatus(lease.get()) != CONNECTION_OK) {
      // The connection broke (the Lease drops it). A reused one may simply
      // have been closed while idle: a read is tried once more on a new one.
      std::fprintf(stderr, "postgres: %s: connection lost: %s", what, message.c_str());
      if (idempotent && reused && attempt == 0)
        continue;
      return StoreError::kUnavailable;
    }
    const char* sqlstate = reply.result != nullptr
                               ? PQresultErrorField(reply.result.get(), PG_DIAG_SQLSTATE)
                               : nullptr;
    const char* constraint = reply.result != nullptr
                                 ? PQresultErrorField(reply.result.get(), PG_DIAG_CONSTRAINT_NAME)
                                 : nullptr;
    reply.sqlstate = sqlstate != nullptr ? sqlstate : "";
    reply.constraint = constraint != nullptr ? constraint : "";
    reply.result.reset();
    if (Transient(reply.sqlstate)) {
      std::fprintf(stderr, "postgres: %s: %s", what, message.c_str());
      return StoreError::kUnavailable;
    }
    // Constraint violations are answers the caller maps (or logs with
    // Unexpected when it does not).
    if (reply.sqlstate != kUniqueViolation && reply.sqlstate != kForeignKeyViolation)
      std::fprintf(stderr, "postgres: %s: %s", what, message.c_str());
    return reply;
  }
}

StoreResult<PostgresCredentialStore::Reply> PostgresCredentialStore::RunOk(const Query& query,
                                                                           bool idempotent,
                                                                           const char* what) {
  auto reply = Run(query, idempotent, what);
  if (reply.has_value() && !reply->ok())
    return Unexpected(*reply, what);
  return reply;
}

StoreStatus PostgresCredentialStore::Change(const Query& query, bool idempotent, const char* what) {
  auto reply = RunOk(query, idempotent, what);
  if (!reply.has_value())
    return reply.error();
  if (reply->Affected() == 0)
    return StoreError::kNotFound;
  return {};
}

bool PostgresCredentialStore::MigrateWith(std::string* error) {
  Lease lease(*this, error);
  if (lease.get() == nullptr)
    return false;
  lease.MarkUsed();
  // The one migration runner (migrations.h) over the leased connection. A
  // failure leaves the connection in no transaction (the runner rolls back);
  // were the ROLLBACK itself lost, the Lease drops the broken connection.
  class PostgresMigrations final : public MigrationConnection {
   public:
    explicit PostgresMigrations(PGconn* conn) : conn_(conn) {}
    SqlDialect dialect() const override { return SqlDialect::kPostgresql; }
    bool Exec(const std::string& sql, std::string* error) override {
      return Run(sql, nullptr, error);
    }
    bool QueryInt(const std::string& sql, std::int64_t* out, std::string* error) override {
      ResultPtr result;
      if (!Run(sql, &result, error))
        return false;
      if (PQntuples(result.get()) < 1 || PQnfields(result.get()) < 1) {
        *error = "no row";
        return false;
      }
      *out = std::strtoll(PQgetvalue(result.get(), 0, 0), nullptr, 10);
      return true;
    }

   private:
    // Run: statements without parameters (PQexec: several may be given).
    bool Run(const std::string& sql, ResultPtr* out, std::string* error) {
      ResultPtr result(PQexec(conn_, sql.c_str()));
      const ExecStatusType status =
          result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        if (out != nullptr)
          *out = std::move(result);
        return true;
      }
      *error = result != nullptr ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_);
      while (!error->empty() && error->back() == '\n')
        error->pop_back();
      return false;
    }
    PGconn* conn_;
  };
  PostgresMigrations connection(lease.get());
  std::vector<std::string> applied;
  if (!RunMigrations(connection, &applied, error))
    return false;
  for (const std::string& line : applied)
    std::fprintf(stderr, "postgres: applied migration %s\n", line.c_str());
  return true;
}

StoreResult<int> PostgresCredentialStore::SchemaVersion() {
  auto reply = Run(Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"),
                   /*idempotent=*/true, "schema version");
  if (!reply.has_value())
    return reply.error();
  if (!reply->ok() && reply->sqlstate == kUndefinedTable)
    return 0;  // never migrated
  if (!reply->ok())
    return StoreError::kInternal;
  auto version = reply->Int(0, 0);
  if (!version.has_value())
    return StoreError::kInternal;
  return static_cast<int>(*version);
}

StoreStatus PostgresCredentialStore::Migrate() {
  std::string error;
  if (MigrateWith(&error))
    return {};
  std::fprintf(stderr, "postgres: migrate: %s\n", error.c_str());
  return StoreError::kInternal;
}

StoreResult<User> PostgresCredentialStore::FindUser(const Query& query) {
  auto reply = RunOk(query, /*idempotent=*/true, "find user");
  if (!reply.has_value())
    return reply.error();
  if (reply->rows() == 0)
    return StoreError::kNotFound;
  std::optional<User> user = reply->User(0);
  if (!user.has_value())
    return StoreError::kInternal;
  return std::move(*user);
}

StoreResult<User> PostgresCredentialStore::FindUserByName(std::string_view name) {
  return FindUser(Query(std::string(kUserColumns) +
                        " WHERE lower(name COLLATE \"C\") = lower($1 COLLATE \"C\")")
                      .Text(name));
}

StoreResult<User> PostgresCredentialStore::FindUserById(std::int64_t id) {
  return FindUser(Query(std::string(kUserColumns) + " WHERE id = $1").Int(id));
}

StoreResult<User> PostgresCredentialStore::FindUserByHandle(passkey::ByteView handle) {
  return FindUser(Query(std::string(kUserColumns) + " WHERE user_handle = $1").Bytes(handle));
}

namespace {

// kInsertPasskey: INSERT INTO passkeys ... SELECT <this>, where $1 is the
// credential ID and $3..$7 the values bound by Query::Passkey; the user id
// comes from the SELECT's FROM.
constexpr const char* kInsertPasskey =
    "INSERT INTO passkeys (credential_id, user_id, name, sign_count, record, created_at,"
    " last_used_at) SELECT $1, id, $3, $4, $5, $6, $7";

}  // namespace

StoreResult<User> PostgresCredentialStore::CreateUserWithPasskey(
    const User& user, std::string_view passkey_name, const passkey::CredentialRecord& record) {
  // One statement: the user row exists only if the passkey row is inserted
  // too (any violation aborts both). $2 and $8..$10: the user's columns.
  Query query(std::string("WITH new_user AS ("
                          "  INSERT INTO users (user_handle, name, display_name, created_at)"
                          "  VALUES ($2, $8, $9, $10) RETURNING id) ") +
              kInsertPasskey + " FROM new_user RETURNING user_id");
  query.Bytes(record.id).Bytes(user.handle).Passkey(passkey_name, record);
  query.Text(user.name).Text(user.display_name).Int(user.created_at);
  auto reply = Run(query, /*idempotent=*/false, "create user");
  if (!reply.has_value())
    return reply.error();
  if (!reply->ok()) {
    if (reply->sqlstate == kUniqueViolation && reply->constraint == "users_name_key")
      return StoreError::kUsernameTaken;
    if (reply->sqlstate == kUniqueViolation && reply->constraint == "passkeys_pkey")
      return StoreError::kCredentialExists;
    return Unexpected(*reply, "create user");
  }
  auto id = reply->rows() == 1 ? reply->Int(0, 0) : std::nullopt;
  if (!id.has_value())
    return StoreError::kInternal;
  User created = user;
  created.id = *id;
  return created;
}

StoreStatus PostgresCredentialStore::AddPasskey(std::int64_t user_id, std::string_view passkey_name,
                                                const passkey::CredentialRecord& record) {
  // No row when the user does not exist; a user removed between the SELECT
  // and the INSERT fails the foreign key instead: both are kNotFound.
  Query query(std::string(kInsertPasskey) + " FROM users WHERE id = $2");
  query.Bytes(record.id).Int(user_id).Passkey(passkey_name, record);
  auto reply = Run(query, /*idempotent=*/false, "add passkey");
  if (!reply.has_value())
    return reply.error();
  if (!reply->ok()) {
    if (reply->sqlstate == kUniqueViolation && reply->constraint == "passkeys_pkey")
      return StoreError::kCredentialExists;
    if (reply->sqlstate == kForeignKeyViolation)
      return StoreError::kNotFound;
    return Unexpected(*reply, "add passkey");
  }
  if (reply->Affected() == 0)
    return StoreError::kNotFound;
  return {};
}

StoreResult<StoredPasskey> PostgresCredentialStore::FindPasskey(passkey::ByteView credential_id) {
  auto reply =
      RunOk(Query(std::string(kPasskeyColumns) + " WHERE credential_id = $1").Bytes(credential_id),
            /*idempotent=*/true, "find passkey");
  if (!reply.has_value())
    return reply.error();
  if (reply->rows() == 0)
    return StoreError::kNotFound;
  return reply->Passkey(0);
}

StoreResult<std::vector<StoredPasskey>> PostgresCredentialStore::ListPasskeys(
    std::int64_t user_id) {
  auto reply = RunOk(
      Query(std::string(kPasskeyColumns) + " WHERE user_id = $1 ORDER BY created_at, credential_id")
          .Int(user_id),
      /*idempotent=*/true, "list passkeys");
  if (!reply.has_value())
    return reply.error();
  std::vector<StoredPasskey> passkeys;
  for (int row = 0; row < reply->rows(); ++row) {
    auto passkey = reply->Passkey(row);
    if (!passkey.has_value())
      return passkey.error();
    passkeys.push_back(std::move(passkey).value());
  }
  return passkeys;
}

StoreResult<bool> PostgresCredentialStore::UpdateAfterSignIn(
    passkey::ByteView credential_id, std::uint32_t old_sign_count,
    const passkey::CredentialRecord& new_record) {
  if (!std::equal(credential_id.begin(), credential_id.end(), new_record.id.begin(),
                  new_record.id.end())) {
    return StoreError::kInternal;
  }
  // One statement: the UPDATE applies only while sign_count is the old
  // value; `present` (read from the statement's snapshot, before the
  // update) tells a lost race (false) from a removed passkey (kNotFound).
  Query query(
      "WITH updated AS ("
      "  UPDATE passkeys SET sign_count = $2, record = $3, last_used_at = $4"
      "  WHERE credential_id = $1 AND sign_count = $5 RETURNING 1)"
      " SELECT (SELECT count(*) FROM updated),"
      "        EXISTS (SELECT 1 FROM passkeys WHERE credential_id = $1)");
  query.Bytes(credential_id)
      .Int(new_record.sign_count)
      .Text(passkey::CredentialRecordToJson(new_record))
      .OptionalInt(new_record.last_used_at)
      .Int(old_sign_count);
  auto reply = RunOk(query, /*idempotent=*/false, "update passkey");
  if (!reply.has_value())
    return reply.error();
  if (reply->rows() != 1)
    return StoreError::kInternal;
  if (reply->Int(0, 0) == 1)
    return true;
  if (reply->Text(0, 1) == "t")
    return false;
  return StoreError::kNotFound;
}

StoreStatus PostgresCredentialStore::RenamePasskey(std::int64_t user_id,
                                                   passkey::ByteView credential_id,
                                                   std::string_view name) {
  // Safe to repeat: a second run sets the same name on the same row.
  return Change(Query("UPDATE passkeys SET name = $3 WHERE credential_id = $1 AND user_id = $2")
                    .Bytes(credential_id)
                    .Int(user_id)
                    .Text(name),
                /*idempotent=*/true, "rename passkey");
}

StoreStatus PostgresCredentialStore::DeletePasskey(std::int64_t user_id,
                                                   passkey::ByteView credential_id) {
  // Not repeated: a DELETE whose answer was lost would then say kNotFound.
  return Change(Query("DELETE FROM passkeys WHERE credential_id = $1 AND user_id = $2")
                    .Bytes(credential_id)
                    .Int(user_id),
                /*idempotent=*/false, "delete passkey");
}

}  // namespace passkey_server
