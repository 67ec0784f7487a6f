// SharedBackends: the PostgreSQL/Redis deployment for the HTTP and
// multi-instance tests (issue #18): one throwaway PostgreSQL cluster
// (postgres_cluster.h) and one redis-server (redis_fixture.h) per test
// process, started on first use and stopped when the process exits (or
// killed with it: both fixtures set a parent-death signal). Each test takes
// a fresh database and a flushed Redis database index from them. The header
// needs neither libpq nor hiredis; shared_backends.cc needs both.
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_SHARED_BACKENDS_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_SHARED_BACKENDS_H_

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "postgres_cluster.h"
#include "redis_fixture.h"

namespace passkey_server::test_util {

class SharedBackends {
 public:
  // kEnvironment / kPostgresRedis: PASSKEY_SERVER_BACKEND=postgresql-redis
  // runs the HTTP tests against this deployment instead of SQLite/memory.
  static constexpr const char* kEnvironment = "PASSKEY_SERVER_BACKEND";
  static constexpr const char* kPostgresRedis = "postgresql-redis";
  // Requested: whether the environment asks for PostgreSQL/Redis.
  static bool Requested() {
    const char* value = std::getenv(kEnvironment);
    return value != nullptr && std::string_view(value) == kPostgresRedis;
  }

  // Get: this process's backends, started on the first call. nullptr with
  // the reason in *why; *skip is true when that reason is a missing package
  // (the test is skipped), false when they are installed but did not start
  // (the test fails).
  static SharedBackends* Get(std::string* why, bool* skip);

  PostgresCluster& postgres() { return *postgres_; }
  RedisServer& redis() { return redis_; }

  // Fresh: a new empty database (CREATE DATABASE) and the next Redis
  // database index, flushed; `database` gets the database's name. The
  // passkey-server flags for them, or empty with *error.
  std::vector<std::string> Fresh(std::string* database, std::string* error);

  // Query: the rows of `sql` in `database`, each a vector of text values
  // (NULL as "<null>"); false with *error.
  bool Query(const std::string& database, const std::string& sql,
             std::vector<std::vector<std::string>>* rows, std::string* error) const;

 private:
  SharedBackends() = default;

  std::unique_ptr<PostgresCluster> postgres_;
  RedisServer redis_;
  int next_ = 0;  // databases handed out
};

}  // namespace passkey_server::test_util

// SHARED_BACKENDS_OR_SKIP: `backends` (a SharedBackends*) set to this
// process's backends; skips the test when PostgreSQL or Redis is not
// installed, fails it when they do not start.
#define SHARED_BACKENDS_OR_SKIP(backends)                                                         \
  do {                                                                                            \
    std::string backends_why;                                                                     \
    bool backends_skip = false;                                                                   \
    (backends) = ::passkey_server::test_util::SharedBackends::Get(&backends_why, &backends_skip); \
    if ((backends) == nullptr && backends_skip)                                                   \
      GTEST_SKIP() << backends_why;                                                               \
    ASSERT_NE((backends), nullptr) << backends_why;                                               \
  } while (false)

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_SHARED_BACKENDS_H_
